"""Polls and recorded decisions: adding a poll (and every bad input), voting once while it is open,
results shown when the poll's creator said, named votes to nobody who may not see the topic, and a
moderator's decision at the top of the topic and in search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from polka.communities.models import Role, Visibility
from polka.db import transaction, utcnow
from polka.errors import Conflict, Forbidden, ValidationError
from polka.forum import polls
from polka.forum.models import ForumPoll, ForumPollOption, ForumPost, PollResults
from polka.forum.search import ForumSearch
from polka.markings import Marking
from tests.support import text


def topic_url(community, topic, suffix=""):
    return f"/c/{community.slug}/forum/t/{topic.id}{suffix}"


@pytest.fixture
def debate(make, forum):
    community = make.community("Forensics")
    starter = make.member(community, make.user("Priya Shah"))
    moderator = make.member(community, make.user("Gareth Hughes"), Role.MODERATOR)
    topic = forum.topic(forum.category(community), starter, "Project plan", "Which plan shall we follow?")
    return community, starter, moderator, topic


def add_poll(session, user, topic, options="Plan A\nPlan B\nPlan C", **fields):
    session.rollback()
    with transaction(session):
        return polls.create_poll(
            session,
            session.merge(user),
            session.merge(topic),
            polls.PollFields("Which plan?", options, **fields),
        )


def cast(session, user, topic, poll, *options):
    session.rollback()
    with transaction(session):
        fresh = session.get(ForumPoll, poll.id)
        polls.vote(session, session.merge(user), session.merge(topic), fresh, [o.id for o in options])


def counts(session, poll):
    session.rollback()
    session.expire_all()
    found = session.get(ForumPoll, poll.id)
    return found.voter_count, [option.vote_count for option in found.options]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("", "Give at least 2 options"),
        ("Only one", "Give at least 2 options"),
        ("\n".join(f"Option {n}" for n in range(200)), "at most 20 options \\(this one has 200\\)"),
        ("Plan A\nplan a", "given twice"),
        ("Plan A\n" + "x" * 201, "Option 2 must be 200 characters or fewer"),
    ],
)
def test_a_poll_needs_2_to_20_distinct_options(session, debate, options, message):
    _community, starter, _moderator, topic = debate
    with pytest.raises(ValidationError, match=message):
        add_poll(session, starter, topic, options)


def test_a_closing_time_must_be_in_the_future_and_within_a_year(session, debate):
    _community, starter, _moderator, topic = debate
    with pytest.raises(ValidationError, match="must be in the future"):
        add_poll(session, starter, topic, closes_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(ValidationError, match="at most a year"):
        add_poll(session, starter, topic, closes_at=utcnow() + timedelta(days=400))


def test_closing_times_are_read_as_uk_time_either_side_of_a_clock_change():
    assert polls.parse_closing("2027-07-01T10:00") == datetime(2027, 7, 1, 9, 0, tzinfo=UTC)  # BST
    assert polls.parse_closing("15/01/2027 10:00") == datetime(2027, 1, 15, 10, 0, tzinfo=UTC)  # GMT
    assert polls.parse_closing("  ") is None
    with pytest.raises(ValidationError, match="for example 31/03/2027 17:00"):
        polls.parse_closing("next Tuesday")


def test_the_starter_or_a_moderator_adds_one_poll_and_nobody_else(session, make, debate):
    community, starter, moderator, topic = debate
    with pytest.raises(Forbidden):
        add_poll(session, make.member(community), topic)
    add_poll(session, moderator, topic)
    with pytest.raises(Conflict, match="already has a poll"):
        add_poll(session, starter, topic)


def test_each_member_votes_once_and_the_counts_follow(session, make, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic)
    plan_a, plan_b, _ = poll.options
    voter = make.member(community)
    cast(session, voter, topic, poll, plan_b)
    cast(session, starter, topic, poll, plan_b)
    with pytest.raises(Conflict, match="already voted"):
        cast(session, voter, topic, poll, plan_a)
    assert counts(session, poll) == (2, [0, 2, 0])


@pytest.mark.parametrize("how", ["closed by its creator", "past its closing time"])
def test_a_closed_poll_counts_no_vote(session, make, debate, how):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic, closes_at=utcnow() + timedelta(hours=1))
    with transaction(session):
        if how == "closed by its creator":
            polls.close_poll(
                session, session.merge(starter), session.merge(topic), session.get(ForumPoll, poll.id)
            )
        else:
            session.execute(update(ForumPoll).values(closes_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(Conflict, match="The poll has closed"):
        cast(session, make.member(community), topic, poll, poll.options[0])
    assert counts(session, poll) == (0, [0, 0, 0])


def test_bad_choices_are_refused(session, make, forum, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic)
    other_topic = forum.topic(forum.category(community, "Other"), starter, "Another", "Text")
    other = add_poll(session, starter, other_topic, "Yes\nNo")
    voter = make.member(community)
    with pytest.raises(ValidationError, match="Choose an option"):
        cast(session, voter, topic, poll)
    with pytest.raises(ValidationError, match="Choose one option only"):
        cast(session, voter, topic, poll, *poll.options[:2])
    with pytest.raises(ValidationError, match="Choose from this poll's options"):
        cast(session, voter, topic, poll, other.options[0])
    with pytest.raises(Forbidden, match="Only members of the community vote"):
        cast(session, make.user(), topic, poll, poll.options[0])
    assert counts(session, poll) == (0, [0, 0, 0])


def test_a_multiple_choice_vote_counts_each_option_once(session, make, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic, multiple=True)
    cast(session, make.member(community), topic, poll, poll.options[0], poll.options[2])
    assert counts(session, poll) == (1, [1, 0, 1])


def test_results_show_after_voting_or_only_after_closing_as_chosen(web, login, session, make, forum, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic)
    cast(session, starter, topic, poll, poll.options[0])
    login.as_member(community)
    url = topic_url(community, topic)
    assert "1 vote (100%)" not in text(web.get(url))  # not voted yet
    response = web.post(f"{url}/poll/vote", {"option": str(poll.options[0].id)}, token_from=url)
    assert response.status_code == 302
    assert "2 votes (100%)" in text(web.get(url))

    sealed_topic = forum.topic(forum.category(community, "Sealed"), starter, "Sealed", "Text")
    sealed = add_poll(session, starter, sealed_topic, results=PollResults.AFTER_CLOSING)
    sealed_url = topic_url(community, sealed_topic)
    web.post(f"{sealed_url}/poll/vote", {"option": str(sealed.options[1].id)}, token_from=sealed_url)
    page = text(web.get(sealed_url))
    assert "You have voted. The results will show when the poll closes." in page
    assert "1 vote (100%)" not in page
    with transaction(session):
        polls.close_poll(
            session, session.merge(starter), session.merge(sealed_topic), session.get(ForumPoll, sealed.id)
        )
    assert "1 vote (100%)" in text(web.get(sealed_url))


def test_a_refused_vote_says_why_and_keeps_the_choice(web, login, session, make, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic)
    login.as_member(community)
    url = topic_url(community, topic)
    empty = web.post(f"{url}/poll/vote", {}, token_from=url)
    assert empty.status_code == 400
    assert "Choose an option" in text(empty)
    chosen = poll.options[1].id
    web.post(f"{url}/poll/vote", {"option": str(chosen)}, token_from=url)
    again = web.post(f"{url}/poll/vote", {"option": str(chosen)}, token_from=url)
    assert again.status_code == 409
    assert "already voted" in text(again)
    assert web.post(f"{url}/poll/vote", {"option": "x"}, token_from=url).status_code == 400


def test_named_votes_show_names_and_anonymous_ones_never(web, login, session, make, forum, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic, named=True)
    cast(session, make.member(community, make.user("Tom Brennan")), topic, poll, poll.options[0])
    closed_topic = forum.topic(forum.category(community, "Other"), starter, "Anonymous", "Text")
    anonymous = add_poll(session, starter, closed_topic)
    cast(
        session,
        make.member(community, make.user("Sam Secret")),
        closed_topic,
        anonymous,
        anonymous.options[0],
    )
    with transaction(session):
        for each, where in ((poll, topic), (anonymous, closed_topic)):
            polls.close_poll(
                session, session.merge(starter), session.merge(where), session.get(ForumPoll, each.id)
            )
    login.as_member(community)
    assert "Tom Brennan" in text(web.get(topic_url(community, topic)))
    page = text(web.get(topic_url(community, closed_topic)))
    assert "Votes are anonymous" in page
    assert "Sam Secret" not in page


@pytest.mark.parametrize("where", ["private community", "OFFICIAL-SENSITIVE topic"])
def test_named_votes_reach_nobody_who_may_not_see_the_topic(web, login, session, make, forum, where):
    if where == "private community":
        community = make.community("Covert Methods", visibility=Visibility.PRIVATE)
        marking = Marking.OFFICIAL
    else:
        community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
        marking = Marking.OFFICIAL_SENSITIVE
    starter = make.member(community)
    topic = forum.topic(forum.category(community), starter, "Vote", "Text", marking=marking)
    poll = add_poll(session, starter, topic, named=True)
    cast(session, make.member(community, make.user("Tom Brennan")), topic, poll, poll.options[0])
    with transaction(session):
        polls.close_poll(
            session, session.merge(starter), session.merge(topic), session.get(ForumPoll, poll.id)
        )
    login.as_new_user()
    url = topic_url(community, topic)
    assert web.get(url).status_code == 404
    refused = web.post(f"{url}/poll/vote", {"option": str(poll.options[0].id)}, token_from="/")
    assert refused.status_code == 404
    assert "Tom Brennan" not in refused.get_data(as_text=True)


def test_adding_a_poll_through_its_page_keeps_what_was_typed_on_an_error(web, login, session, debate):
    community, starter, _moderator, topic = debate
    login(starter)
    url = topic_url(community, topic, "/poll")
    form = {
        "question": "Which plan?",
        "options": "Plan A",
        "named": "anonymous",
        "results": "after_voting",
        "closes_at": "",
    }
    refused = web.post(url, form, token_from=url)
    assert refused.status_code == 400
    assert "Give at least 2 options" in text(refused)
    assert "Plan A" in refused.get_data(as_text=True)
    past = web.post(
        url, {**form, "options": "Plan A\nPlan B", "closes_at": "2020-01-01T10:00"}, token_from=url
    )
    assert past.status_code == 400
    assert "must be in the future" in text(past)
    added = web.post(url, {**form, "options": "Plan A\nPlan B"}, token_from=url)
    assert added.status_code == 302
    assert "Which plan?" in text(web.get(topic_url(community, topic)))


def test_a_moderator_records_the_decision_at_the_top_and_in_search(web, login, session, debate):
    community, _starter, moderator, topic = debate
    login(moderator)
    url = topic_url(community, topic)
    decision = "Option B, agreed at the March meeting"
    assert web.post(f"{url}/decision", {"decision": decision}, token_from=url).status_code == 302
    page = text(web.get(url))
    assert f"Decision {decision} Recorded by Gareth Hughes" in page
    session.rollback()
    session.expire_all()  # read what the request wrote
    opening = session.scalar(
        select(ForumPost.id).where(ForumPost.topic_id == topic.id, ForumPost.number == 1)
    )
    assert decision in ForumSearch().documents(session, [opening])[opening].body
    too_long = web.post(f"{url}/decision", {"decision": "x" * 1001}, token_from=url)
    assert too_long.status_code == 400
    assert "1,000 characters or fewer" in text(too_long)
    assert "x" * 1001 in too_long.get_data(as_text=True)


def test_only_moderators_record_a_decision(web, login, debate):
    community, starter, _moderator, topic = debate
    login(starter)
    url = topic_url(community, topic)
    assert web.post(f"{url}/decision", {"decision": "Mine"}, token_from=url).status_code == 403


def test_recount_rebuilds_the_vote_counts_from_the_ballots(session, make, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic)
    cast(session, make.member(community), topic, poll, poll.options[2])
    with transaction(session):
        session.execute(update(ForumPollOption).values(vote_count=7))
        session.execute(update(ForumPoll).values(voter_count=0))
    with transaction(session):
        assert polls.recount_polls(session) == 4
    assert counts(session, poll) == (1, [0, 0, 1])


def test_a_reader_of_the_community_is_told_why_they_do_not_vote(web, login, session, debate):
    community, starter, _moderator, topic = debate
    poll = add_poll(session, starter, topic)
    login.as_role(community, Role.READER)
    url = topic_url(community, topic)
    assert "Readers of this community do not vote" in text(web.get(url))
    refused = web.post(f"{url}/poll/vote", {"option": str(poll.options[0].id)}, token_from=url)
    assert refused.status_code == 403
    assert "ask one of its managers for the member role" in text(refused)
