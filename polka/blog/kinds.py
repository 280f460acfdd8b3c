"""The blog's content kind: how any part of POLKA shows a post to a user (see polka.content.kinds).

Only published posts are shown by the resolver: a draft or a scheduled post is for its author and the
moderators on the blog's own pages, never in search, activity, feeds or another item's links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.blog.models import BlogComment, BlogPost, BlogTag, CommentStatus, PostStatus
from polka.communities.kinds import part_resolver
from polka.communities.models import Community
from polka.content.kinds import IDS, Kind, Shown
from polka.markings import Marking
from polka.people.search import resolve_people
from polka.permissions import readable_to_reader, reader_params, visible_to_reader

POST_KIND = "blog.post"
COMMENT_KIND = "blog.comment"
#: a community's blog as a whole, to follow: named by its community's id
BLOG_KIND = "blog.blog"
#: a tag of a community's blog, to follow
TAG_KIND = "blog.tag"
#: a person's own blog as a whole, to follow: named by its author's id
PERSON_BLOG_KIND = "blog.person"


#: Where a post open to everyone signed in is shown to be, in place of a community's name.
EVERYONE = "Everyone signed in"


def place(community_slug: str | None, author_id: int | None) -> dict[str, Any]:
    """The address arguments of a post's pages: its community's blog, or for a post open to everyone
    signed in, its author's own blog (``/people/<id>/blog/<post>``)."""
    return {"slug": community_slug} if community_slug is not None else {"user_id": author_id or 0}


def post_place(post: BlogPost) -> dict[str, Any]:
    """``place`` of a post in hand (its community loaded)."""
    return place(post.community.slug if post.community is not None else None, post.created_by_id)


def post_url(community_slug: str | None, post_id: int, author_id: int | None = None) -> str:
    return url_for("blog.post", **place(community_slug, author_id), post=post_id)


def comment_url(
    community_slug: str | None, post_id: int, comment_id: int, author_id: int | None = None
) -> str:
    """A comment in its place under its post."""
    return url_for(
        "blog.post", **place(community_slug, author_id), post=post_id, _anchor=f"comment-{comment_id}"
    )


def _shown_columns() -> Select[Any]:
    """``shown_columns`` of a post, which may be outside any community (shown as community 0, named
    ``EVERYONE``), with its author (whose blog holds such a post)."""
    columns: list[Any] = [
        BlogPost.id,
        BlogPost.title,
        BlogPost.marking,
        func.coalesce(BlogPost.community_id, 0).label("community_id"),
        BlogPost.updated_at,
        BlogPost.updated_by_id,
        BlogPost.created_by_id,
        Community.slug.label("community_slug"),
        func.coalesce(Community.name, EVERYONE).label("community_name"),
    ]
    return select(*columns).outerjoin(Community, Community.id == BlogPost.community_id)


def resolve_posts(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The published, undeleted posts among ``ids`` that ``user`` may see, as they are now."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_posts(), {**params, IDS: list(ids)})
    return {
        row.id: Shown.of_row(
            POST_KIND, "Blog post", post_url(row.community_slug, row.id, row.created_by_id), row
        )
        for row in rows
    }


@cache
def _visible_posts() -> Select[Any]:
    """Built once for every reader, so a request only binds its values."""
    return _shown_columns().where(
        BlogPost.id.in_(bindparam(IDS, expanding=True)),
        BlogPost.status == PostStatus.PUBLISHED,
        BlogPost.deleted_at.is_(None),
        visible_to_reader(BlogPost),
    )


def resolve_comments(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The published, undeleted comments among ``ids``, on published posts ``user`` may see, titled by
    their post."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_comments(), {**params, IDS: list(ids)})
    return {
        row.comment_id: Shown(
            kind=COMMENT_KIND,
            id=row.comment_id,
            label="Comment",
            title=row.title,
            url=comment_url(row.community_slug, row.id, row.comment_id, row.created_by_id),
            marking=row.marking,
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.written_at,
            author_id=row.author_id,
        )
        for row in rows
    }


@cache
def _visible_comments() -> Select[Any]:
    """A post's ``shown_columns`` with each of its comments asked about."""
    return (
        _shown_columns()
        .join(BlogComment, BlogComment.post_id == BlogPost.id)
        .add_columns(
            BlogComment.id.label("comment_id"),
            BlogComment.created_at.label("written_at"),
            BlogComment.author_id,
        )
        .where(
            BlogComment.id.in_(bindparam(IDS, expanding=True)),
            BlogComment.status == CommentStatus.PUBLISHED,
            BlogComment.deleted_at.is_(None),
            BlogPost.status == PostStatus.PUBLISHED,
            BlogPost.deleted_at.is_(None),
            visible_to_reader(BlogPost),
        )
    )


def resolve_tags(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The tags among ``ids`` whose blog ``user`` may read."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_readable_tags(), {**params, IDS: list(ids)})
    return {
        row.id: Shown(
            kind=TAG_KIND,
            id=row.id,
            label="Blog tag",
            title=f"“{row.name}” in the {row.community_name} blog",
            url=url_for("blog.index", slug=row.community_slug, tag=row.name),
            marking=Marking.OFFICIAL,  # the tag itself; each post carries its own marking
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.created_at,
        )
        for row in rows
    }


@cache
def _readable_tags() -> Select[int, str, int, datetime, str, str]:
    return (
        select(
            BlogTag.id,
            BlogTag.name,
            BlogTag.community_id,
            Community.created_at,
            Community.slug.label("community_slug"),
            Community.name.label("community_name"),
        )
        .join(Community, Community.id == BlogTag.community_id)
        .where(BlogTag.id.in_(bindparam(IDS, expanding=True)), readable_to_reader())
    )


def resolve_person_blogs(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The blogs of the people among ``ids`` whom ``user`` may see in the directory (each blog page then
    shows them only the posts they may see)."""
    return {
        person_id: replace(
            person,
            kind=PERSON_BLOG_KIND,
            label="Blog",
            title=f"{person.title}’s blog",
            url=url_for("blog.personal", user_id=person_id),
        )
        for person_id, person in resolve_people(session, user, ids).items()
    }


POST = Kind(name=POST_KIND, label="Blog post", model=BlogPost, resolve=resolve_posts, link_name="blog")
COMMENT = Kind(name=COMMENT_KIND, label="Comment", model=BlogComment, resolve=resolve_comments)
BLOG = Kind(
    name=BLOG_KIND,
    label="Blog",
    model=Community,
    resolve=part_resolver(BLOG_KIND, "Blog", "blog.index"),
    owns_model=False,
)
TAG = Kind(name=TAG_KIND, label="Blog tag", model=BlogTag, resolve=resolve_tags)
PERSON_BLOG = Kind(
    name=PERSON_BLOG_KIND, label="Blog", model=User, resolve=resolve_person_blogs, owns_model=False
)
