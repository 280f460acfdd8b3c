"""What the blog's pages read: a page of the index (all, one tag's, one month's), the drafts and
scheduled posts waiting with their writer, the archive's months, "more from this blog" and a community
home's latest posts. Each list is one statement (two with its count) whatever the blog's size, and
every one is trimmed to the reader by ``polka.blog.access``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.blog import access
from polka.blog.models import BlogPost
from polka.blog.months import Month
from polka.communities.models import Community
from polka.pagination import Page, paginate

PER_PAGE = 10
#: The most drafts and scheduled posts the index lists for their writer.
UNPUBLISHED_SHOWN = 20
MORE_FROM_BLOG = 3
ON_COMMUNITY_HOME = 3


@dataclass(frozen=True)
class IndexQuery:
    page: int = 1
    #: only posts with this tag (as ``polka.tags`` keeps it), or all
    tag: str = ""
    #: only posts first published in this month (UK time), or all
    month: Month | None = None


def _newest_first(where: ColumnElement[bool]) -> Select[Any]:
    return (
        select(BlogPost)
        .where(where)
        .options(joinedload(BlogPost.created_by))
        .order_by(BlogPost.published_at.desc(), BlogPost.id.desc())
    )


def _with_tag(tag: str) -> ColumnElement[bool]:
    """Tags are kept comma-separated: a whole one is found between commas."""
    return (literal(",") + BlogPost.tags + literal(",")).contains(f",{tag},", autoescape=True)


def index(session: Session, user: User | None, community: Community, asked: IndexQuery) -> Page[BlogPost]:
    """A page of the community's published posts the user sees, newest first."""
    where = access.published_in(user, community)
    if asked.tag:
        where = where & _with_tag(asked.tag)
    if asked.month is not None:
        where = where & (BlogPost.published_month == asked.month.key)
    return paginate(session, _newest_first(where), asked.page, PER_PAGE)


def unpublished(session: Session, user: User | None, community: Community) -> list[BlogPost]:
    """The drafts and scheduled posts of the community the user sees (their own; every one for a
    moderator), scheduled ones first by their time, then drafts last changed first."""
    return list(
        session.scalars(
            select(BlogPost)
            .where(access.unpublished_in(user, community))
            .options(joinedload(BlogPost.created_by))
            .order_by(BlogPost.publish_at.is_(None), BlogPost.publish_at, BlogPost.updated_at.desc())
            .limit(UNPUBLISHED_SHOWN)
        )
    )


def archive(session: Session, user: User | None, community: Community) -> list[tuple[Month, int]]:
    """The months (UK time) the user sees posts of, newest first, with how many."""
    rows = session.execute(
        select(BlogPost.published_month, func.count())
        .where(access.published_in(user, community))
        .group_by(BlogPost.published_month)
        .order_by(BlogPost.published_month.desc())
    )
    return [(Month.of(month), count) for month, count in rows if month is not None]


def more_from(session: Session, user: User | None, post: BlogPost) -> list[BlogPost]:
    """A few other posts of the same blog the user sees, newest first."""
    where = access.published_in(user, post.community) & (BlogPost.id != post.id)
    return list(session.scalars(_newest_first(where).limit(MORE_FROM_BLOG)))


def latest(session: Session, user: User | None, community: Community) -> list[BlogPost]:
    """The community's newest posts the user sees, for its home page (one statement)."""
    return list(session.scalars(_newest_first(access.published_in(user, community)).limit(ON_COMMUNITY_HOME)))
