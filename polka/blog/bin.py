"""Deleted posts: the community's managers see the ones deleted within the restore window and put them
back as they were (a post open to everyone signed in: its author, or an administrator, from the
author's own blog): a published post on the blog, in search and the activity again; a draft stays a
draft, announced to no one. The worker's daily purge removes for good those deleted longer ago, through
``polka.content.deletion.removing``; the bin itself is every feature's (``polka.content.bin``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.blog.kinds import POST_KIND
from polka.blog.models import BlogPost, PostStatus
from polka.blog.search import reindex_post
from polka.communities.models import Community
from polka.content import bin
from polka.db import utcnow
from polka.errors import NotFound
from polka.permissions import SITE, Action, require


def deleted_posts(session: Session, user: User, community: Community) -> list[BlogPost]:
    """The community's posts deleted within the restore window, newest first (its managers)."""
    return bin.deleted_in(session, user, community, BlogPost)


def get_deleted_post(session: Session, user: User, community: Community, post_id: int) -> BlogPost:
    return bin.get_deleted(session, user, community, BlogPost, post_id)


def _require_open_bin(user: User, author: User) -> None:
    """The deleted posts of ``author`` open to everyone signed in are theirs, and the administrators'."""
    if user.id != author.id:
        require(user, Action.ADMINISTER, SITE)


def deleted_open_posts(session: Session, user: User, author: User) -> list[BlogPost]:
    """``author``'s posts open to everyone signed in deleted within the restore window, newest first."""
    _require_open_bin(user, author)
    return bin.deleted_where(
        session, BlogPost, BlogPost.created_by_id == author.id, BlogPost.community_id.is_(None)
    )


def get_deleted_open_post(session: Session, user: User, author: User, post_id: int) -> BlogPost:
    """``author``'s deleted post ``post_id`` open to everyone signed in (one past the window too, until it
    is purged: restoring it says why it cannot be); ``NotFound`` for any other."""
    _require_open_bin(user, author)
    post = session.get(BlogPost, post_id)
    if (
        post is None
        or post.created_by_id != author.id
        or post.community_id is not None
        or not post.is_deleted
    ):
        raise NotFound()
    return post


def restore_post(session: Session, user: User, post: BlogPost) -> None:
    """Put a deleted post back as it was, with its comments. One scheduled for a time that passed while
    it was deleted comes back a draft: the worker's sweep would otherwise publish it unasked."""
    bin.restore(session, user, post, "Posts")
    if post.status is PostStatus.SCHEDULED and post.publish_at is not None and post.publish_at <= utcnow():
        post.status, post.publish_at = PostStatus.DRAFT, None
        session.flush()
    reindex_post(session, post)
    if post.is_published:
        record_activity(session, user, "restored", post.community, target_kind=POST_KIND, target_id=post.id)
    record(
        session,
        user,
        "blog.post_restored",
        target_type=POST_KIND,
        target_id=post.id,
        target_label=post.title,
        community_id=post.community_id,
    )
