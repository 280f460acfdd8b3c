"""The forum for the community insights: its writings (``polka.content.writings``) — published posts in
topics that are neither deleted nor waiting for a moderator, a topic's first post carrying its title
and tags — and what was asked (``polka.content.asking``): its topics, with their first reply."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.content.asking import Asked, AskedQuery
from polka.content.writings import Writing
from polka.forum.kinds import POST_KIND, TOPIC_KIND
from polka.forum.models import ForumPost, ForumTopic, PostStatus
from polka.markings import Marking
from polka.tags import split_tags


def forum_writings(session: Session, start: datetime, end: datetime) -> Iterator[Writing]:
    rows = session.execute(
        select(
            ForumPost.id,
            ForumPost.number,
            ForumPost.author_id,
            ForumPost.created_at.label("written_at"),
            ForumPost.body.label("text"),
            ForumTopic.title,
            ForumTopic.tags,
            ForumTopic.community_id,
            ForumTopic.marking,
        )
        .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
        .where(
            ForumPost.created_at >= start,
            ForumPost.created_at < end,
            ForumPost.status == PostStatus.PUBLISHED,
            ForumPost.deleted_at.is_(None),
            ForumTopic.deleted_at.is_(None),
            ForumTopic.waiting.is_(False),
        )
        .execution_options(yield_per=2_000)
    )
    for row in rows:
        if row.number == 1:
            yield Writing.of_row(POST_KIND, row, f"{row.title}\n{row.text}", split_tags(row.tags))
        else:
            yield Writing.of_row(POST_KIND, row)


def forum_asked(session: Session, query: AskedQuery) -> Iterator[Asked]:
    """The community's topics started in the period (not deleted, waiting or merged away), each with its
    first published reply's time."""
    first_reply = (
        select(func.min(ForumPost.created_at))
        .where(
            ForumPost.topic_id == ForumTopic.id,
            ForumPost.number > 1,
            ForumPost.status == PostStatus.PUBLISHED,
            ForumPost.deleted_at.is_(None),
        )
        .correlate(ForumTopic)
        .scalar_subquery()
    )
    found = select(
        ForumTopic.id,
        ForumTopic.created_at,
        ForumTopic.is_question,
        ForumTopic.marking,
        first_reply.label("first"),
    ).where(
        ForumTopic.community_id == query.community_id,
        ForumTopic.created_at >= query.start,
        ForumTopic.created_at < query.end,
        ForumTopic.deleted_at.is_(None),
        ForumTopic.waiting.is_(False),
        ForumTopic.merged_into_id.is_(None),
    )
    if query.unanswered:
        found = found.where(ForumTopic.reply_count == 0)  # the forum keeps its published replies' count
    if query.questions_only:
        found = found.where(ForumTopic.is_question.is_(True))
    for row in session.execute(found):
        yield Asked(
            TOPIC_KIND, row.id, row.created_at, row.first, row.is_question, Marking(row.marking).sensitive
        )
