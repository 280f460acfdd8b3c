"""How blog comments are moderated (see polka.moderation.registry): what moderators see of a reported or
waiting comment, hiding one and approving one. A hidden comment leaves the post's count and search at
once; its author and the moderators still see it under the post, with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.blog import rendering
from polka.blog.comments import recount, went_out
from polka.blog.kinds import COMMENT_KIND, comment_url
from polka.blog.models import BlogComment, BlogPost, CommentStatus
from polka.blog.search import reindex_comment
from polka.communities.models import Community
from polka.moderation.registry import ModeratedKind, Reviewed


def _reviewed(where: Any) -> Any:
    return (
        select(BlogComment, BlogPost, Community.slug)
        .join(BlogPost, BlogPost.id == BlogComment.post_id)
        .outerjoin(Community, Community.id == BlogPost.community_id)
        .where(where, BlogPost.deleted_at.is_(None))
        .options(joinedload(BlogComment.author))
    )


def _as_reviewed(comment: BlogComment, post: BlogPost, slug: str | None) -> Reviewed:
    """What moderators see of a comment (``slug``: its post's community's; None for a post open to
    everyone signed in, moderated by the site's administrators)."""
    return Reviewed(
        kind=COMMENT_KIND,
        id=comment.id,
        community_id=post.community_id,
        author=comment.author,
        text="" if comment.deleted_at is not None else comment.body,
        where=f"{'Reply to a comment' if comment.parent_id else 'Comment'} on “{post.title}”",
        url=comment_url(slug, post.id, comment.id, post.created_by_id),
        hidden=comment.status is CommentStatus.HIDDEN,
        held=comment.held_reason,
    )


def review_comments(session: Session, ids: Sequence[int]) -> dict[int, Reviewed]:
    rows = session.execute(_reviewed(BlogComment.id.in_(ids))).all()
    return {comment.id: _as_reviewed(comment, post, slug) for comment, post, slug in rows}


def waiting_comments(session: Session, community_id: int | None) -> list[Reviewed]:
    """The community's comments waiting for approval (None: on posts outside any), oldest first."""
    where = BlogPost.community_id.is_(None) if community_id is None else BlogPost.community_id == community_id
    rows = session.execute(
        _reviewed(and_(BlogComment.status == CommentStatus.WAITING, where)).order_by(
            BlogComment.created_at, BlogComment.id
        )
    ).all()
    return [_as_reviewed(comment, post, slug) for comment, post, slug in rows]


def hide_comment(session: Session, moderator: User, comment_id: int, reason: str) -> None:
    """Hide a comment (or reject a waiting one): its author and the moderators still see it, with the reason."""
    comment = session.get(BlogComment, comment_id)
    if comment is None:
        return
    comment.status, comment.hidden_reason = CommentStatus.HIDDEN, reason
    session.flush()
    recount(session, comment.post)
    reindex_comment(session, comment)


def approve_comment(session: Session, moderator: User, comment_id: int) -> None:
    """Publish a waiting comment in its place under the post."""
    comment = session.get(BlogComment, comment_id)
    if comment is None or comment.status is not CommentStatus.WAITING:
        return
    comment.status, comment.held_reason = CommentStatus.PUBLISHED, ""
    session.flush()
    went_out(session, comment.author, comment.post, comment, rendering.render(comment.body).mentions)


COMMENTS = ModeratedKind(COMMENT_KIND, review_comments, hide_comment, waiting_comments, approve_comment)
