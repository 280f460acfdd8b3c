"""The forum's writings for the community insights (``polka.content.writings``): published posts in
topics that are neither deleted nor waiting for a moderator; a topic's first post carries its title and
tags."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.content.writings import Writing
from polka.forum.kinds import POST_KIND
from polka.forum.models import ForumPost, ForumTopic, PostStatus
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
