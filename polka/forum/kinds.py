"""The forum's content kinds: how any part of POLKA shows a topic or a post to a user (see
polka.content.kinds)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.kinds import part_resolver
from polka.communities.models import Community
from polka.content.kinds import IDS, Kind, Shown, shown_columns
from polka.forum.models import ForumCategory, ForumPost, ForumTopic, PostStatus
from polka.markings import Marking
from polka.permissions import readable_to_reader, reader_params, visible_to_reader

TOPIC_KIND = "forum.topic"
POST_KIND = "forum.post"
#: Replies shown on one page of a topic (a post's address names its page).
POSTS_PER_PAGE = 20


def page_of(number: int) -> int:
    """The page of its topic where post ``number`` is shown."""
    return (number - 1) // POSTS_PER_PAGE + 1


def post_url(slug: str, topic_id: int, number: int) -> str:
    """Where post ``number`` of a topic is read: its page of the topic, at its anchor."""
    page = page_of(number)
    return url_for(
        "forum.topic", slug=slug, topic=topic_id, page=page if page > 1 else None, _anchor=f"post-{number}"
    )


def resolve_topics(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The undeleted topics among ``ids`` that ``user`` may see, as they are now."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_topics(), {**params, IDS: list(ids)})
    return {
        row.id: Shown.of_row(
            TOPIC_KIND, "Forum topic", url_for("forum.topic", slug=row.community_slug, topic=row.id), row
        )
        for row in rows
    }


def resolve_posts(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The published, undeleted posts among ``ids`` in topics ``user`` may see: each titled by its
    topic and found at its place in it."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(visible_posts(), {**params, IDS: list(ids)})
    return {
        row.post_id: Shown(
            kind=POST_KIND,
            id=row.post_id,
            label="Forum post",
            title=row.title,
            url=post_url(row.community_slug, row.id, row.number),
            marking=row.marking,
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.created_at,
            author_id=row.author_id,
        )
        for row in rows
    }


@cache
def _visible_topics() -> Select[Any]:
    """The columns a topic is shown with, of the live topics among ``IDS`` the ``READER`` may see:
    built once for every reader, so a request only binds its values."""
    return shown_columns(ForumTopic).where(
        ForumTopic.id.in_(bindparam(IDS, expanding=True)),
        ForumTopic.deleted_at.is_(None),
        ForumTopic.waiting.is_(False),
        visible_to_reader(ForumTopic),
    )


@cache
def visible_posts() -> Select[Any]:
    return (
        shown_columns(ForumTopic)
        .join(ForumPost, ForumPost.topic_id == ForumTopic.id)
        .add_columns(
            ForumPost.id.label("post_id"),
            ForumPost.number,
            ForumPost.created_at,
            ForumPost.author_id,
        )
        .where(
            ForumPost.id.in_(bindparam(IDS, expanding=True)),
            ForumPost.status == PostStatus.PUBLISHED,
            ForumPost.deleted_at.is_(None),
            ForumTopic.deleted_at.is_(None),
            ForumTopic.waiting.is_(False),
            visible_to_reader(ForumTopic),
        )
    )


TOPIC = Kind(
    name=TOPIC_KIND, label="Forum topic", model=ForumTopic, resolve=resolve_topics, link_name="topic"
)
POST = Kind(name=POST_KIND, label="Forum post", model=ForumPost, resolve=resolve_posts)


CATEGORY_KIND = "forum.category"
FORUM_KIND = "forum.forum"


def resolve_categories(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The categories among ``ids`` whose forum ``user`` may read."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_readable_categories(), {**params, IDS: list(ids)})
    return {
        row.id: Shown(
            kind=CATEGORY_KIND,
            id=row.id,
            label="Forum category",
            title=row.title,
            url=url_for("forum.category", slug=row.community_slug, category=row.slug),
            marking=Marking.OFFICIAL,  # the category itself; each topic in it carries its own marking
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.created_at,
        )
        for row in rows
    }


@cache
def _readable_categories() -> Select[int, str, str, int, datetime, str, str]:
    return (
        select(
            ForumCategory.id,
            ForumCategory.slug,
            ForumCategory.title,
            ForumCategory.community_id,
            ForumCategory.created_at,
            Community.slug.label("community_slug"),
            Community.name.label("community_name"),
        )
        .join(Community, Community.id == ForumCategory.community_id)
        .where(ForumCategory.id.in_(bindparam(IDS, expanding=True)), readable_to_reader())
    )


CATEGORY = Kind(name=CATEGORY_KIND, label="Forum category", model=ForumCategory, resolve=resolve_categories)
#: A community's forum as a whole, to follow: named by its community's id.
FORUM = Kind(
    name=FORUM_KIND,
    label="Forum",
    model=Community,
    resolve=part_resolver(FORUM_KIND, "Forum", "forum.index"),
    owns_model=False,
)
