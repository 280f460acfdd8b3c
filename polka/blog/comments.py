"""Comments on posts, with the core moderation module (``polka.moderation``).

- Members of the post's community comment on a published post while its comments are open; a reply
  answers a comment (one level deep: a reply to a reply answers the comment it is under).
- Every comment is screened first (``moderation.screening``): a silenced member is refused, a blocking
  watched word refuses the comment naming it, a holding word or a new member's first comments wait for
  a moderator (its author sees "waiting"), a flagging word lets it out and reports it.
- Readers report others' comments; moderators hide them with a reason its author is shown, or approve
  the waiting ones, through the community's review queue (``polka.blog.moderation``).
- Its author deletes their own comment: a stub keeps the replies readable. The post's author and the
  community's moderators close a post's comments and open them again.
- A post's comment count is what every reader sees: published, undeleted comments.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from polka import mentions
from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.blog import access, notices, rendering
from polka.blog.kinds import COMMENT_KIND, POST_KIND
from polka.blog.models import COMMENT_MAX, BlogComment, BlogPost, CommentStatus
from polka.blog.search import reindex_comment
from polka.blog.waiting import HELD
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forms import has_control_characters
from polka.markup import check_markdown
from polka.moderation import screening
from polka.moderation.services import audit_moderation, close_reports
from polka.notifications.waiting import tell_waiting
from polka.permissions import Action, require


def check_comment(session: Session, post: BlogPost, body: str) -> str:
    """A comment's text: required, at most ``COMMENT_MAX`` characters, Markdown that can be rendered,
    mentioning only people who may see the post."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError("Enter your comment", {"body": "Enter your comment"})
    if len(text) > COMMENT_MAX:
        message = f"A comment must be {COMMENT_MAX:,} characters or fewer (this one has {len(text):,})"
        raise ValidationError(message, {"body": message})
    if has_control_characters(text, multiline=True) or "\ufffd" in text:
        message = "The comment contains characters that cannot be stored"
        raise ValidationError(message, {"body": message})
    check_markdown(text, "body")
    mentions.check(session, rendering.render(text).mentions, post.community, post.marking, "this post")
    return text


def published_count(session: Session, user: User, community: Community | None) -> int:
    """How many of ``user``'s comments in ``community``'s blog are published (for holding new members';
    none are held on posts open to everyone signed in, outside any community)."""
    if community is None:
        return 0
    return int(
        session.scalar(
            select(func.count())
            .select_from(BlogComment)
            .join(BlogPost, BlogPost.id == BlogComment.post_id)
            .where(
                BlogPost.community_id == community.id,
                BlogComment.author_id == user.id,
                BlogComment.status == CommentStatus.PUBLISHED,
            )
        )
        or 0
    )


def _parent(session: Session, post: BlogPost, parent_id: int | None) -> int | None:
    """The comment a reply goes under: the comment it answers, or that comment's own parent."""
    if parent_id is None:
        return None
    parent = session.get(BlogComment, parent_id)
    if parent is None or parent.post_id != post.id or not parent.is_shown:
        raise NotFound()
    return parent.parent_id or parent.id


def add_comment(
    session: Session, user: User, post: BlogPost, body: str, parent_id: int | None = None
) -> BlogComment:
    """Comment on ``post`` (or reply to one of its comments) as ``user``."""
    refusal = access.comment_refusal(user, post)
    if refusal is not None:
        raise Forbidden(refusal)
    text = check_comment(session, post, body)
    community = post.community
    screened = screening.screen(
        session, user, community, text, published_before=published_count(session, user, community)
    )
    comment = BlogComment(
        post_id=post.id,
        parent_id=_parent(session, post, parent_id),
        author_id=user.id,
        body=text,
        status=CommentStatus.WAITING if screened.held else CommentStatus.PUBLISHED,
        held_reason=screened.held or "",
        created_at=utcnow(),
    )
    session.add(comment)
    session.flush()
    kept = rendering.keep_comment(session, comment)
    if comment.is_shown:
        went_out(session, user, post, comment, kept.mentions)
    else:
        tell_waiting(session, HELD, community, user, "commented, waiting for approval, in")
    screening.flag(session, community, COMMENT_KIND, comment.id, screened)
    return comment


def went_out(
    session: Session, author: User | None, post: BlogPost, comment: BlogComment, mentioned: tuple[str, ...]
) -> None:
    """A comment every reader sees now: counted, searchable, in the activity, told to those it
    concerns (``mentioned``: the handles its rendering found)."""
    recount(session, post)
    reindex_comment(session, comment)
    record_activity(session, author, "commented on", post.community, target_kind=POST_KIND, target_id=post.id)
    notices.tell_comment(session, author, post, comment, mentioned)


def delete_own(session: Session, user: User, comment: BlogComment) -> None:
    """Its author deletes a comment: a stub stays in its place, and open reports on it close."""
    if comment.author_id != user.id:
        require(user, Action.VIEW, comment.post)
        raise Forbidden("You can delete only your own comments.")
    if comment.deleted_at is not None:
        raise Conflict("This comment is already deleted.")
    comment.deleted_at = utcnow()
    session.flush()
    recount(session, comment.post)
    reindex_comment(session, comment)
    close_reports(session, COMMENT_KIND, [comment.id])


def set_closed(session: Session, user: User, post: BlogPost, closed: bool) -> None:
    """Close a post's comments (or open them again): its author or a moderator."""
    if not access.may_close_comments(user, post):
        require(user, Action.MODERATE, post.community if post.community is not None else post)
    if post.comments_closed == closed:
        return
    post.comments_closed = closed
    session.flush()
    if post.created_by_id != user.id:
        audit_moderation(
            session,
            user,
            "comments_closed" if closed else "comments_opened",
            post.community_id,
            kind=POST_KIND,
            target_id=post.id,
            label=post.title,
        )


def recount(session: Session, post: BlogPost) -> None:
    """Set the post's comment count from its comments every reader sees."""
    shown = (
        select(func.count())
        .select_from(BlogComment)
        .where(
            BlogComment.post_id == post.id,
            BlogComment.status == CommentStatus.PUBLISHED,
            BlogComment.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    session.execute(
        update(BlogPost)
        .where(BlogPost.id == post.id)
        .values(comment_count=shown)
        .execution_options(synchronize_session=False)
    )
    session.flush()
    session.expire(post, ["comment_count"])
