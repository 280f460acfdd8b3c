"""What waits for a blog's moderators: comments held for approval (see polka.content.waiting)."""

from __future__ import annotations

from sqlalchemy import Select

from polka.blog.models import BlogComment, BlogPost, CommentStatus
from polka.communities.models import Community
from polka.content.waiting import Provider, count_by_community, count_outside, plural
from polka.permissions import Action

HELD = "blog.held"


def _held() -> Select[str, str, int]:
    """Comments waiting for approval (on posts not deleted), counted per community."""
    return (
        count_by_community(BlogComment.id)
        .join(BlogPost, BlogPost.community_id == Community.id)
        .join(BlogComment, BlogComment.post_id == BlogPost.id)
        .where(BlogComment.status == CommentStatus.WAITING, BlogPost.deleted_at.is_(None))
    )


def _held_outside() -> Select[str, str, int]:
    """Comments waiting for approval on posts open to everyone signed in (not deleted)."""
    return (
        count_outside(BlogComment.id)
        .join(BlogPost, BlogPost.id == BlogComment.post_id)
        .where(
            BlogComment.status == CommentStatus.WAITING,
            BlogPost.community_id.is_(None),
            BlogPost.deleted_at.is_(None),
        )
    )


#: Comments waiting for approval in the blogs the user moderates (and on posts open to everyone signed
#: in, for administrators).
held_waiting = Provider(
    offered=Action.MODERATE,
    query=_held,
    what=lambda count: f"{plural(count, 'blog comment waits', 'blog comments wait')} for approval in",
    action="Review them",
    label="Comments waiting for approval",
    endpoint="moderation.queue",
    site=_held_outside,
)
