"""The panel's side of a session: saying which question is being answered now, answering approved
questions in writing (Markdown), and marking them answered — while the session runs, or after it closes
("we undertook to respond").

An answer is told to the question's author (unless they asked it and no longer may see it) and to the
session's followers, and goes into the session's transcript and search at once.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, NotFound
from polka.live import access
from polka.live.kinds import ANSWER_KIND, QUESTION_KIND, SESSION_KIND
from polka.live.models import ANSWER_MAX, LiveAnswer, LiveQuestion, LiveSession
from polka.live.questions import approved_question, check_written
from polka.live.search import reindex_session
from polka.live.versions import public_change
from polka.markup import check_markdown, render_markdown
from polka.notifications.announce import Notice, addressed, announce
from polka.notifications.reasons import Reason
from polka.permissions import Action, require


def _require_panel(user: User, live: LiveSession) -> None:
    if not access.is_panel(user, live):
        require(user, Action.VIEW, live)
        raise Forbidden("Only the session's panel answers its questions.")


def check_answer(body: str) -> str:
    """An answer's text: as a question's (longer), in Markdown that can be rendered."""
    text = check_written(body, ANSWER_MAX, "answer")
    check_markdown(text, "body")
    return text


def answer(
    session: Session, user: User, live: LiveSession, question_id: int, body: str, *, answered: bool = True
) -> LiveAnswer:
    """Answer an approved question in writing, as a panel member; ``answered`` marks it answered too."""
    version = public_change(session, live)
    _require_panel(user, live)
    question = approved_question(session, live, question_id)
    text = check_answer(body)
    now = utcnow()
    written = LiveAnswer(
        question_id=question.id,
        author_id=user.id,
        body=text,
        html=str(render_markdown(text)),
        created_at=now,
        updated_at=now,
    )
    session.add(written)
    if answered and question.answered_at is None:
        question.answered_at = now
        if live.answering_id == question.id:
            live.answering_id = None
    question.public_version = version
    session.flush()
    reindex_session(session, live)
    record_activity(
        session, user, "answered a question in", live.community, target_kind=SESSION_KIND, target_id=live.id
    )
    _tell_answered(session, user, live, question, written)
    return written


def _tell_answered(
    session: Session, user: User, live: LiveSession, question: LiveQuestion, written: LiveAnswer
) -> None:
    announce(
        session,
        Notice(
            kind=QUESTION_KIND,
            object_id=question.id,
            verb="answered",
            actor=user,
            community=live.community,
            marking=live.marking,
            place=(ANSWER_KIND, written.id),
            to=addressed([question.author_id], Reason.ANSWER),
            followed=((SESSION_KIND, live.id),),
        ),
    )


def edit_answer(session: Session, user: User, live: LiveSession, answer_id: int, body: str) -> LiveAnswer:
    """Change one's own answer."""
    version = public_change(session, live)
    _require_panel(user, live)
    written = session.get(LiveAnswer, answer_id)
    if written is None or written.question.session_id != live.id or not written.question.is_public:
        raise NotFound()
    if written.author_id != user.id:
        raise Forbidden("You can change only your own answers.")
    written.body = check_answer(body)
    written.html = str(render_markdown(written.body))
    written.updated_at = utcnow()
    written.question.public_version = version
    session.flush()
    reindex_session(session, live)
    return written


def set_answering(session: Session, user: User, live: LiveSession, question_id: int | None) -> None:
    """Say which approved question the panel is answering now (None: none), for everyone's page."""
    version = public_change(session, live)
    if not access.may_set_answering(user, live):
        access.require_moderate(user, live)
    before = live.answering_id
    if question_id is None:
        live.answering_id = None
    else:
        question = approved_question(session, live, question_id)
        if access.state(live) is not access.State.OPEN:
            raise Conflict("The session is not live: nothing is being answered now.")
        live.answering_id = question.id
        question.public_version = version
    if before is not None and before != live.answering_id:
        # the question answered until now loses its "Answering now" on every page
        session.execute(
            update(LiveQuestion)
            .where(LiveQuestion.id == before, LiveQuestion.session_id == live.id)
            .values(public_version=version)
            .execution_options(synchronize_session=False)
        )
    session.flush()


def mark_answered(
    session: Session, user: User, live: LiveSession, question_id: int, *, answered: bool
) -> None:
    """Mark an approved question answered (aloud, in the meeting), or not answered after all."""
    version = public_change(session, live)
    _require_panel(user, live)
    question = approved_question(session, live, question_id)
    if (question.answered_at is not None) == answered:
        raise Conflict("It is already marked so.")
    question.answered_at = utcnow() if answered else None
    if answered and live.answering_id == question.id:
        live.answering_id = None
    question.public_version = version
    session.flush()
