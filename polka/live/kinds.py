"""Live sessions' content kinds: how any part of POLKA shows a session, an approved question or an answer
to a user (see polka.content.kinds).

Only what every participant sees is shown by a resolver: an approved question of an undeleted session
the user may see, and the answers to one. A question waiting for a moderator, rejected or merged is for
its author and the moderators on the session's own pages, never in search, activity, feeds,
notifications or another item's links."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Select, bindparam
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.kinds import IDS, Kind, Shown, shown_columns
from polka.live.models import LiveAnswer, LiveQuestion, LiveSession, Status
from polka.permissions import reader_params, visible_to_reader

SESSION_KIND = "live.session"
QUESTION_KIND = "live.question"
ANSWER_KIND = "live.answer"


def session_url(community_slug: str, live_id: int) -> str:
    return url_for("live.session", slug=community_slug, live=live_id)


def question_url(community_slug: str, live_id: int, question_id: int) -> str:
    return url_for("live.session", slug=community_slug, live=live_id, _anchor=f"question-{question_id}")


def resolve_sessions(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The undeleted sessions among ``ids`` that ``user`` may see, as they are now."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_sessions(), {**params, IDS: list(ids)})
    return {
        row.id: Shown.of_row(SESSION_KIND, "Question session", session_url(row.community_slug, row.id), row)
        for row in rows
    }


@cache
def _visible_sessions() -> Select[Any]:
    """Built once for every reader, so a request only binds its values."""
    return shown_columns(LiveSession).where(
        LiveSession.id.in_(bindparam(IDS, expanding=True)),
        LiveSession.deleted_at.is_(None),
        visible_to_reader(LiveSession),
    )


def resolve_questions(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The approved questions among ``ids``, of sessions ``user`` may see, titled by their session."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_questions(), {**params, IDS: list(ids)})
    return {
        row.question_id: Shown(
            kind=QUESTION_KIND,
            id=row.question_id,
            label="Question",
            title=row.title,
            url=question_url(row.community_slug, row.id, row.question_id),
            marking=row.marking,
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.asked_at,
        )
        for row in rows
    }


def _of_visible_sessions() -> Select[Any]:
    return shown_columns(LiveSession).where(LiveSession.deleted_at.is_(None), visible_to_reader(LiveSession))


@cache
def _visible_questions() -> Select[Any]:
    """A session's ``shown_columns`` with each of its approved questions asked about. A question's
    author is not named: it may have been asked anonymously."""
    return (
        _of_visible_sessions()
        .join(LiveQuestion, LiveQuestion.session_id == LiveSession.id)
        .add_columns(LiveQuestion.id.label("question_id"), LiveQuestion.created_at.label("asked_at"))
        .where(LiveQuestion.id.in_(bindparam(IDS, expanding=True)), LiveQuestion.status == Status.APPROVED)
    )


def resolve_answers(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The answers among ``ids`` to approved questions of sessions ``user`` may see."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_answers(), {**params, IDS: list(ids)})
    return {
        row.answer_id: Shown(
            kind=ANSWER_KIND,
            id=row.answer_id,
            label="Answer",
            title=row.title,
            url=question_url(row.community_slug, row.id, row.question_id),
            marking=row.marking,
            community_id=row.community_id,
            community_name=row.community_name,
            updated_at=row.answered_at,
            author_id=row.author_id,
        )
        for row in rows
    }


@cache
def _visible_answers() -> Select[Any]:
    return (
        _of_visible_sessions()
        .join(LiveQuestion, LiveQuestion.session_id == LiveSession.id)
        .join(LiveAnswer, LiveAnswer.question_id == LiveQuestion.id)
        .add_columns(
            LiveQuestion.id.label("question_id"),
            LiveAnswer.id.label("answer_id"),
            LiveAnswer.updated_at.label("answered_at"),
            LiveAnswer.author_id,
        )
        .where(LiveAnswer.id.in_(bindparam(IDS, expanding=True)), LiveQuestion.status == Status.APPROVED)
    )


SESSION = Kind(
    name=SESSION_KIND, label="Question session", model=LiveSession, resolve=resolve_sessions, link_name="live"
)
QUESTION = Kind(name=QUESTION_KIND, label="Question", model=LiveQuestion, resolve=resolve_questions)
ANSWER = Kind(name=ANSWER_KIND, label="Answer", model=LiveAnswer, resolve=resolve_answers)
