"""Each feature plugs into notifications: who hears of its changes, and where the notification leads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.blog import comments
from polka.communities.models import Role
from polka.content.kinds import resolve
from polka.db import transaction
from polka.docs.kinds import DOCUMENT_KIND
from polka.events import attendance, packs
from polka.events import services as events_services
from polka.events.models import Answer
from polka.events.schedule import occurrence_of
from polka.forum.models import CategoryMode, ForumPost
from polka.moderation.models import ReportReason
from polka.moderation.services import report
from polka.notifications.reasons import Reason
from tests.blog.conftest import BlogFactory
from tests.docs.conftest import DocsFactory
from tests.events.conftest import EventsFactory
from tests.notifications.conftest import notifications_of, run_jobs


@pytest.fixture
def blog(session, make):
    return BlogFactory(session, make)


@pytest.fixture
def docs(app, session, make):
    return DocsFactory(app, session, make)


@pytest.fixture
def events(session, make):
    return EventsFactory(session, make)


def where_it_leads(app, session, user, notification):
    with app.test_request_context():
        kind, object_id = (
            notification.place_kind or notification.kind,
            notification.place_id or notification.object_id,
        )
        shown = resolve(session, session.merge(user), kind, object_id)
    return shown


def test_a_comment_on_a_blog_post_tells_its_author_and_leads_to_the_comment(app, session, make, blog):
    community = make.community()
    author, reader = make.member(community), make.member(community)
    post = blog.post(community, author)
    with transaction(session):
        comment = comments.add_comment(session, session.merge(reader), blog.fresh(post), "Useful, thank you.")
    run_jobs(app)
    [told] = notifications_of(session, author)
    assert (told.reason, told.verb) == (Reason.COMMENT, "commented on")
    assert where_it_leads(app, session, author, told).url.endswith(f"#comment-{comment.id}")


def test_a_new_version_tells_the_documents_followers(app, session, make, docs, follows):
    community = make.community()
    author, reader = make.member(community, role=Role.MODERATOR), make.member(community)
    document = docs.document(community, author=author)
    run_jobs(app)  # its upload is told before the reader follows it
    follows(reader, DOCUMENT_KIND, document.id)
    docs.version(document, author, b"The new shift pattern.\n")
    run_jobs(app)
    [told] = notifications_of(session, reader)
    assert (told.reason, told.verb, told.object_id) == (
        Reason.FOLLOWED,
        "uploaded a new version of",
        document.id,
    )


def test_a_cancelled_event_tells_those_going_and_a_new_one_the_members(app, session, make, events):
    community = make.community()
    organiser, going, member = make.member(community), make.member(community), make.member(community)
    event = events.event(community, organiser)
    run_jobs(app)
    assert [n.reason for n in notifications_of(session, member)] == [Reason.EVENT_NEW]
    with transaction(session):
        fresh = events.fresh(event)
        attendance.answer(
            session, session.merge(going), fresh, occurrence_of(fresh, fresh.start_at), Answer.GOING
        )
    with transaction(session):
        events_services.cancel_event(session, session.merge(organiser), events.fresh(event), "Room flooded")
    run_jobs(app)
    assert [n.reason for n in notifications_of(session, going)] == [Reason.EVENT_NEW, Reason.EVENT_CHANGE]
    assert [n.reason for n in notifications_of(session, member)] == [Reason.EVENT_NEW]


def test_an_action_from_the_minutes_tells_the_person_given_it(app, session, make, events):
    community = make.community()
    organiser, assignee = make.member(community), make.member(community, make.user("Ann Assignee"))
    event = events.event(community, organiser, start_date="2026-01-13")
    with transaction(session):
        fresh = events.fresh(event)
        packs.add_action(
            session,
            session.merge(organiser),
            fresh,
            occurrence_of(fresh, fresh.start_at),
            packs.ActionFields(what="Circulate the rota", who=f"@{assignee.handle}", due="2026-02-01"),
        )
    run_jobs(app)
    assert [n.reason for n in notifications_of(session, assignee) if n.reason is Reason.ACTION] == [
        Reason.ACTION
    ]


def test_a_report_and_a_held_post_wait_for_the_moderators_and_lead_to_the_queue(app, session, make, forum):
    community = make.community()
    manager, moderator = (
        make.member(community, role=Role.MANAGER),
        make.member(community, role=Role.MODERATOR),
    )
    author, reporter = make.member(community), make.member(community)
    topic = forum.topic(forum.category(community, manager=manager), author)
    held = forum.category(community, "Held", CategoryMode.OPEN, manager=manager, premoderated=True)
    with app.test_request_context(), transaction(session):
        opening = session.scalar(select(ForumPost.id).where(ForumPost.topic_id == topic.id))
        report(session, session.merge(reporter), "forum.post", opening, ReportReason.OFF_TOPIC)
    forum.topic(held, author, title="Needs approval")
    run_jobs(app)
    waiting = [n for n in notifications_of(session, moderator) if n.reason is Reason.WAITING]
    assert [n.verb for n in waiting] == [
        "reported something in",
        "started a topic that waits for approval in",
    ]
    assert where_it_leads(app, session, moderator, waiting[0]).url == f"/c/{community.slug}/moderation/"
    assert notifications_of(session, author) == []


def test_a_pending_wiki_edit_waits_for_the_moderators(app, session, make, wiki):
    community = make.community()
    manager = make.member(community, role=Role.MANAGER)
    writer = make.member(community)
    wiki.require_review(community, manager)
    page = wiki.page(community, "Custody guide", author=manager)
    wiki.edit(page, writer, "A better guide.\n")
    run_jobs(app)
    [told] = [n for n in notifications_of(session, manager) if n.reason is Reason.WAITING]
    assert (told.kind, told.verb) == ("wiki.edits", "proposed an edit in")


def test_following_a_calendar_tells_of_its_new_and_changed_events(app, session, make, events, web, login):
    community = make.community()
    organiser = make.member(community)
    outsider = login.as_new_user()  # an open community's calendar is followed without joining
    page = web.get(f"/c/{community.slug}/events/")
    assert "Follow this calendar" in page.get_data(as_text=True)
    web.post(
        f"/c/{community.slug}/events/follow", {"following": "yes"}, token_from=f"/c/{community.slug}/events/"
    )
    assert "Stop following the calendar" in web.get(f"/c/{community.slug}/events/").get_data(as_text=True)
    event = events.event(community, organiser)
    with transaction(session):
        events_services.cancel_event(session, session.merge(organiser), events.fresh(event), "")
    run_jobs(app)
    told = notifications_of(session, outsider)
    assert [(n.reason, n.verb) for n in told] == [
        (Reason.FOLLOWED, "scheduled"),
        (Reason.FOLLOWED, "cancelled"),
    ]
