"""Scheduled posts go out at their time, once: the worker's job publishes the post (not before its
time), two workers publish it once, a post rescheduled, kept as a draft or deleted meanwhile is left
alone, and the minute's sweep publishes a post whose job was lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import delete, func, select

from polka.activity.models import Activity
from polka.blog import publishing, services
from polka.blog.models import BlogPost, PostStatus
from polka.db import transaction, utcnow
from polka.jobs.models import Job
from polka.jobs.runner import JobRunner
from tests.support import text, writing_as_a_request


def _worker(app, at):
    """A worker whose clock says ``at`` (the app's handlers)."""
    runner = app.extensions["polka.jobs"]
    return JobRunner(app.extensions["polka.sessions"], runner.handlers, clock=lambda: at)


def _published_events(session, post) -> int:
    session.rollback()
    return session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(
            Activity.target_kind == "blog.post", Activity.target_id == post.id, Activity.verb == "published"
        )
    )


def test_a_scheduled_post_goes_out_at_its_time_and_not_before(app, web, login, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer, reader = make.member(community), make.member(community)
    at = (utcnow() + timedelta(hours=2)).replace(microsecond=0)
    post = blog.post(community, writer, "Christmas markets", at=at)
    assert _worker(app, at - timedelta(seconds=1)).run_until_idle() == 0
    login(reader)
    assert "Christmas markets" not in text(web.get(f"/c/{community.slug}/blog/"))
    assert "Christmas markets" not in text(web.get("/search?q=christmas"))
    # the post's job publishes it, and the notice of it to its followers is fanned out
    assert _worker(app, at + timedelta(seconds=1)).run_until_idle() == 2
    published = blog.fresh(post)
    assert published.status is PostStatus.PUBLISHED
    assert published.published_at == at
    assert published.publish_at is None
    assert _published_events(session, post) == 1
    app.extensions["polka.jobs"].run_until_idle()  # the search applier takes the post in
    assert "Christmas markets" in text(web.get(f"/c/{community.slug}/blog/"))
    assert "Christmas markets" in text(web.get("/search?q=christmas"))


def test_two_workers_at_once_publish_it_once(app, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    at = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    post = blog.post(community, writer, "Ward panels", at=at)
    start = threading.Barrier(2)
    sessions = app.extensions["polka.sessions"]

    def publish() -> bool:
        own = sessions()
        try:
            start.wait(timeout=30)
            with transaction(own):
                return publishing.publish_due(own, post.id, at)
        finally:
            own.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda _: publish(), range(2)))
    assert sorted(outcomes) == [False, True]
    assert _published_events(session, post) == 1
    # its job finds it out, and the one notice of it is fanned out
    assert _worker(app, at + timedelta(seconds=1)).run_until_idle() == 2
    assert _published_events(session, post) == 1


def test_a_rescheduled_post_goes_out_at_its_new_time_only(app, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    first = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    post = blog.post(community, writer, "Farm watch", at=first)
    later = first + timedelta(days=1)
    with writing_as_a_request(session):
        services.schedule(session, session.merge(writer), session.get(BlogPost, post.id), later)
    _worker(app, first + timedelta(minutes=1)).run_until_idle()
    assert blog.fresh(post).status is PostStatus.SCHEDULED
    _worker(app, later + timedelta(seconds=1)).run_until_idle()
    assert blog.fresh(post).published_at == later
    assert _published_events(session, post) == 1


def test_a_post_kept_as_a_draft_or_deleted_is_left_alone(app, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    at = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    kept, deleted = (
        blog.post(community, writer, "Kept", at=at),
        blog.post(community, writer, "Deleted", at=at),
    )
    with writing_as_a_request(session):
        person = session.merge(writer)
        services.unschedule(session, person, session.get(BlogPost, kept.id))
        services.delete_post(session, person, session.get(BlogPost, deleted.id))
    _worker(app, at + timedelta(seconds=1)).run_until_idle()
    assert blog.fresh(kept).status is PostStatus.DRAFT
    assert blog.fresh(deleted).status is PostStatus.SCHEDULED  # deleted: never published
    assert _published_events(session, kept) + _published_events(session, deleted) == 0


def test_the_minute_sweep_publishes_a_post_whose_job_was_lost(app, make, blog, session):
    community = make.community("Neighbourhood Policing")
    writer = make.member(community)
    at = (utcnow() + timedelta(hours=1)).replace(microsecond=0)
    post = blog.post(community, writer, "Lost job", at=at)
    with writing_as_a_request(session):
        session.execute(delete(Job).where(Job.kind == services.PUBLISH_JOB))
    with writing_as_a_request(session):
        assert publishing.publish_all_due(session, at - timedelta(seconds=1)) == 0
        assert publishing.publish_all_due(session, at + timedelta(seconds=30)) == 1
    with writing_as_a_request(session):
        assert publishing.publish_all_due(session, at + timedelta(seconds=90)) == 0
    assert blog.fresh(post).status is PostStatus.PUBLISHED
    assert _published_events(session, post) == 1


def test_the_worker_sweeps_for_due_posts_every_minute(app):
    tasks = app.extensions["polka.jobs"].idle_tasks
    sweep = [
        task for task in tasks if getattr(task, "name", "") == "publish the blog posts whose time has come"
    ]
    assert len(sweep) == 1
    assert sweep[0].interval <= 60
