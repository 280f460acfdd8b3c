"""Who is told of a change, and why: the people it is addressed to, those mentioned, the followers of
what it belongs to — once each, never the actor, and only those who may see it."""

from __future__ import annotations

from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.forum.kinds import CATEGORY_KIND, POST_KIND, TOPIC_KIND
from polka.markings import Marking
from polka.notifications.reasons import Reason
from tests.notifications.conftest import notifications_of, run_jobs, unread_count


def test_a_reply_tells_the_topics_author_and_its_followers_but_not_the_replier(
    app, session, make, forum, follows
):
    community = make.community()
    asker, replier, watcher = make.member(community), make.member(community), make.member(community)
    topic = forum.topic(forum.category(community), asker)
    follows(watcher, TOPIC_KIND, topic.id)
    follows(replier, TOPIC_KIND, topic.id)
    post = forum.reply(topic, replier)
    assert notifications_of(session, asker) == [], "nothing is told in the request that made the change"

    run_jobs(app)

    [to_asker] = notifications_of(session, asker)
    assert (to_asker.reason, to_asker.kind, to_asker.object_id) == (Reason.REPLY, TOPIC_KIND, topic.id)
    assert (to_asker.place_kind, to_asker.place_id, to_asker.verb) == (POST_KIND, post.id, "replied to")
    [to_watcher] = notifications_of(session, watcher)
    assert to_watcher.reason is Reason.FOLLOWED
    assert notifications_of(session, replier) == []
    assert unread_count(session, asker) == 1


def test_someone_concerned_for_several_reasons_is_told_once_for_the_most_specific(
    app, session, make, forum, follows
):
    community = make.community()
    asker, replier = make.member(community), make.member(community)
    topic = forum.topic(forum.category(community), asker)
    follows(asker, TOPIC_KIND, topic.id)
    follows(asker, COMMUNITY_KIND, community.id)
    forum.reply(topic, replier, f"I agree with @{asker.handle} here.")
    run_jobs(app)
    [told] = notifications_of(session, asker)
    assert told.reason is Reason.MENTION
    assert unread_count(session, asker) == 1


def test_followers_who_may_not_see_the_item_are_not_told(app, session, make, forum, follows):
    community = make.community(visibility=Visibility.RESTRICTED, ceiling=Marking.OFFICIAL_SENSITIVE)
    author, member = make.member(community), make.member(community)
    outsider = make.user()
    category = forum.category(community)
    follows(member, CATEGORY_KIND, category.id)
    follows(outsider, COMMUNITY_KIND, community.id)  # restricted: listed, so followable
    forum.topic(category, author, marking=Marking.OFFICIAL_SENSITIVE)
    run_jobs(app)
    assert [n.reason for n in notifications_of(session, member)] == [Reason.FOLLOWED]
    assert notifications_of(session, outsider) == []


def test_a_change_followed_by_many_is_one_job_for_the_request_and_one_notification_each(
    app, session, make, forum, follows
):
    community = make.community()
    author = make.member(community)
    category = forum.category(community)
    followers = [make.member(community) for _ in range(12)]
    for follower in followers:
        follows(follower, CATEGORY_KIND, category.id)
    forum.topic(category, author)
    run_jobs(app)
    assert all(len(notifications_of(session, f)) == 1 for f in followers)
    assert unread_count(session, followers[0]) == 1


def test_a_manager_is_told_of_a_join_request_and_the_requester_of_the_decision_with_its_message(
    app, session, make
):
    from polka.communities import membership

    manager = make.user("Morag Manager")
    community = make.community(visibility=Visibility.RESTRICTED, managers=[manager])
    asker = make.user("Asha Asker")
    session.rollback()
    with transaction(session):
        request = membership.request_to_join(session, session.merge(asker), session.merge(community), "Hello")
    run_jobs(app)
    [waiting] = notifications_of(session, manager)
    assert (waiting.reason, waiting.kind, waiting.verb) == (
        Reason.WAITING,
        "communities.join_requests",
        "asked to join",
    )
    with transaction(session):
        membership.decide_join_request(
            session,
            session.merge(manager),
            session.merge(community),
            request.id,
            approve=False,
            message="Ask your sergeant first.",
        )
    run_jobs(app)
    [decision] = notifications_of(session, asker)
    assert (decision.reason, decision.verb, decision.note) == (
        Reason.DECISION,
        "declined your request to join",
        "Ask your sergeant first.",
    )
    assert Role.MANAGER  # the manager role is what the queue waits for
