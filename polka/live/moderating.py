"""Moderating a session's questions: approve (as written or edited), edit an approved one, merge a
duplicate into an approved question (their votes combine), reject with a reason only its author sees,
and bar a participant from the session. Every action is written to the community's moderation log.

Each action locks the session's row first (``polka.live.versions``) and then reads the question as
committed: when two moderators act on one question at once, the first wins and the second is told
what became of it (``Conflict``), whatever either of them saw on their page.

Questions are a moderated kind of the core moderation module too (``QUESTIONS``): the community's
review queue lists those waiting, and a reported approved question can be hidden from there (it is
rejected, with the reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import Conflict, NotFound, ValidationError
from polka.live import access
from polka.live.kinds import QUESTION_KIND, question_url
from polka.live.models import REASON_MAX, LiveParticipant, LiveQuestion, LiveSession, LiveVote, Status
from polka.live.questions import check_question, recount
from polka.live.search import reindex_session
from polka.live.versions import own_change, participant, public_change, queue_change
from polka.moderation.registry import ModeratedKind, Reviewed
from polka.moderation.services import audit_moderation
from polka.permissions import Action, offers
from polka.text import check_line

_ALREADY = {
    Status.WAITING: "This question has not been approved: it is still waiting.",
    Status.APPROVED: "Another moderator has already approved this question.",
    Status.REJECTED: "Another moderator has already turned this question down.",
    Status.MERGED: "Another moderator has already merged this question with another.",
}
#: What a barred participant's waiting questions are turned down with.
BARRED = "A moderator stopped you taking part in this session."


def _question(session: Session, live: LiveSession, question_id: int) -> LiveQuestion:
    """Question ``question_id`` of ``live`` as committed (read after the session's row is locked)."""
    question = session.scalar(
        select(LiveQuestion)
        .where(LiveQuestion.id == question_id, LiveQuestion.session_id == live.id)
        .execution_options(populate_existing=True)
    )
    if question is None:
        raise NotFound()
    return question


def _expect(question: LiveQuestion, *states: Status) -> None:
    if question.status not in states:
        raise Conflict(_ALREADY[question.status])


def _where(live: LiveSession) -> str:
    return f"Question in “{live.title}”"


def _audit(
    session: Session, moderator: User, live: LiveSession, action: str, target_id: int, **detail: Any
) -> None:
    audit_moderation(
        session,
        moderator,
        action,
        live.community_id,
        kind=QUESTION_KIND,
        target_id=target_id,
        label=_where(live),
        detail=detail or None,
    )


def approve(
    session: Session, moderator: User, live: LiveSession, question_id: int, body: str | None = None
) -> LiveQuestion:
    """Let a waiting question out to every participant, as its author wrote it or edited (``body``: its
    author is shown that it was edited)."""
    version = public_change(session, live)
    queue_change(session, live)
    access.require_moderate(moderator, live)
    question = _question(session, live, question_id)
    _expect(question, Status.WAITING)
    edited = body is not None and _edit(question, body)
    _let_out(session, live, question, moderator, version)
    _audit(session, moderator, live, "approved", question.id, **({"edited": True} if edited else {}))
    return question


def _let_out(
    session: Session, live: LiveSession, question: LiveQuestion, moderator: User, version: int
) -> None:
    question.status, question.decided_at, question.decided_by_id = Status.APPROVED, utcnow(), moderator.id
    question.public_version = version
    session.flush()
    own_change(session, live, question.author_id)
    reindex_session(session, live)


def _edit(question: LiveQuestion, body: str) -> bool:
    """Give a question a moderator's wording (its author's own is kept); whether it changed."""
    text = check_question(body)
    if text == question.body:
        return False
    if not question.original_body:
        question.original_body = question.body
    question.body, question.edited_at = text, utcnow()
    return True


def edit(session: Session, moderator: User, live: LiveSession, question_id: int, body: str) -> LiveQuestion:
    """Change the wording of an approved question (its author is shown that it was edited)."""
    version = public_change(session, live)
    access.require_moderate(moderator, live)
    question = _question(session, live, question_id)
    _expect(question, Status.APPROVED)
    if _edit(question, body):
        question.public_version = version
        session.flush()
        own_change(session, live, question.author_id)
        reindex_session(session, live)
        _audit(session, moderator, live, "edited", question.id)
    return question


def _reason(reason: str) -> str:
    return check_line("reason", reason, REASON_MAX, "a reason the author will see", required=True)


def reject(
    session: Session,
    moderator: User,
    live: LiveSession,
    question_id: int,
    reason: str,
    *,
    seen: Status = Status.WAITING,
) -> LiveQuestion:
    """Turn down a question the moderator saw ``seen`` (waiting, or approved: it is withdrawn from every
    participant's page), with a reason only its author sees. If it is no longer as they saw it, another
    moderator came first: they are told what became of it."""
    queue_change(session, live)
    access.require_moderate(moderator, live)
    question = _question(session, live, question_id)
    _expect(question, seen if seen in (Status.WAITING, Status.APPROVED) else Status.WAITING)
    _turn_down(session, live, question, moderator, _reason(reason))
    _audit(session, moderator, live, "rejected", question.id, reason=question.reason)
    return question


def _turn_down(
    session: Session, live: LiveSession, question: LiveQuestion, moderator: User, reason: str
) -> None:
    """Turn ``question`` down (the session's row already locked): only a question that was approved
    changes what participants see, so only then is their version raised."""
    was_public = question.is_public
    question.status, question.reason = Status.REJECTED, reason
    question.decided_at, question.decided_by_id = utcnow(), moderator.id
    if was_public:
        question.public_version = public_change(session, live)
        if live.answering_id == question.id:
            live.answering_id = None
    session.flush()
    own_change(session, live, question.author_id)
    if was_public:
        reindex_session(session, live)


def merge(
    session: Session,
    moderator: User,
    live: LiveSession,
    question_id: int,
    into_id: int,
    *,
    seen: Status = Status.WAITING,
) -> LiveQuestion:
    """Merge a duplicate the moderator saw ``seen`` (waiting or approved) into an approved question: the
    duplicate's voters, and its author, count as voting for the question it joins; return that
    question."""
    version = public_change(session, live)
    queue_change(session, live)
    access.require_moderate(moderator, live)
    duplicate = _question(session, live, question_id)
    _expect(duplicate, seen if seen in (Status.WAITING, Status.APPROVED) else Status.WAITING)
    if into_id == duplicate.id:
        raise ValidationError("Choose another question to merge it into", {"into": "Choose another question"})
    target = _question(session, live, into_id)
    if target.status is not Status.APPROVED:
        message = "It can be merged into an approved question only"
        raise ValidationError(message, {"into": message})
    voters = set(session.scalars(select(LiveVote.user_id).where(LiveVote.question_id == duplicate.id)))
    if duplicate.author_id is not None:
        voters.add(duplicate.author_id)
    voters -= set(session.scalars(select(LiveVote.user_id).where(LiveVote.question_id == target.id)))
    voters.discard(target.author_id or 0)
    now = utcnow()
    session.add_all(
        LiveVote(question_id=target.id, user_id=voter, created_at=now) for voter in sorted(voters)
    )
    was_public = duplicate.is_public
    duplicate.status, duplicate.merged_into_id = Status.MERGED, target.id
    duplicate.decided_at, duplicate.decided_by_id = now, moderator.id
    if was_public:
        duplicate.public_version = version
    if live.answering_id == duplicate.id:
        live.answering_id = target.id
    session.flush()
    recount(session, target, version)
    own_change(session, live, duplicate.author_id)
    if was_public:
        reindex_session(session, live)
    _audit(session, moderator, live, "merged", duplicate.id, into=target.id)
    return target


def bar(session: Session, moderator: User, live: LiveSession, user_id: int, reason: str) -> LiveParticipant:
    """Stop a participant taking part in ``live``: they no longer ask or vote there, and their questions
    still waiting are turned down. They are told so; the reason is for the moderators."""
    queue_change(session, live)
    access.require_moderate(moderator, live)
    reason = check_line("reason", reason, REASON_MAX, "a reason for the other moderators", required=True)
    barred = participant(session, live, user_id)
    if barred is None:
        raise NotFound()
    if barred.barred:
        raise Conflict(f"Another moderator has already barred {barred.user.name} from this session.")
    person = barred.user
    if person.id == moderator.id:
        raise Conflict("You cannot bar yourself.")
    if offers(person, Action.MODERATE, live.community) or any(
        role.user_id == person.id for role in live.named
    ):
        raise Conflict(
            f"{person.name} is named in this session or moderates the community: they cannot be barred."
        )
    barred.barred_at, barred.barred_by_id, barred.bar_reason = utcnow(), moderator.id, reason
    for question in session.scalars(
        select(LiveQuestion).where(
            LiveQuestion.session_id == live.id,
            LiveQuestion.author_id == person.id,
            LiveQuestion.status == Status.WAITING,
        )
    ):
        _turn_down(session, live, question, moderator, BARRED)
    own_change(session, live, person.id)
    audit_moderation(
        session,
        moderator,
        "barred",
        live.community_id,
        kind="people.person",
        target_id=person.id,
        label=person.name,
        detail={"session": live.id, "reason": reason},
    )
    return barred


def unbar(session: Session, moderator: User, live: LiveSession, user_id: int) -> None:
    """Let a barred participant take part again."""
    queue_change(session, live)
    access.require_moderate(moderator, live)
    barred = participant(session, live, user_id)
    if barred is None or not barred.barred:
        raise Conflict("That participant is not barred from this session.")
    barred.barred_at = barred.barred_by_id = None
    barred.bar_reason = ""
    own_change(session, live, user_id)
    audit_moderation(
        session,
        moderator,
        "unbarred",
        live.community_id,
        kind="people.person",
        target_id=user_id,
        label=barred.user.name,
        detail={"session": live.id},
    )


# --- the core moderation module's view of questions -----------------------------------------------


def _reviewed(where: Any) -> Any:
    return (
        select(LiveQuestion, LiveSession, Community.slug)
        .join(LiveSession, LiveSession.id == LiveQuestion.session_id)
        .join(Community, Community.id == LiveSession.community_id)
        .where(where, LiveSession.deleted_at.is_(None))
        .options(joinedload(LiveQuestion.author))
    )


def _as_reviewed(question: LiveQuestion, live: LiveSession, slug: str) -> Reviewed:
    return Reviewed(
        kind=QUESTION_KIND,
        id=question.id,
        community_id=live.community_id,
        author=question.author,
        text=question.body,
        where=_where(live),
        url=question_url(slug, live.id, question.id),
        hidden=question.status is Status.REJECTED,
        held="Every question waits for a moderator"
        + (f"; it contains {question.flagged}" if question.flagged else ""),
    )


def review_questions(session: Session, ids: Sequence[int]) -> dict[int, Reviewed]:
    rows = session.execute(_reviewed(LiveQuestion.id.in_(ids))).all()
    return {question.id: _as_reviewed(question, live, slug) for question, live, slug in rows}


def waiting_questions(session: Session, community_id: int | None) -> list[Reviewed]:
    """The community's questions waiting for a moderator, oldest first (none outside any community)."""
    if community_id is None:
        return []
    rows = session.execute(
        _reviewed(
            and_(LiveQuestion.status == Status.WAITING, LiveSession.community_id == community_id)
        ).order_by(LiveQuestion.created_at, LiveQuestion.id)
    ).all()
    return [_as_reviewed(question, live, slug) for question, live, slug in rows]


def _live_of(session: Session, question_id: int) -> LiveSession:
    question = session.get(LiveQuestion, question_id)
    if question is None:
        raise NotFound()
    return question.live_session


def hide_question(session: Session, moderator: User, question_id: int, reason: str) -> None:
    """Turn a question down from the community's review queue (a reported or waiting one)."""
    live = _live_of(session, question_id)
    queue_change(session, live)
    question = _question(session, live, question_id)
    if question.status in (Status.WAITING, Status.APPROVED):
        _turn_down(session, live, question, moderator, reason)


def approve_question(session: Session, moderator: User, question_id: int) -> None:
    """Approve a waiting question from the community's review queue."""
    live = _live_of(session, question_id)
    version = public_change(session, live)
    queue_change(session, live)
    question = _question(session, live, question_id)
    _expect(question, Status.WAITING)
    _let_out(session, live, question, moderator, version)


QUESTIONS = ModeratedKind(QUESTION_KIND, review_questions, hide_question, waiting_questions, approve_question)
