"""What the live pages show, trimmed for the person looking: the community's sessions, one session's
questions and answers, the moderators' queue.

Everyone who may see a session sees its approved questions (with their votes and answers) and which is
being answered now. Each person sees their own questions besides, whatever became of them; the
moderators see the questions waiting, with their authors. An anonymous question's author is named to
the moderators and to themselves only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import NotFound
from polka.live import access
from polka.live.access import State
from polka.live.models import LiveAnswer, LiveParticipant, LiveQuestion, LiveSession, LiveVote, Status
from polka.live.versions import participant
from polka.permissions import visible_filter


@dataclass(frozen=True)
class Listed:
    """A community's sessions, as its sessions page lists them."""

    live_now: list[LiveSession]
    coming: list[LiveSession]
    past: list[LiveSession]


def sessions(session: Session, user: User | None, community: Community) -> Listed:
    """The community's undeleted sessions ``user`` may see: live now, coming (soonest first) and past
    (latest first)."""
    found = list(
        session.scalars(
            select(LiveSession)
            .where(
                LiveSession.community_id == community.id,
                LiveSession.deleted_at.is_(None),
                visible_filter(user, LiveSession),
            )
            .order_by(LiveSession.opens_at, LiveSession.id)
        )
    )
    now = utcnow()
    by_state: dict[State, list[LiveSession]] = {each: [] for each in State}
    for live in found:
        by_state[access.state(live, now)].append(live)
    return Listed(by_state[State.OPEN], by_state[State.SCHEDULED], by_state[State.CLOSED][::-1])


@dataclass
class Shown:
    """One session as one person sees it."""

    live: LiveSession
    state: State
    #: approved questions not yet answered, most votes first
    open_questions: list[LiveQuestion]
    #: approved questions answered, in the order they were answered
    answered: list[LiveQuestion]
    #: the viewer's own questions that others do not see (waiting, turned down, merged), newest first
    mine: list[LiveQuestion]
    #: the approved questions the viewer voted for
    voted: set[int]
    answering: LiveQuestion | None
    participant: LiveParticipant | None
    moderator: bool
    #: the question each of the viewer's merged questions joined, by id
    merged_into: dict[int, LiveQuestion] = field(default_factory=dict)

    @property
    def approved_count(self) -> int:
        return len(self.open_questions) + len(self.answered)


def _approved_or_own(user: User | None) -> ColumnElement[bool]:
    approved = LiveQuestion.status == Status.APPROVED
    return or_(approved, LiveQuestion.author_id == user.id) if user is not None else approved


def _questions(session: Session, live: LiveSession, where: ColumnElement[bool]) -> list[LiveQuestion]:
    return list(
        session.scalars(
            select(LiveQuestion)
            .where(LiveQuestion.session_id == live.id, where)
            .options(
                joinedload(LiveQuestion.author),
                selectinload(LiveQuestion.answers).joinedload(LiveAnswer.author),
            )
            .order_by(LiveQuestion.id)
        ).unique()
    )


def shown(session: Session, user: User | None, live: LiveSession) -> Shown:
    """``live`` as ``user`` (who may see it) sees it."""
    questions = _questions(session, live, _approved_or_own(user))
    approved = [q for q in questions if q.status is Status.APPROVED]
    mine = [q for q in questions if q.status is not Status.APPROVED]
    voted = _voted(session, user, live, [q.id for q in approved])
    by_id = {q.id: q for q in approved}
    return Shown(
        live=live,
        state=access.state(live),
        open_questions=sorted(
            (q for q in approved if q.answered_at is None), key=lambda q: (-q.vote_count, q.created_at, q.id)
        ),
        answered=sorted(
            (q for q in approved if q.answered_at is not None),
            key=lambda q: (q.answered_at or q.created_at, q.id),
        ),
        mine=sorted(mine, key=lambda q: q.id, reverse=True),
        voted=voted,
        answering=by_id.get(live.answering_id or 0),
        participant=participant(session, live, user.id) if user is not None else None,
        moderator=access.may_moderate(user, live),
        merged_into={q.id: by_id[q.merged_into_id] for q in mine if q.merged_into_id in by_id},
    )


def author_shown(question: LiveQuestion, viewer: User | None, moderator: bool) -> str:
    """Who asked ``question``, as ``viewer`` is told: "Anonymous" unless they asked it or moderate."""
    if viewer is not None and question.author_id == viewer.id:
        return "You" + (" (anonymous to other participants)" if question.anonymous else "")
    if question.author is None:
        return "A former member"
    if question.anonymous:
        return f"{question.author.name} (anonymous to participants)" if moderator else "Anonymous"
    return question.author.name


@dataclass(frozen=True)
class Queue:
    """What the session's moderators work through."""

    waiting: list[LiveQuestion]
    #: the approved questions a duplicate may be merged into, most votes first
    approved: list[LiveQuestion]
    barred: list[LiveParticipant]
    #: how many each waiting question's author has had approved and turned down in this session
    record: dict[int, tuple[int, int]]


def queue(session: Session, moderator: User, live: LiveSession) -> Queue:
    """The questions waiting in ``live``, oldest first, and who is barred (for its moderators)."""
    access.require_moderate(moderator, live)
    questions = list(
        session.scalars(
            select(LiveQuestion)
            .where(
                LiveQuestion.session_id == live.id,
                LiveQuestion.status.in_((Status.WAITING, Status.APPROVED, Status.REJECTED)),
            )
            .options(joinedload(LiveQuestion.author))
            .order_by(LiveQuestion.created_at, LiveQuestion.id)
        )
    )
    record: dict[int, tuple[int, int]] = {}
    for question in questions:
        if question.author_id is None:
            continue
        approved, rejected = record.get(question.author_id, (0, 0))
        record[question.author_id] = (
            approved + (question.status is Status.APPROVED),
            rejected + (question.status is Status.REJECTED),
        )
    barred = list(
        session.scalars(
            select(LiveParticipant)
            .where(LiveParticipant.session_id == live.id, LiveParticipant.barred_at.is_not(None))
            .options(joinedload(LiveParticipant.user))
            .order_by(LiveParticipant.barred_at)
        )
    )
    return Queue(
        waiting=[q for q in questions if q.status is Status.WAITING],
        approved=sorted(
            (q for q in questions if q.status is Status.APPROVED), key=lambda q: (-q.vote_count, q.id)
        ),
        barred=barred,
        record=record,
    )


@dataclass(frozen=True)
class Changes:
    """What changed on a session's page since a version, for one viewer: the approved questions that
    changed (in ``shown``), the ones no longer shown, the order of each list now, and the viewer's own
    questions when one of them changed."""

    shown: Shown
    removed: list[int]
    open_order: list[int]
    answered_order: list[int]
    mine_changed: bool


def changes(session: Session, user: User | None, live: LiveSession, since: int, *, mine: bool) -> Changes:
    """The public changes to ``live`` after version ``since`` as ``user`` sees them (with their own
    questions when ``mine``)."""
    where: ColumnElement[bool] = LiveQuestion.public_version > since
    own_where = and_(
        LiveQuestion.author_id == (user.id if user else 0), LiveQuestion.status != Status.APPROVED
    )
    if mine:
        where = or_(where, own_where)
    found = _questions(session, live, where)
    changed = [q for q in found if q.public_version > since]
    own = [q for q in found if mine and user is not None and q.author_id == user.id and not q.is_public]
    approved = [q for q in changed if q.status is Status.APPROVED]
    order = session.execute(
        select(
            LiveQuestion.id, LiveQuestion.vote_count, LiveQuestion.created_at, LiveQuestion.answered_at
        ).where(LiveQuestion.session_id == live.id, LiveQuestion.status == Status.APPROVED)
    ).all()
    open_rows = sorted(
        (row for row in order if row.answered_at is None), key=lambda r: (-r.vote_count, r.created_at, r.id)
    )
    answered_rows = sorted(
        (row for row in order if row.answered_at is not None), key=lambda r: (r.answered_at, r.id)
    )
    answering = next((q for q in approved if q.id == live.answering_id), None)
    if answering is None and live.answering_id is not None:
        answering = session.scalar(
            select(LiveQuestion).where(
                LiveQuestion.id == live.answering_id, LiveQuestion.status == Status.APPROVED
            )
        )
    voted = _voted(session, user, live, [q.id for q in approved])
    everyone = {q.id: q for q in approved}
    return Changes(
        shown=Shown(
            live=live,
            state=access.state(live),
            open_questions=[q for q in approved if q.answered_at is None],
            answered=[q for q in approved if q.answered_at is not None],
            mine=sorted(own, key=lambda q: q.id, reverse=True),
            voted=voted,
            answering=answering,
            participant=None,
            moderator=access.may_moderate(user, live),
            merged_into={q.id: everyone[q.merged_into_id] for q in own if q.merged_into_id in everyone},
        ),
        removed=[q.id for q in changed if q.status is not Status.APPROVED],
        open_order=[row.id for row in open_rows],
        answered_order=[row.id for row in answered_rows],
        mine_changed=mine,
    )


def _voted(session: Session, user: User | None, live: LiveSession, ids: list[int]) -> set[int]:
    """Which of these approved questions of ``live`` the user voted for."""
    if user is None or not ids:
        return set()
    return set(
        session.scalars(
            select(LiveVote.question_id).where(LiveVote.user_id == user.id, LiveVote.question_id.in_(ids))
        )
    )


def question_of(session: Session, live: LiveSession, question_id: int, *states: Status) -> LiveQuestion:
    """Question ``question_id`` of ``live`` in one of ``states``; ``NotFound`` for any other."""
    found = session.get(LiveQuestion, question_id)
    if found is None or found.session_id != live.id or found.status not in states:
        raise NotFound()
    return found


def answer_of(session: Session, live: LiveSession, answer_id: int) -> LiveAnswer:
    """Answer ``answer_id`` to an approved question of ``live``; ``NotFound`` for any other."""
    found = session.get(LiveAnswer, answer_id)
    if found is None or found.question.session_id != live.id or not found.question.is_public:
        raise NotFound()
    return found
