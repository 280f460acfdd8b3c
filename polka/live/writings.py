"""The question sessions' writings for the community insights (``polka.content.writings``): approved
questions (an anonymous one counts its author among the writers, never names them) and the panel's
answers to them, in sessions that are not deleted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.content.writings import Writing
from polka.live.kinds import ANSWER_KIND, QUESTION_KIND
from polka.live.models import LiveAnswer, LiveQuestion, LiveSession, Status


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
