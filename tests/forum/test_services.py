"""The forum's rules at the service level: who may start topics and reply where, counters that stay
right, a reply racing a lock, markings, and bad input refused with nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from polka.activity.models import Activity
from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forum import access, reads, services
from polka.forum.models import POST_MAX, CategoryMode, ForumPost, ForumTopic
from polka.markings import Marking


def test_a_member_starts_a_topic_and_others_reply_in_order(session, make, forum):
    community = make.community("PNC Operators")
    category = forum.category(community)
    asker, answerer = make.member(community), make.member(community)
    topic = forum.topic(category, asker, is_question=True)
    first = forum.reply(topic, answerer, "We wait four weeks.")
    second = forum.reply(topic, asker, "Thank you.")
    topic = forum.fresh(topic)
    assert (first.number, second.number) == (2, 3)
    assert topic.reply_count == 2
    assert (topic.last_post_number, topic.last_poster_id) == (3, asker.id)
    verbs = session.scalars(select(Activity.verb).order_by(Activity.id)).all()
    assert verbs[-3:] == ["started", "replied to", "replied to"]


def test_members_reply_but_only_moderators_start_topics_in_an_announcements_category(session, make, forum):
    community = make.community()
    category = forum.category(community, "Announcements", CategoryMode.ANNOUNCEMENTS)
    member = make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    with pytest.raises(Forbidden, match="Only moderators start topics"), transaction(session):
        services.start_topic(
            session, session.merge(member), session.merge(category), title="Hi", body="Hello"
        )
    topic = forum.topic(category, moderator, "Spring meeting")
    assert forum.reply(topic, member).number == 2


def test_only_moderators_post_in_a_read_only_category(session, make, forum):
    community = make.community()
    category = forum.category(community, "Guidance", CategoryMode.READ_ONLY)
    moderator, member = make.member(community, role=Role.MODERATOR), make.member(community)
    topic = forum.topic(category, moderator, "How to use this forum")
    with pytest.raises(Forbidden, match="Only moderators post in this category"):
        forum.reply(topic, member)
    assert forum.reply(topic, moderator).number == 2


def test_nobody_starts_a_topic_in_an_archived_category(session, make, forum):
    community = make.community()
    manager = make.member(community, role=Role.MANAGER)
    category = forum.category(community, manager=manager)
    with transaction(session):
        services.archive_category(session, session.merge(manager), session.merge(category), archived=True)
    with pytest.raises(Forbidden, match="archived"):
        forum.topic(category, manager)


def test_a_reader_role_reads_but_neither_starts_topics_nor_replies(session, make, forum):
    community = make.community()
    category = forum.category(community)
    topic = forum.topic(category, make.member(community))
    reader = make.member(community, role=Role.READER)
    with pytest.raises(Forbidden):
        forum.topic(category, reader)
    with pytest.raises(Forbidden, match="Only members"):
        forum.reply(topic, reader)
    assert access.get_topic(session, session.merge(reader), topic.id).id == topic.id


def test_a_locked_topic_takes_no_more_replies_but_a_moderators(session, make, forum):
    community = make.community()
    category = forum.category(community)
    member, moderator = make.member(community), make.member(community, role=Role.MODERATOR)
    topic = forum.topic(category, member)
    with transaction(session):
        session.execute(update(ForumTopic).where(ForumTopic.id == topic.id).values(locked=True))
    with pytest.raises(Forbidden, match="locked"):
        forum.reply(topic, member)
    assert forum.reply(topic, moderator).number == 2


def test_a_reply_racing_a_lock_is_refused_whole_and_the_topic_keeps_no_trace_of_it(app, session, make, forum):
    """The reply's check passed on the topic as it was read; the lock landed before the reply's write:
    the conditional claim refuses it, nothing of it is saved, and the counters are untouched."""
    community = make.community()
    category = forum.category(community)
    member = make.member(community)
    topic = forum.topic(category, member)
    stale = forum.fresh(topic)
    assert not stale.locked
    assert stale.category
    assert stale.community
    session.commit()  # the read ends (as on PostgreSQL, where a request's reads do not hold the row)
    with app.extensions["polka.engine"].begin() as other:  # a moderator's lock, committed meanwhile
        other.execute(update(ForumTopic).where(ForumTopic.id == topic.id).values(locked=True))
    with pytest.raises(Conflict, match="still below"), transaction(session):
        services.reply(session, session.merge(member), stale, "Posted as the lock landed")
    session.rollback()
    topic = forum.fresh(topic)
    assert topic.reply_count == 0
    assert topic.next_number == 2
    assert session.scalar(select(func.count()).select_from(ForumPost)) == 1


def test_recount_rebuilds_counters_from_the_posts(session, make, forum):
    community = make.community()
    category = forum.category(community)
    member = make.member(community)
    topic = forum.topic(category, member)
    for _ in range(3):
        forum.reply(topic, member)
    with transaction(session):
        session.execute(update(ForumTopic).values(reply_count=40, last_post_number=1))
    with transaction(session):
        assert services.recount(session) == 1
    topic = forum.fresh(topic)
    assert (topic.reply_count, topic.last_post_number) == (3, 4)
    with transaction(session):
        assert services.recount(session) == 0


def test_a_sensitive_topic_is_seen_only_by_members_and_counted_only_for_them(session, make, forum):
    community = make.community(ceiling=Marking.OFFICIAL_SENSITIVE)
    category = forum.category(community)
    member = make.member(community)
    forum.topic(category, member, "Open topic")
    secret = forum.topic(category, member, "Covert tasking", marking=Marking.OFFICIAL_SENSITIVE)
    outsider = make.user()
    with pytest.raises(NotFound):
        access.get_topic(session, session.merge(outsider), secret.id)
    assert [row.topics for row in reads.categories(session, session.merge(outsider), community)] == [1]
    assert [row.topics for row in reads.categories(session, session.merge(member), community)] == [2]
    listed = reads.topics(session, session.merge(outsider), session.merge(category), reads.TopicQuery())
    assert [t.title for t in listed.items] == ["Open topic"]


def test_a_private_communitys_topics_do_not_exist_for_outsiders(session, make, forum):
    community = make.community(visibility=Visibility.PRIVATE)
    topic = forum.topic(forum.category(community), make.member(community))
    with pytest.raises(NotFound):
        access.get_topic(session, session.merge(make.user()), topic.id)


def test_a_marking_above_the_communitys_ceiling_is_refused(session, make, forum):
    community = make.community(ceiling=Marking.OFFICIAL)
    with pytest.raises(ValidationError, match="up to OFFICIAL"):
        forum.topic(forum.category(community), make.member(community), marking=Marking.OFFICIAL_SENSITIVE)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   \n  ", "Enter your message"),
        ("x" * (POST_MAX + 1), "20,000 characters or fewer"),
        ("a\x00b", "cannot be stored"),
        ("x" * 1_000_000, "characters or fewer"),
    ],
)
def test_a_bad_post_is_refused_with_a_clear_message_and_nothing_saved(session, make, forum, body, message):
    community = make.community()
    category = forum.category(community)
    member = make.member(community)
    topic = forum.topic(category, member)
    with pytest.raises(ValidationError, match=message):
        forum.reply(topic, member, body)
    session.rollback()
    assert forum.fresh(topic).reply_count == 0


def test_category_addresses_are_unique_and_never_a_forum_pages_own(session, make, forum):
    community = make.community()
    manager = make.member(community, role=Role.MANAGER)
    first = forum.category(community, "Questions", manager=manager)
    second = forum.category(community, "Questions", manager=manager)
    latest = forum.category(community, "Latest", manager=manager)
    assert (first.slug, second.slug, latest.slug) == ("questions", "questions-2", "latest-category")


def test_managers_order_categories(session, make, forum):
    community = make.community()
    manager = make.member(community, role=Role.MANAGER)
    a, b = forum.category(community, "A", manager=manager), forum.category(community, "B", manager=manager)
    with transaction(session):
        services.move_category(session, session.merge(manager), session.merge(b), -1)
    titles = [row.category.title for row in reads.categories(session, session.merge(manager), community)]
    assert titles == ["B", "A"]
    member = make.member(community)
    with pytest.raises(Forbidden), transaction(session):
        services.move_category(session, session.merge(member), session.merge(a), -1)
