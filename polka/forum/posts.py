"""What happens to a post after it is posted: edits kept as history, its author deleting it (a stub
keeps the thread readable), a question's accepted answer, and helpful marks.

- Its author edits a post within ``EDIT_GRACE`` of posting it; moderators edit any post at any time
  (audited). Every edit keeps the text it replaced, so anyone who may read the post can see who changed
  it, when, and what.
- Its author deletes their own post: the thread shows "Deleted by its author" in its place, and the
  post leaves counts and search. (Moderators hide instead: see ``polka.forum.moderation``.)
- The asker, or a moderator, marks one reply of a question as its accepted answer; it is shown under the
  question. Only a published reply of the same topic can be accepted.
- Anyone who may read a post and did not write it marks it helpful, once; the count and the names are
  shown with it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.db import utcnow
from polka.errors import Forbidden, ValidationError
from polka.forum import access, notices, rendering
from polka.forum.kinds import POST_KIND, TOPIC_KIND
from polka.forum.models import ForumHelpful, ForumPost, ForumPostEdit, ForumTopic
from polka.forum.search import reindex_post
from polka.forum.services import check_post, recount_topic
from polka.moderation import screening
from polka.moderation.services import audit_moderation, close_reports
from polka.permissions import Action, require
from polka.search.outbox import queue_change

#: How long after posting its author may still edit a post.
EDIT_GRACE = timedelta(hours=24)


def require_edit(user: User, post: ForumPost) -> None:
    """Raise unless ``user`` may edit ``post``, saying why (NotFound for someone who may not see it)."""
    if not access.may_edit_post(user, post, grace=EDIT_GRACE):
        require(user, Action.VIEW, post.topic)
        hours = EDIT_GRACE.total_seconds() / 3600
        raise Forbidden(f"You can edit your own posts for {hours:.0f} hours after posting them.")


def edit_post(session: Session, user: User, post: ForumPost, body: str) -> bool:
    """Change a post's text, keeping the text it replaces; whether anything changed."""
    require_edit(user, post)
    text = check_post(session, user, post.topic.community, post.topic.marking, body)
    if text == post.body:
        return False
    screened = screening.screen(session, user, post.topic.community, text)
    now = utcnow()
    session.add(ForumPostEdit(post_id=post.id, body_before=post.body, edited_at=now, edited_by_id=user.id))
    post.body, post.edited_at, post.edited_by_id = text, now, user.id
    session.flush()
    rendering.keep(session, post)
    reindex_post(session, post)
    screening.flag(session, post.topic.community, POST_KIND, post.id, screened)
    if post.author_id != user.id:
        audit_moderation(
            session,
            user,
            "edited",
            post.topic.community_id,
            kind=POST_KIND,
            target_id=post.id,
            label=post.topic.title,
        )
    return True


def history(session: Session, post: ForumPost) -> list[ForumPostEdit]:
    """A post's edits, newest first (each holding the text it replaced)."""
    return list(
        session.scalars(
            select(ForumPostEdit)
            .where(ForumPostEdit.post_id == post.id)
            .order_by(ForumPostEdit.edited_at.desc(), ForumPostEdit.id.desc())
        )
    )


def delete_own_post(session: Session, user: User, post: ForumPost) -> None:
    """Delete one's own post: a stub stays in the thread; counts and search lose it."""
    if post.author_id != user.id or post.is_deleted:
        require(user, Action.VIEW, post.topic)
        raise Forbidden("You can delete only your own posts.")
    post.deleted_at = utcnow()
    topic = post.topic
    if topic.accepted_post_id == post.id:
        topic.accepted_post_id = None
    session.flush()
    recount_topic(session, topic)
    reindex_post(session, post)
    close_reports(session, POST_KIND, [post.id])


def accept_answer(session: Session, user: User, topic: ForumTopic, post: ForumPost | None) -> None:
    """Mark ``post`` as the question's accepted answer (None: no answer is accepted any more)."""
    if not topic.is_question:
        raise ValidationError("Only a question has an accepted answer.")
    if topic.created_by_id != user.id and not access.may_moderate(user, topic.community):
        require(user, Action.VIEW, topic)
        raise Forbidden("Only the person who asked, or a moderator, accepts an answer.")
    if post is not None:
        if post.topic_id != topic.id:
            raise ValidationError("That reply is not in this topic: accept one of this question's replies.")
        if post.number == 1 or not post.is_shown:
            raise ValidationError("Choose a published reply to accept.")
    before = topic.accepted_post_id
    topic.accepted_post_id = post.id if post is not None else None
    session.flush()
    # the question and its answer rank higher in search while it has one
    for changed in (before, topic.accepted_post_id, _opening_id(session, topic)):
        if changed is not None:
            queue_change(session, POST_KIND, changed)
    if post is not None:
        record_activity(
            session,
            user,
            "accepted an answer in",
            topic.community,
            target_kind=TOPIC_KIND,
            target_id=topic.id,
        )
        notices.tell_accepted(session, user, topic, post)


def _opening_id(session: Session, topic: ForumTopic) -> int | None:
    return session.scalar(select(ForumPost.id).where(ForumPost.topic_id == topic.id, ForumPost.number == 1))


def mark_helpful(session: Session, user: User, post: ForumPost, *, helpful: bool) -> None:
    """Mark a post helpful (once per person) or take the mark back; the post's count follows."""
    require(user, Action.VIEW, post.topic)
    if post.author_id == user.id:
        raise Forbidden("You cannot mark your own post helpful.")
    if not post.is_shown:
        raise Forbidden("This post cannot be marked helpful.")
    marked = session.scalar(
        select(exists().where(ForumHelpful.post_id == post.id, ForumHelpful.user_id == user.id))
    )
    if helpful and not marked:
        session.add(ForumHelpful(post_id=post.id, user_id=user.id, created_at=utcnow()))
    elif not helpful and marked:
        session.execute(
            delete(ForumHelpful).where(ForumHelpful.post_id == post.id, ForumHelpful.user_id == user.id)
        )
    else:
        return
    session.flush()
    counted = select(func.count()).where(ForumHelpful.post_id == post.id).scalar_subquery()
    session.execute(
        update(ForumPost).where(ForumPost.id == post.id).values(helpful_count=counted),
        execution_options={"synchronize_session": False},
    )
    session.refresh(post)


def recount_helpful(session: Session) -> int:
    """Set every post's helpful count from the marks (``polka forum recount``); return how many were
    wrong."""
    marks = dict(
        session.execute(select(ForumHelpful.post_id, func.count()).group_by(ForumHelpful.post_id)).all()
    )
    wrong = 0
    counted = select(ForumPost).where(or_(ForumPost.helpful_count != 0, ForumPost.id.in_(list(marks))))
    for post in session.scalars(counted):
        if post.helpful_count != marks.get(post.id, 0):
            post.helpful_count = marks.get(post.id, 0)
            wrong += 1
    session.flush()
    return wrong
