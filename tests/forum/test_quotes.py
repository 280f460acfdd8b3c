"""Quotes: part of a post carried into a reply with its author and a link back, and nothing of it for a
reader who may not see the quoted post (hidden since, or its community closed to them)."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from polka.communities.models import Visibility
from polka.db import transaction
from polka.errors import ValidationError
from polka.forum import quotes
from polka.forum.models import ForumPost
from polka.forum.moderation import hide_post
from polka.forum.search import ForumSearch
from tests.support import text


def topic_url(community, topic, suffix=""):
    return f"/c/{community.slug}/forum/t/{topic.id}{suffix}"


@pytest.fixture
def thread(make, forum):
    community = make.community("PNC Operators")
    asker = make.user("Claire Whitfield")
    make.member(community, asker)
    topic = forum.topic(forum.category(community), asker, "Keeper checks", "How long do you wait?")
    answer = forum.reply(topic, make.member(community), "We wait **four weeks** before a second check.")
    return community, topic, answer


def test_quote_starts_a_reply_with_the_post_in_a_quote_naming_it(web, login, thread):
    community, topic, answer = thread
    login.as_member(community)
    page = web.get(topic_url(community, topic, f"?quote={answer.number}")).get_data(as_text=True)
    assert (
        f"[quote=post:{answer.id}]\nWe wait **four weeks** before a second check.\n[/quote]"
        in html.unescape(page)
    )


def test_a_quoted_reply_shows_the_author_and_links_back(web, login, thread):
    community, topic, answer = thread
    login.as_member(community)
    body = f"[quote=post:{answer.id}]\nfour weeks\n[/quote]\n\nThat matches what we do."
    url = topic_url(community, topic)
    assert web.post(f"{url}/reply", {"body": body, "action": "save"}, token_from=url).status_code == 302
    page = web.get(url).get_data(as_text=True)
    assert "wrote" in page
    assert f'{url}#post-{answer.number}"' in page
    figure = page[page.index(f'<figure class="polka-quote" data-post="{answer.id}">') :]
    assert "four weeks" in figure[: figure.index("</figure>")]


def test_a_quote_of_a_post_hidden_since_shows_nothing_of_it(web, login, session, make, forum, thread):
    community, topic, answer = thread
    writer = make.member(community)
    reply = forum.reply(topic, writer, f"[quote=post:{answer.id}]\nthe secret words\n[/quote]\n\nAgreed.")
    moderator = make.admin()
    with transaction(session):
        hide_post(session, moderator, answer.id, "Off-topic")
    login(writer)
    page = text(web.get(topic_url(community, topic)))
    assert quotes.UNAVAILABLE in page
    assert "the secret words" not in page
    assert "Agreed." in page
    document = ForumSearch().documents(session, [reply.id])[reply.id]
    assert "secret" not in document.body


def test_a_quote_from_a_community_since_made_private_shows_nothing_of_it(web, login, session, make, forum):
    closed = make.community("Covert Methods")
    source = forum.topic(forum.category(closed), make.member(closed), "Tactics", "The covert tactic is X.")
    open_community = make.community("Everyone")
    quoted = session.scalar(select(ForumPost.id).where(ForumPost.topic_id == source.id))  # its opening post
    writer = make.user()
    make.member(open_community, writer)
    topic = forum.topic(
        forum.category(open_community),
        writer,
        "Borrowed idea",
        f"[quote=post:{quoted}]\nThe covert tactic is X.\n[/quote]\n\nShould we try it?",
    )
    with transaction(session):
        session.merge(closed).visibility = Visibility.PRIVATE
    login.as_new_user()
    page = text(web.get(topic_url(open_community, topic)))
    assert "Should we try it?" in page
    assert "covert tactic" not in page
    assert quotes.UNAVAILABLE in page


def test_quoting_a_post_the_writer_cannot_see_is_refused_and_keeps_the_text(
    web, login, session, make, forum, thread
):
    community, topic, answer = thread
    with transaction(session):
        hide_post(session, make.admin(), answer.id, "Off-topic")
    login.as_member(community)
    url = topic_url(community, topic)
    typed = f"[quote=post:{answer.id}]\nwhatever\n[/quote]\n\nMy careful reply"
    response = web.post(f"{url}/reply", {"body": typed, "action": "save"}, token_from=url)
    assert response.status_code == 400
    assert "quotes a post that is not available to you" in text(response)
    assert "My careful reply" in response.get_data(as_text=True)


def test_a_post_quotes_at_most_ten_posts(session, make, forum, thread):
    community, topic, answer = thread
    body = "".join(quotes.quote_of(answer.id + n, "x") for n in range(quotes.MAX_QUOTES + 1))
    with pytest.raises(ValidationError, match="at most 10 posts"):
        forum.reply(topic, make.member(community), body)


def test_text_that_only_looks_like_a_quote_stays_as_written():
    assert quotes.parts("[quote=post:5]\nnever closed") == [quotes.Part("[quote=post:5]\nnever closed")]
    assert quotes.parts("say [quote=post:5] inline\n[/quote]") == [
        quotes.Part("say [quote=post:5] inline\n[/quote]")
    ]
    assert quotes.own_words("[quote=post:5]\nquoted\n[/quote]\nmine") == "mine"
