"""Pre-moderation: a pre-moderated category, a new member's first posts and a holding watched word make
a post wait; a waiting post (and a topic whose opening post waits) is seen by its author and the
moderators only — in no list, count, last post, search or activity — until a moderator approves it in
its original place, or rejects it with a reason its author sees."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from polka.activity.models import Activity
from polka.communities.models import Role
from polka.db import transaction
from polka.errors import ValidationError
from polka.forum.kinds import POST_KIND
from polka.forum.models import ForumPost, PostStatus
from polka.moderation import rules, services
from polka.moderation.models import WordAction
from tests.support import text


@pytest.fixture(autouse=True)
def _app_at_hand(app, session):
    session.info["app"] = app


@pytest.fixture
def held(make, forum):
    """A community whose "Questions" category is pre-moderated, with a moderator, a member and a reader."""
    community = make.community("PNC Operators")
    manager = make.member(community, role=Role.MANAGER)
    moderator = make.member(community, role=Role.MODERATOR)
    member, reader = make.member(community), make.member(community)
    category = forum.category(community, "Questions", manager=manager, premoderated=True)
    return community, moderator, member, reader, category


def _decide(session, moderator, community, post, *, approved, reason=""):
    session.rollback()  # end any read: on SQLite a read turned write fails once a request has written
    with session.info["app"].test_request_context(), transaction(session):
        services.approve(
            session,
            session.merge(moderator),
            session.merge(community),
            POST_KIND,
            post.id,
            approved=approved,
            reason=reason,
        )


def test_a_topic_in_a_premoderated_category_waits_unseen_until_approved(session, web, login, forum, held):
    community, moderator, member, reader, category = held
    topic = forum.topic(category, member, "Waiting question", "Is this seen?")
    assert forum.fresh(topic).waiting
    login(reader)
    forum_page = text(web.get(f"/c/{community.slug}/forum/"))
    assert "0 topics" in forum_page
    assert "Waiting question" not in text(web.get(f"/c/{community.slug}/forum/questions/"))
    assert web.get(f"/c/{community.slug}/forum/t/{topic.id}").status_code == 404
    assert "Waiting question" not in text(web.get("/search?q=waiting+question"))
    assert "Waiting question" not in text(web.get(f"/c/{community.slug}/"))  # no activity
    login(member)
    own = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert "Awaiting approval" in own
    assert "approved by a moderator" in own
    login(moderator)
    queue = text(web.get(f"/c/{community.slug}/moderation/"))
    assert "Is this seen?" in queue
    _decide(
        session,
        moderator,
        community,
        session.get(type(topic), topic.id).__class__ and forum.fresh(topic) and _opening(session, topic),
        approved=True,
    )
    login(reader)
    assert "Waiting question" in text(web.get(f"/c/{community.slug}/forum/questions/"))
    assert "Waiting question" in text(web.get("/search?q=waiting+question"))
    assert session.scalar(select(func.count()).select_from(Activity).where(Activity.verb == "started")) == 1


def _opening(session, topic):
    session.rollback()
    return session.scalar(select(ForumPost).where(ForumPost.topic_id == topic.id, ForumPost.number == 1))


def test_a_waiting_reply_keeps_its_place_and_counts_only_once_approved(session, web, login, forum, held):
    community, moderator, member, reader, category = held
    topic = forum.topic(category, moderator, "Open question")  # a moderator's post goes out at once
    waiting = forum.reply(topic, member, "My waiting reply")
    later = forum.reply(topic, moderator, "A later reply")
    assert (waiting.number, waiting.status, later.number) == (2, PostStatus.WAITING, 3)
    assert forum.fresh(topic).reply_count == 1
    login(reader)
    page = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert "My waiting reply" not in page
    assert "1 reply" in page
    _decide(session, moderator, community, waiting, approved=True)
    assert forum.fresh(topic).reply_count == 2
    page = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert page.index("My waiting reply") < page.index("A later reply")


def test_a_rejected_post_stays_hidden_and_its_author_sees_why(session, web, login, forum, held):
    community, moderator, member, reader, category = held
    topic = forum.topic(category, moderator, "Open question")
    waiting = forum.reply(topic, member, "Something rude")
    with pytest.raises(ValidationError, match="reason the author will see"):
        _decide(session, moderator, community, waiting, approved=False, reason="")
    _decide(session, moderator, community, waiting, approved=False, reason="Not civil")
    login(member)
    page = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert "Why it was hidden: Not civil" in page
    login(reader)
    assert "Something rude" not in text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))


def test_a_new_members_first_posts_wait_until_they_have_some_approved(session, make, forum, held):
    community, moderator, member, _, _ = held
    manager = make.member(community, role=Role.MANAGER)
    with transaction(session):
        rules.set_new_member_posts(session, session.merge(manager), session.merge(community), 1)
    open_category = forum.category(community, "General", manager=manager)
    topic = forum.topic(open_category, moderator, "Welcome")
    first = forum.reply(topic, member, "Hello, first post")
    assert first.status is PostStatus.WAITING
    _decide(session, moderator, community, first, approved=True)
    assert forum.reply(topic, member, "Second post").status is PostStatus.PUBLISHED


def test_a_holding_word_makes_the_post_wait_and_says_why(session, make, forum, held):
    community, moderator, member, _, _ = held
    manager = make.member(community, role=Role.MANAGER)
    open_category = forum.category(community, "General", manager=manager)
    with transaction(session):
        rules.add_word(
            session, session.merge(moderator), session.merge(community), "informant", WordAction.HOLD
        )
    topic = forum.topic(open_category, moderator, "Welcome")
    post = forum.reply(topic, member, "Our INFORMANT said so")
    assert post.status is PostStatus.WAITING
    assert "informant" in post.held_reason


def test_the_moderators_home_page_counts_what_waits(web, login, forum, held):
    _, moderator, member, _, category = held
    forum.topic(category, member, "Waiting question")
    login(moderator)
    assert "1 forum post waits for approval" in text(web.get("/"))


def test_nobody_but_a_moderator_replies_to_a_waiting_topic(web, login, forum, held):
    community, _, member, _, category = held
    topic = forum.topic(category, member, "Waiting question")
    login(member)
    url = f"/c/{community.slug}/forum/t/{topic.id}"
    response = web.post(f"{url}/reply", {"body": "A reply to my own", "action": "save"}, token_from=url)
    assert response.status_code == 403
    assert "waits for a moderator" in text(response)


def test_approving_a_topic_makes_every_post_in_it_searchable(session, web, login, forum, held):
    community, moderator, member, reader, category = held
    topic = forum.topic(category, member, "Waiting question", "About keeper records")
    forum.reply(topic, moderator, "A moderator's answer about licensing agencies")  # out at once, but unseen
    login(reader)
    assert "Forum post" not in text(web.get("/search?q=licensing+agencies"))  # no result of the kind
    _decide(session, moderator, community, _opening(session, topic), approved=True)
    assert "answer about licensing agencies" in text(web.get("/search?q=licensing+agencies"))
