"""What the blog's pages read: a page of the index (all, one tag's, one month's), the drafts and
scheduled posts waiting with their writer, the archive's months, "more from this blog" and a community
home's latest posts. Each list is one statement (two with its count) whatever the blog's size, and
every one is trimmed to the reader by ``polka.blog.access``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.blog import access
from polka.blog.models import BlogComment, BlogPost, BlogPostTag, BlogTag, CommentStatus, PostStatus
from polka.communities.models import Community
from polka.errors import NotFound
from polka.months import Month
from polka.pagination import LIMIT, OFFSET, Page, Paged, paginate

PER_PAGE = 10
#: Comments (with their replies) a post's page shows at a time, oldest first.
COMMENTS_PER_PAGE = 50
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


_NEWEST_FIRST = (BlogPost.published_at.desc(), BlogPost.id.desc())
Row = TypeVarTuple("Row")


def _indexed(query: Select[*Row], index: str) -> Select[*Row]:
    """``query`` reading the posts through ``index`` on SQLite. A community's posts are most of a blog's
    rows, so once ``ANALYZE`` has measured them SQLite's planner would scan the table instead; but a
    post's row carries its texts, which a scan reads page after page, while the index holds all a list
    asks. PostgreSQL keeps long texts out of the row and plans this well on its own."""
    return query.with_hint(BlogPost, f"INDEXED BY {index}", "sqlite")


#: the undeleted posts of a community by status, newest first; and by the month they went out
BY_PUBLISHED, BY_MONTH = "ix_blog_posts_community_published", "ix_blog_posts_community_month"


def _newest_first(where: ColumnElement[bool]) -> Select[Any]:
    return _indexed(
        select(BlogPost).where(where).options(joinedload(BlogPost.created_by)).order_by(*_NEWEST_FIRST),
        BY_PUBLISHED,
    )


def _with_tag(community: Community, tag: str) -> ColumnElement[bool]:
    """The posts with ``tag``, found in the tag tables' indexes."""
    return BlogPost.id.in_(
        select(BlogPostTag.post_id)
        .join(BlogTag, BlogTag.id == BlogPostTag.tag_id)
        .where(BlogTag.community_id == community.id, BlogTag.name == tag)
    )


def tag_of(session: Session, community: Community, tag_id: int) -> BlogTag:
    """The community's blog tag ``tag_id``; ``NotFound`` for any other."""
    found = session.get(BlogTag, tag_id)
    if found is None or found.community_id != community.id:
        raise NotFound()
    return found


def tag_named(session: Session, community: Community, name: str) -> BlogTag | None:
    """The community's blog tag ``name`` (as ``polka.tags`` keeps it), if any post ever carried it."""
    return session.scalar(select(BlogTag).where(BlogTag.community_id == community.id, BlogTag.name == name))


def index(session: Session, user: User | None, community: Community, asked: IndexQuery) -> Page[BlogPost]:
    """A page of the community's published posts the user sees, newest first. The page's ids are
    found in the index first and only their rows read, so a late page costs what the first does."""
    where = access.published_in(user, community)
    if asked.tag:
        where = where & _with_tag(community, asked.tag)
    if asked.month is not None:
        where = where & (BlogPost.published_month == asked.month.key)
    ids = _indexed(select(BlogPost.id).where(where).order_by(*_NEWEST_FIRST), BY_PUBLISHED)
    chosen = ids.limit(bindparam(LIMIT)).offset(bindparam(OFFSET)).subquery()
    page = (
        select(BlogPost)
        .join(chosen, chosen.c.id == BlogPost.id)
        .options(joinedload(BlogPost.created_by))
        .order_by(*_NEWEST_FIRST)
    )
    counted = select(func.count()).select_from(ids.order_by(None).subquery())
    return paginate(session, Paged(counted, page), asked.page, PER_PAGE)


def newest(session: Session, user: User | None, community: Community, tag: str, count: int) -> list[BlogPost]:
    """The community's ``count`` newest published posts the user sees (of ``tag`` if given): a feed's."""
    where = access.published_in(user, community)
    if tag:
        where = where & _with_tag(community, tag)
    return list(session.scalars(_newest_first(where).limit(count)))


def unpublished(session: Session, user: User | None, community: Community) -> list[BlogPost]:
    """The drafts and scheduled posts of the community the user sees (their own; every one for a
    moderator), scheduled ones first by their time, then drafts last changed first."""
    return list(
        session.scalars(
            _indexed(
                select(BlogPost)
                .where(access.unpublished_in(user, community))
                .options(joinedload(BlogPost.created_by))
                .order_by(BlogPost.publish_at.is_(None), BlogPost.publish_at, BlogPost.updated_at.desc())
                .limit(UNPUBLISHED_SHOWN),
                BY_PUBLISHED,
            )
        )
    )


def archive(session: Session, user: User | None, community: Community) -> list[tuple[Month, int]]:
    """The months (UK time) the user sees posts of, newest first, with how many."""
    rows = session.execute(
        _indexed(
            select(BlogPost.published_month, func.count())
            .where(access.published_in(user, community))
            .group_by(BlogPost.published_month)
            .order_by(BlogPost.published_month.desc()),
            BY_MONTH,
        )
    )
    return [(Month.from_key(month), count) for month, count in rows if month is not None]


def more_from(session: Session, user: User | None, post: BlogPost) -> list[BlogPost]:
    """A few other posts of the same blog (a community's, or its author's own) the user sees, newest
    first."""
    if post.personal or post.community is None:
        if post.created_by is None:
            return []
        query = _by_author(
            access.personal_seen_by(user, post.created_by) & (BlogPost.status == PostStatus.PUBLISHED)
        )
        return list(session.scalars(query.where(BlogPost.id != post.id).limit(MORE_FROM_BLOG)))
    where = access.published_in(user, post.community) & (BlogPost.id != post.id)
    return list(session.scalars(_newest_first(where).limit(MORE_FROM_BLOG)))


def _by_author(where: ColumnElement[bool]) -> Select[Any]:
    """Posts of one person's own blog, newest first (the ones not published yet first of all)."""
    return (
        select(BlogPost)
        .where(where)
        .options(joinedload(BlogPost.community))
        .order_by(BlogPost.published_at.is_(None).desc(), *_NEWEST_FIRST)
    )


def personal_newest(session: Session, user: User | None, author: User, count: int) -> list[BlogPost]:
    """``author``'s ``count`` newest published posts of their own blog that ``user`` sees: its feed's."""
    where = access.personal_seen_by(user, author) & (BlogPost.status == PostStatus.PUBLISHED)
    return list(session.scalars(_by_author(where).options(joinedload(BlogPost.created_by)).limit(count)))


def personal(session: Session, user: User | None, author: User, page: int) -> Page[BlogPost]:
    """A page of ``author``'s own blog as ``user`` sees it (see ``access.personal_seen_by``)."""
    return paginate(session, _by_author(access.personal_seen_by(user, author)), page, PER_PAGE)


def latest(session: Session, user: User | None, community: Community) -> list[BlogPost]:
    """The community's newest posts the user sees, for its home page (one statement)."""
    return list(session.scalars(_newest_first(access.published_in(user, community)).limit(ON_COMMUNITY_HOME)))


@dataclass(frozen=True)
class Thread:
    """A page of a post's comments the reader sees, oldest first, each with its replies."""

    comments: list[BlogComment]
    replies: dict[int, list[BlogComment]]
    page: int
    has_next: bool
    #: comments hidden by a moderator that the reader sees as a stub only (nothing of who wrote them or
    #: what), kept because replies the reader sees answer them
    withheld: frozenset[int] = frozenset()

    @property
    def every(self) -> list[BlogComment]:
        """Every comment and reply on the page."""
        return [*self.comments, *(reply for replies in self.replies.values() for reply in replies)]

    @property
    def in_order(self) -> list[BlogComment]:
        """The page as it reads: each comment followed by its replies."""
        return [shown for comment in self.comments for shown in (comment, *self.replies[comment.id])]


def thread(session: Session, user: User | None, post: BlogPost, page: int) -> Thread:
    """Page ``page`` of ``post``'s comments as ``user`` sees them, in two statements whatever their number
    (a page is read one comment beyond its end, to know whether another follows). A comment hidden by a
    moderator is a stub to the others while replies they see answer it, and gone when none do."""
    page = max(1, page)
    seen = access.comments_seen_by(user, post)
    found = list(
        session.scalars(
            select(BlogComment)
            .where(
                BlogComment.post_id == post.id,
                BlogComment.parent_id.is_(None),
                or_(seen, BlogComment.status == CommentStatus.HIDDEN),
            )
            .options(joinedload(BlogComment.author))
            .order_by(BlogComment.created_at, BlogComment.id)
            .limit(COMMENTS_PER_PAGE + 1)
            .offset((page - 1) * COMMENTS_PER_PAGE)
        )
    )
    on_page = found[:COMMENTS_PER_PAGE]
    replies: dict[int, list[BlogComment]] = {comment.id: [] for comment in on_page}
    if on_page:
        for reply in session.scalars(
            select(BlogComment)
            .where(BlogComment.post_id == post.id, BlogComment.parent_id.in_(list(replies)), seen)
            .options(joinedload(BlogComment.author))
            .order_by(BlogComment.created_at, BlogComment.id)
        ):
            replies[reply.parent_id or 0].append(reply)
    withheld = frozenset(c.id for c in on_page if not access.may_see_comment(user, c))
    shown = [c for c in on_page if c.id not in withheld or replies[c.id]]
    return Thread(shown, replies, page, len(found) > COMMENTS_PER_PAGE, withheld)


def audiences(user: User) -> list[Community]:
    """The communities ``user`` may publish posts of their own blog into, by name (read from the
    memberships loaded with the user: no statement)."""
    return sorted(
        (m.community for m in user.memberships if access.may_write_personal(user, m.community)),
        key=lambda community: community.name.casefold(),
    )
