"""Asking and voting, for a session's participants.

- A question is screened first (``moderation.screening``): a member silenced in the community is
  refused, a blocking watched word refuses it naming the word, and a flagging or holding word is noted
  for the moderators. Then it waits: nothing a participant sends is shown to anyone but them and the
  moderators until a moderator approves it (``polka.live.moderating``). A moderator's own question is
  approved as it is sent.
- A question may be sent anonymously when the session allows it: other participants do not see who
  asked; the moderators always do.
- A participant votes once for an approved question of someone else's, and may take the vote back.
  The count is set from the votes in the transaction that changes them, after the session's row is
  locked (``polka.live.versions``), so clicks at the same moment are each counted once.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forms import has_control_characters
from polka.live import access
from polka.live.models import QUESTION_MAX, LiveQuestion, LiveSession, LiveVote, Status
from polka.live.search import reindex_session
from polka.live.versions import own_change, participant, public_change, queue_change
from polka.moderation import screening
from polka.permissions import Action, can

#: Said to the author of every question a participant sends.
PRE_MODERATED = "Every question is read by a moderator before other participants see it."


def check_written(body: str, limit: int, what: str, field: str = "body") -> str:
    """A question's or an answer's text (``what``): required, at most ``limit`` characters, nothing
    that cannot be stored."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ValidationError(f"Enter your {what}", {field: f"Enter your {what}"})
    if len(text) > limit:
        message = f"A{'n' if what[0] in 'aeiou' else ''} {what} must be {limit:,} characters or fewer (this one has {len(text):,})"
        raise ValidationError(message, {field: message})
    if has_control_characters(text, multiline=True) or "\ufffd" in text:
        message = f"The {what} contains characters that cannot be stored"
        raise ValidationError(message, {field: message})
    return text


def check_question(body: str) -> str:
    return check_written(body, QUESTION_MAX, "question")


def _require_taking_part(session: Session, user: User, live: LiveSession) -> None:
    refusal = access.take_part_refusal(user, live, participant(session, live, user.id))
    if refusal is not None:
        if not can(user, Action.VIEW, live):
            raise NotFound()
        raise Forbidden(refusal)


def ask(
    session: Session, user: User, live: LiveSession, body: str, *, anonymous: bool = False
) -> LiveQuestion:
    """Send a question to ``live``: it waits for a moderator (a moderator's own goes out at once)."""
    moderator = access.may_moderate(user, live)
    if moderator:
        public_change(session, live)
    queue_change(session, live)
    _require_taking_part(session, user, live)
    text = check_question(body)
    if anonymous and not live.anonymous_allowed:
        raise ValidationError(
            "This session does not take anonymous questions", {"anonymous": "Untick this to send it"}
        )
    screened = screening.screen(session, user, live.community, text, held=PRE_MODERATED)
    now = utcnow()
    question = LiveQuestion(
        session_id=live.id,
        author_id=user.id,
        body=text,
        anonymous=anonymous,
        status=Status.APPROVED if moderator else Status.WAITING,
        flagged=", ".join(f"“{word}”" for word in screened.flagged)[:300],
        created_at=now,
        decided_at=now if moderator else None,
        decided_by_id=user.id if moderator else None,
        public_version=live.version if moderator else 0,
    )
    session.add(question)
    session.flush()
    own_change(session, live, user.id)
    if moderator:
        reindex_session(session, live)
    return question


def approved_question(session: Session, live: LiveSession, question_id: int) -> LiveQuestion:
    """The approved question ``question_id`` of ``live`` as committed; ``NotFound`` for any other."""
    question = session.scalar(
        select(LiveQuestion)
        .where(LiveQuestion.id == question_id, LiveQuestion.session_id == live.id)
        .execution_options(populate_existing=True)
    )
    if question is None or question.status is not Status.APPROVED:
        raise NotFound()
    return question


def vote(session: Session, user: User, live: LiveSession, question_id: int, *, up: bool = True) -> int:
    """Vote for an approved question (``up``), or take the vote back; return its count now."""
    version = public_change(session, live)
    _require_taking_part(session, user, live)
    question = approved_question(session, live, question_id)
    if question.author_id == user.id:
        raise Forbidden("You cannot vote for your own question.")
    if up:
        try:
            with session.begin_nested():
                session.add(LiveVote(question_id=question.id, user_id=user.id, created_at=utcnow()))
        except IntegrityError:
            raise Conflict("You have already voted for this question.") from None
    else:
        gone = session.execute(
            delete(LiveVote).where(LiveVote.question_id == question.id, LiveVote.user_id == user.id)
        )
        if not gone.rowcount:  # type: ignore[attr-defined]
            raise Conflict("You had not voted for this question.")
    return recount(session, question, version)


def recount(session: Session, question: LiveQuestion, version: int) -> int:
    """Set a question's vote count from its votes, as changed in public at ``version``; return it."""
    count = select(func.count()).select_from(LiveVote).where(LiveVote.question_id == question.id)
    session.execute(
        update(LiveQuestion)
        .where(LiveQuestion.id == question.id)
        .values(vote_count=count.scalar_subquery(), public_version=version)
        .execution_options(synchronize_session=False)
    )
    session.expire(question, ["vote_count", "public_version"])
    return question.vote_count
