"""Question sessions for the community insights: their writings (``polka.content.writings``) — approved
questions (an anonymous one counts its author among the writers, never names them) and the panel's
answers to them, in sessions that are not deleted — and what was asked (``polka.content.asking``):
approved questions, with when they were first answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.content.asking import Asked, AskedQuery
from polka.content.writings import Writing
from polka.live.kinds import ANSWER_KIND, QUESTION_KIND
from polka.live.models import LiveAnswer, LiveQuestion, LiveSession, Status
from polka.markings import Marking


def live_writings(session: Session, start: datetime, end: datetime) -> Iterator[Writing]:
    for kind, model in ((QUESTION_KIND, LiveQuestion), (ANSWER_KIND, LiveAnswer)):
        written: Any = model
        found = select(
            written.id,
            written.author_id,
            written.created_at.label("written_at"),
            written.body.label("text"),
            LiveSession.community_id,
            LiveSession.marking,
        )
        if model is LiveAnswer:
            found = found.join(LiveQuestion, LiveQuestion.id == LiveAnswer.question_id)
        rows = session.execute(
            found.join(LiveSession, LiveSession.id == LiveQuestion.session_id).where(
                LiveSession.deleted_at.is_(None),
                LiveQuestion.status == Status.APPROVED,
                written.created_at >= start,
                written.created_at < end,
            )
        )
        for row in rows:
            yield Writing.of_row(kind, row)


def live_asked(session: Session, query: AskedQuery) -> Iterator[Asked]:
    """The community's approved questions asked in the period (sessions not deleted), each answered
    when its first written answer was given or when the panel marked it answered, whichever came first."""
    first_answer = (
        select(func.min(LiveAnswer.created_at))
        .where(LiveAnswer.question_id == LiveQuestion.id)
        .correlate(LiveQuestion)
        .scalar_subquery()
    )
    found = (
        select(
            LiveQuestion.id,
            LiveQuestion.created_at,
            LiveQuestion.answered_at,
            LiveSession.marking,
            first_answer.label("first"),
        )
        .join(LiveSession, LiveSession.id == LiveQuestion.session_id)
        .where(
            LiveSession.community_id == query.community_id,
            LiveSession.deleted_at.is_(None),
            LiveQuestion.status == Status.APPROVED,
            LiveQuestion.created_at >= query.start,
            LiveQuestion.created_at < query.end,
        )
    )
    if query.unanswered:
        found = found.where(LiveQuestion.answered_at.is_(None), first_answer.is_(None))
    for row in session.execute(found):
        answered = [at for at in (row.answered_at, row.first) if at is not None]
        first = min(answered) if answered else None
        yield Asked(QUESTION_KIND, row.id, row.created_at, first, True, Marking(row.marking).sensitive)
