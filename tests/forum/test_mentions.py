"""@mentions: a link to the person, suggestions only of people who may read the topic, and a mention of
someone who may not read it refused with a clear message (the text kept, nothing posted)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from polka.communities.models import Visibility
from polka.errors import ValidationError
from polka.forum.models import ForumPost
from polka.markings import Marking
from polka.markup import render_document
from polka.mentions import href
from tests.support import text


def topic_url(community, topic, suffix=""):
    return f"/c/{community.slug}/forum/t/{topic.id}{suffix}"


def reply(web, community, topic, body, action="save"):
    url = topic_url(community, topic)
    return web.post(f"{url}/reply", {"body": body, "action": action}, token_from=url)


def post_count(session):
    session.rollback()
    return session.scalar(select(func.count()).select_from(ForumPost))


@pytest.fixture
def private_topic(make, forum):
    community = make.community("Covert Methods", visibility=Visibility.PRIVATE)
    topic = forum.topic(forum.category(community), make.member(community), "Tactics", "What works?")
    return community, topic


def test_a_mention_becomes_a_link_to_the_person(web, login, make, forum):
    community = make.community()
    topic = forum.topic(forum.category(community), make.member(community))
    claire = make.member(community, make.user("Claire Whitfield"))
    login.as_member(community)
    response = reply(web, community, topic, "Thanks @claire-whitfield, that helps.")
    assert response.status_code == 302
    page = web.get(topic_url(community, topic)).get_data(as_text=True)
    assert '<a href="/people/@claire-whitfield" class="polka-mention"' in page
    assert web.get("/people/@claire-whitfield").headers["Location"].endswith(f"/people/{claire.id}")


def test_an_email_address_and_a_mention_in_code_are_no_mentions():
    rendered = render_document("write to ops@met.police.uk or type `@nobody`", lambda target: "", href)
    assert rendered.mentions == ()
    assert "polka-mention" not in rendered.html


def test_mentioning_someone_outside_a_private_community_is_refused_and_keeps_the_text(
    web, login, session, make, private_topic
):
    community, topic = private_topic
    make.user("Dave Outsider")
    login.as_member(community)
    before = post_count(session)
    response = reply(web, community, topic, "Over to @dave-outsider for his view")
    assert response.status_code == 400
    page = text(response)
    assert "Dave Outsider (@dave-outsider) cannot read this topic" in page
    assert "Over to @dave-outsider for his view" in response.get_data(as_text=True)
    assert post_count(session) == before


def test_a_preview_says_so_too(web, login, make, private_topic):
    community, topic = private_topic
    make.user("Dave Outsider")
    login.as_member(community)
    response = reply(web, community, topic, "Over to @dave-outsider", action="preview")
    assert response.status_code == 400
    assert "cannot read this topic" in text(response)


def test_an_official_sensitive_topic_can_mention_members_only(session, make, forum):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community, make.user("Mia Member"))
    make.user("Olly Outsider")  # reads the open community, not its sensitive topics
    topic = forum.topic(
        forum.category(community), member, "Sensitive", "Text", marking=Marking.OFFICIAL_SENSITIVE
    )
    forum.reply(topic, member, "Noted, @mia-member")
    with pytest.raises(ValidationError, match="Olly Outsider \\(@olly-outsider\\) cannot read this topic"):
        forum.reply(topic, member, "And @olly-outsider?")
    open_topic = forum.topic(forum.category(community, "Open"), member, "Open", "Text")
    forum.reply(open_topic, member, "@olly-outsider can read this one")


def test_a_handle_nobody_has_is_refused(make, forum):
    community = make.community()
    author = make.member(community)
    topic = forum.topic(forum.category(community), author)
    with pytest.raises(ValidationError, match="No one is mentioned as @no-such-person"):
        forum.reply(topic, author, "Hello @no-such-person")


def test_an_edit_cannot_add_a_mention_of_someone_who_cannot_read(
    web, login, session, make, forum, private_topic
):
    community, topic = private_topic
    make.user("Dave Outsider")
    author = login.as_member(community)
    post = forum.reply(topic, author, "First thoughts")
    url = topic_url(community, topic, f"/posts/{post.number}/edit")
    response = web.post(url, {"body": "First thoughts, @dave-outsider", "action": "save"}, token_from=url)
    assert response.status_code == 400
    assert "cannot read this topic" in text(response)
    session.rollback()
    assert session.get(ForumPost, post.id).body == "First thoughts"


def test_a_mention_inside_a_quote_is_not_the_writers_mention(make, forum):
    """A post quoted from a topic elsewhere may name people who cannot read this one."""
    elsewhere = make.community("Elsewhere")
    outsider = make.member(elsewhere, make.user("Dave Outsider"))
    source = forum.reply(
        forum.topic(forum.category(elsewhere), outsider), outsider, "Ask @dave-outsider about it"
    )
    community = make.community("Covert Methods", visibility=Visibility.PRIVATE)
    writer = make.member(community, make.member(elsewhere))
    topic = forum.topic(forum.category(community), writer, "Tactics", "What works?")
    forum.reply(
        topic, writer, f"[quote=post:{source.id}]\nAsk @dave-outsider about it\n[/quote]\n\nInteresting"
    )


def test_suggestions_offer_only_people_who_can_read_the_topic(web, login, make, private_topic):
    community, topic = private_topic
    make.member(community, make.user("Claire Whitfield"))
    make.user("Claire Outsider")
    login.as_member(community)
    found = web.get(f"/c/{community.slug}/forum/people?topic={topic.id}&q=claire").get_json()
    assert [person["handle"] for person in found["people"]] == ["claire-whitfield"]
    assert (
        web.get(f"/c/{community.slug}/forum/people?topic={topic.id}&q=whit").get_json()["people"][0]["name"]
        == "Claire Whitfield"
    )


def test_suggestions_for_a_new_topic_follow_the_marking_chosen(web, login, make):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(community, make.user("Mia Member"))
    make.user("Mia Outsider")
    login.as_member(community)
    url = f"/c/{community.slug}/forum/people?q=mia"
    assert len(web.get(url).get_json()["people"]) == 2
    sensitive = web.get(f"{url}&marking=OFFICIAL-SENSITIVE").get_json()["people"]
    assert [person["name"] for person in sensitive] == ["Mia Member"]
    assert web.get(f"{url}&marking=SECRET").status_code == 400


def test_an_outsider_learns_nothing_of_a_private_topics_readers(web, login, make, private_topic):
    community, topic = private_topic
    login.as_new_user()
    response = web.get(f"/c/{community.slug}/forum/people?topic={topic.id}&q=a")
    assert response.status_code == 404
    assert response.is_json
