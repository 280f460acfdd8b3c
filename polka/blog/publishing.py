"""Scheduled posts going out at their time, once.

Scheduling a post queues a job to run at its time (``polka.blog.services.schedule``); the job
publishes the post with one conditional update — still scheduled, for that very time, not deleted —
so a post rescheduled, unscheduled or deleted meanwhile is left alone, and of two workers (or a job and
the minute's sweep) only one publishes it. The worker's housekeeping sweeps every minute for scheduled
posts whose time has passed, so a post goes out within a minute even if its job was lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polka.activity.services import record_activity
from polka.blog import notices
from polka.blog.kinds import POST_KIND
from polka.blog.models import BlogPost, PostStatus
from polka.blog.months import uk_month
from polka.blog.search import reindex_post
from polka.config import Settings
from polka.db import utcnow
from polka.jobs.runner import Handler
from polka.jobs.services import PermanentJobError
from polka.storage import FileStore

#: How often the worker looks for scheduled posts whose time has come.
SWEEP_INTERVAL = timedelta(minutes=1)


def publish_due(session: Session, post_id: int, at: datetime) -> bool:
    """Publish post ``post_id`` if it is still scheduled for ``at``; whether this call published it."""
    claimed = session.execute(
        update(BlogPost)
        .where(
            BlogPost.id == post_id,
            BlogPost.status == PostStatus.SCHEDULED,
            BlogPost.publish_at == at,
            BlogPost.deleted_at.is_(None),
        )
        .values(
            status=PostStatus.PUBLISHED,
            publish_at=None,
            published_at=func.coalesce(BlogPost.published_at, at),
            published_month=func.coalesce(BlogPost.published_month, uk_month(at)),
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return False
    post = session.get(BlogPost, post_id, populate_existing=True)
    assert post is not None
    reindex_post(session, post)
    record_activity(
        session, post.created_by, "published", post.community, target_kind=POST_KIND, target_id=post.id
    )
    notices.tell_published(session, post)
    return True


def publish_all_due(session: Session, now: datetime | None = None) -> int:
    """Publish every scheduled post whose time has come; return how many this call published."""
    due = session.execute(
        select(BlogPost.id, BlogPost.publish_at).where(
            BlogPost.status == PostStatus.SCHEDULED,
            BlogPost.publish_at <= (now or utcnow()),
            BlogPost.deleted_at.is_(None),
        )
    ).all()
    return sum(publish_due(session, post_id, at) for post_id, at in due if at is not None)


def publish_handler(settings: Settings, store: FileStore) -> Handler:
    """The job that publishes one scheduled post at its time."""

    def handle(session: Session, payload: dict[str, Any]) -> None:
        try:
            post_id, at = int(payload["post"]), datetime.fromisoformat(payload["at"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PermanentJobError(f"a blog.publish job names a post and a time, not {payload!r}") from exc
        publish_due(session, post_id, at)

    return handle
