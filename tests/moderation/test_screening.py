"""Before a post goes out: watched words (a community's and the site's; whole words whatever their case
or accents; block or flag), silenced members, and slow mode on a heated topic."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities.models import Role
from polka.db import transaction
from polka.errors import Forbidden, NotFound, ValidationError
from polka.forum import services
from polka.moderation import rules
from polka.moderation.models import Report, WordAction
from polka.moderation.screening import words_of
from tests.support import text


@pytest.fixture
def place(make, forum):
    community = make.community("PNC Operators")
    moderator = make.member(community, role=Role.MODERATOR)
    member = make.member(community)
    category = forum.category(community)
    topic = forum.topic(category, moderator, "Keeper checks")
    return community, moderator, member, category, topic


def _watch(session, moderator, community, word, action):
    with transaction(session):
        rules.add_word(
            session, session.merge(moderator), session.merge(community) if community else None, word, action
        )


def test_words_are_matched_whole_whatever_their_case_or_accents():
    assert words_of("Total SCÚM, scumbag!") == ["total", "scum", "scumbag"]


@pytest.mark.parametrize("written", ["You scum", "you SCUM.", "you Scúm!"])
def test_a_blocking_word_refuses_the_post_naming_the_word(session, forum, place, written):
    community, moderator, member, _, topic = place
    _watch(session, moderator, community, "scum", WordAction.BLOCK)
    with pytest.raises(ValidationError, match="contains “scum”"):
        forum.reply(topic, member, written)


def test_a_word_inside_another_is_not_caught(session, forum, place):
    community, moderator, member, _, topic = place
    _watch(session, moderator, community, "scum", WordAction.BLOCK)
    assert forum.reply(topic, member, "A scumble of paint").number == 2


def test_a_flagging_word_publishes_and_reports_the_post(session, forum, place):
    community, moderator, member, _, topic = place
    _watch(session, moderator, community, "off the record", WordAction.FLAG)
    post = forum.reply(topic, member, "Told me off the record that it works.")
    report = session.scalar(select(Report))
    assert (report.target_id, report.reporter_id) == (post.id, None)
    assert report.text == "Contains the watched word “off the record”"


def test_the_site_wide_list_applies_in_every_community(session, make, forum, place):
    _, _, member, _, topic = place
    _watch(session, make.admin(), None, "bloody", WordAction.BLOCK)
    with pytest.raises(ValidationError, match="bloody"):
        forum.reply(topic, member, "Bloody keeper checks")


def test_only_moderators_keep_a_communitys_words_and_only_administrators_the_sites(session, place):
    community, _, member, _, _ = place
    with pytest.raises(Forbidden):
        _watch(session, member, community, "scum", WordAction.BLOCK)
    with pytest.raises(NotFound):  # the site's settings do not exist for them
        _watch(session, member, None, "scum", WordAction.BLOCK)


def test_a_silenced_member_reads_but_cannot_post_and_is_told_until_when(session, web, login, forum, place):
    community, moderator, member, _, topic = place
    with transaction(session):
        rules.silence(
            session, session.merge(moderator), session.merge(community), session.merge(member), 7, "Insults"
        )
    with pytest.raises(Forbidden, match=r"until .* \(Insults\)"):
        forum.reply(topic, member, "Let me speak")
    login(member)
    page = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert "A moderator has stopped you posting in this community until" in page


def test_a_moderator_silences_by_email_and_lifts_it_through_the_settings_page(session, web, login, place):
    community, moderator, member, _, _ = place
    login(moderator)
    url = f"/c/{community.slug}/moderation/settings"
    form = {"email": member.email.upper(), "days": "3", "reason": "Cooling off"}
    assert web.post(f"/c/{community.slug}/moderation/silences", form, token_from=url).status_code == 302
    assert "Cooling off" in text(web.get(url))
    unknown = web.post(
        f"/c/{community.slug}/moderation/silences", {**form, "email": "nobody@met.police.uk"}, token_from=url
    )
    assert unknown.status_code == 400
    assert "No member of this community has that email address" in text(unknown)
    assert "nobody@met.police.uk" in unknown.get_data(as_text=True)


def test_slow_mode_lets_a_member_post_once_per_interval_and_keeps_the_text(session, web, login, forum, place):
    community, moderator, member, _, topic = place
    with transaction(session):
        services.set_slow_mode(session, session.merge(moderator), forum.fresh(topic), 15)
    forum.reply(topic, member, "First")
    with pytest.raises(Forbidden, match="Slow mode"):
        forum.reply(topic, member, "Second")
    login(member)
    url = f"/c/{community.slug}/forum/t/{topic.id}"
    response = web.post(f"{url}/reply", {"body": "Second, typed with care", "action": "save"}, token_from=url)
    assert response.status_code == 403
    assert "Second, typed with care" in response.get_data(as_text=True)
    assert forum.reply(topic, moderator, "Moderators are not slowed").number == 3


def test_the_settings_page_is_for_moderators(web, login, place):
    community = place[0]
    login.as_member(community)
    assert web.get(f"/c/{community.slug}/moderation/settings").status_code == 403


def test_an_administrator_keeps_the_site_wide_list_through_its_page(web, login):
    login.as_admin()
    url = "/moderation/words"
    response = web.post(url, {"word": "Bloody", "action": "block"}, token_from=url)
    assert response.status_code == 302
    assert "Bloody" in text(web.get(url))
    refused = web.post(url, {"word": "bloody", "action": "flag"}, token_from=url)
    assert refused.status_code == 400
    assert "“bloody” is already watched" in text(refused)
