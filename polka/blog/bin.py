"""Deleted posts: the community's managers see the ones deleted within the restore window and put them
back as they were: a published post on the blog, in search and the activity again; a draft stays a
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


def deleted_posts(session: Session, user: User, community: Community) -> list[BlogPost]:
    """The community's posts deleted within the restore window, newest first (its managers)."""
    return bin.deleted_in(session, user, community, BlogPost)


def get_deleted_post(session: Session, user: User, community: Community, post_id: int) -> BlogPost:
    return bin.get_deleted(session, user, community, BlogPost, post_id)


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
