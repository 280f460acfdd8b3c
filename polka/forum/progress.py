"""Reading progress: how far each reader has read each topic, for the unread markers of topic lists,
"new since your last visit" in a topic, and a topic's views (how many people have opened it: one
person reading it again, or reloading the page, is no new view).

Opening a page of a topic records the highest post number the reader was shown (never lowering it):
the one write a reading page makes, after its reads, in one statement. Markers count published posts
only, so a post waiting for a moderator, hidden or deleted never shows as new to anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.db import utcnow
from polka.forum.kinds import TOPIC_KIND, post_url
from polka.forum.models import ForumPost, ForumTopic, ForumTopicRead, PostStatus
from polka.moderation import screening
from polka.subscriptions.services import following_exists, following_params

#: A topic the reader never opened is marked new for this long after it was started.
NEW_FOR = timedelta(days=14)


@dataclass(frozen=True)
class Listed:
    """What a topic list tells one reader about one topic besides the topic's own row."""

    #: how many people have opened it (its views)
    readers: int = 0
    #: started lately and never opened by the reader
    new_topic: bool = False
    #: published posts after the last one the reader was shown
    new_posts: int = 0
    #: where the first of them is read (where "N new" leads)
    url: str | None = None


@dataclass(frozen=True)
class ReaderState:
    """One reader's side of a topic's page, read in one statement."""

    following: bool
    #: the highest post number they were shown before this visit (None: never opened)
    last_read: int | None
    #: how many people have opened the topic (its views)
    readers: int
    #: what to say in place of the reply form when a moderator silenced them in the community
    silenced: str | None


def reader_state(session: Session, user: User, topic: ForumTopic) -> ReaderState:
    """Whether the reader follows the topic, how far they had read it, its views, and any silence."""
    until, reason = screening.active_silence_columns(user.id, topic.community_id)
    row = session.execute(
        select(
            following_exists().label("following"),
            select(ForumTopicRead.last_read_number)
            .where(ForumTopicRead.user_id == user.id, ForumTopicRead.topic_id == topic.id)
            .scalar_subquery()
            .label("last_read"),
            _readers(ForumTopicRead.topic_id == topic.id).label("readers"),
            until,
            reason,
        ),
        following_params(user, TOPIC_KIND, topic.id),
    ).one()
    silenced = (
        screening.silenced_until(row.silenced_until, row.silence_reason) if row.silenced_until else None
    )
    return ReaderState(bool(row.following), row.last_read, int(row.readers), silenced)


def _readers(where: Any) -> Any:
    return select(func.count()).select_from(ForumTopicRead).where(where).scalar_subquery()


def visit(session: Session, user: User, topic: ForumTopic, up_to: int, now: datetime | None = None) -> None:
    """Record that ``user`` was shown the topic's posts up to number ``up_to`` (inside a write
    transaction), in one statement: the first visit adds them to its readers."""
    postgres = session.get_bind().dialect.name == "postgresql"
    insert, larger = (postgresql.insert, func.greatest) if postgres else (sqlite.insert, func.max)
    statement = insert(ForumTopicRead).values(
        user_id=user.id, topic_id=topic.id, last_read_number=up_to, visited_at=now or utcnow()
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "topic_id"],
            set_={
                "last_read_number": larger(
                    ForumTopicRead.last_read_number, statement.excluded.last_read_number
                ),
                "visited_at": statement.excluded.visited_at,
            },
        )
    )


def listed(
    session: Session, user: User, topics: list[ForumTopic], now: datetime | None = None
) -> dict[int, Listed]:
    """The views and the reader's unread markers of a page of topics, in one statement."""
    if not topics:
        return {}
    now = now or utcnow()
    rows = session.execute(_listed(), {"reader": user.id, "ids": [topic.id for topic in topics]})
    found = {row.id: row for row in rows}
    result = {}
    for topic in topics:
        row = found[topic.id]
        if row.last_read is None:
            result[topic.id] = Listed(row.readers, new_topic=topic.created_at > now - NEW_FOR)
        elif row.new_posts:
            url = post_url(topic.community.slug, topic.id, row.first_new)
            result[topic.id] = Listed(row.readers, new_posts=row.new_posts, url=url)
        else:
            result[topic.id] = Listed(row.readers)
    return result


@cache
def _listed() -> Select[Any]:
    """Each of the topics ``ids`` with its readers and, for the ``reader``, how far they read it and the
    published posts since."""
    mine = ForumTopicRead.__table__.alias("mine")
    after = and_(
        ForumPost.topic_id == ForumTopic.id,
        ForumPost.number > mine.c.last_read_number,
        ForumPost.status == PostStatus.PUBLISHED,
        ForumPost.deleted_at.is_(None),
    )
    return (
        select(
            ForumTopic.id,
            _readers(ForumTopicRead.topic_id == ForumTopic.id).label("readers"),
            mine.c.last_read_number.label("last_read"),
            select(func.count()).select_from(ForumPost).where(after).scalar_subquery().label("new_posts"),
            select(func.min(ForumPost.number)).where(after).scalar_subquery().label("first_new"),
        )
        .outerjoin(mine, and_(mine.c.topic_id == ForumTopic.id, mine.c.user_id == bindparam("reader")))
        .where(ForumTopic.id.in_(bindparam("ids", expanding=True)))
    )
