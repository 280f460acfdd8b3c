"""Who is coming: answers (going, maybe, not going, with a note) for each occurrence, places up to the
event's capacity with a waiting list, invitations to an event by invitation only, and the attendance
list the organiser and the managers read (by organisation, and as CSV).

Places are claimed with one conditional update of the occurrence's ``EventPlaces`` row ("one more,
while fewer than the capacity"), so people answering at the same moment never take more places than
there are, on SQLite and PostgreSQL alike: the row's lock puts them in a line. Giving a place back
promotes the first person waiting (first come, first served) in the same transaction, through the same
row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, ValidationError
from polka.events import access
from polka.events.models import NOTE_MAX, Answer, Event, EventAnswer, EventInvitation, EventPlaces
from polka.events.schedule import Occurrence
from polka.permissions import Action, can, is_member
from polka.text import check_line

#: The most people one invitation form names.
MAX_INVITED = 200


def _is_invited(session: Session, user: User, event: Event) -> bool:
    return (
        session.scalar(
            select(EventInvitation.id).where(
                EventInvitation.event_id == event.id, EventInvitation.user_id == user.id
            )
        )
        is not None
    )


def answer_refusal(session: Session, user: User | None, event: Event, occurrence: Occurrence) -> str | None:
    """Why ``user`` may not answer for ``occurrence`` (None: they may)."""
    if user is None or not can(user, Action.VIEW, event) or not is_member(user, event.community):
        return f"Only members of {event.community.name} can say whether they are coming."
    if occurrence.cancelled:
        return "This has been cancelled."
    if occurrence.end.utc() <= utcnow():
        return "This has already taken place."
    if event.invitation_only and not access.may_edit(user, event) and not _is_invited(session, user, event):
        return "This event is by invitation only, and you have not been invited."
    return None


def _places_row(session: Session, event: Event, original: datetime) -> int:
    """The id of the occurrence's places row, made on its first answer (two first answers at once both
    end with the one row)."""
    wanted = select(EventPlaces.id).where(EventPlaces.event_id == event.id, EventPlaces.original == original)
    found = session.scalar(wanted)
    if found is None:
        try:
            with session.begin_nested():
                session.add(EventPlaces(event_id=event.id, original=original, going=0))
        except IntegrityError:
            pass  # made a moment ago by someone answering at the same time
        found = session.scalar(wanted)
    assert found is not None
    return found


def _claim(session: Session, places_id: int, capacity: int | None) -> bool:
    """Take one place if one is free (with no capacity, always)."""
    room = EventPlaces.going < capacity if capacity is not None else true()
    taken = session.execute(
        update(EventPlaces).where(EventPlaces.id == places_id, room).values(going=EventPlaces.going + 1)
    )
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def _give_back(session: Session, places_id: int) -> None:
    session.execute(
        update(EventPlaces)
        .where(EventPlaces.id == places_id, EventPlaces.going > 0)
        .values(going=EventPlaces.going - 1)
    )


def _promote(session: Session, event: Event, original: datetime, places_id: int) -> list[EventAnswer]:
    """Give free places to the people waiting, first come first served (after a place was given back,
    or the capacity raised)."""
    promoted: list[EventAnswer] = []
    while True:
        first = session.scalar(
            select(EventAnswer)
            .where(
                EventAnswer.event_id == event.id,
                EventAnswer.original == original,
                EventAnswer.answer == Answer.GOING,
                EventAnswer.waiting.is_(True),
            )
            .order_by(EventAnswer.answered_at, EventAnswer.id)
            .limit(1)
        )
        if first is None or not _claim(session, places_id, event.capacity):
            return promoted
        first.waiting = False
        session.flush()
        promoted.append(first)


@dataclass(frozen=True)
class Answered:
    answer: EventAnswer
    #: who was given a place this answer gave back
    promoted: list[EventAnswer]


def answer(
    session: Session, user: User, event: Event, occurrence: Occurrence, given: Answer, note: str = ""
) -> Answered:
    """Record ``user``'s answer for ``occurrence``: "going" takes a place or, when all are taken, a
    place in the waiting list; leaving "going" gives the place back to the first person waiting."""
    refusal = answer_refusal(session, user, event, occurrence)
    if refusal is not None:
        raise Forbidden(refusal)
    note = check_line("note", note, NOTE_MAX, "the note")
    original = occurrence.original
    places_id = _places_row(session, event, original)
    mine = session.scalar(
        select(EventAnswer).where(
            EventAnswer.event_id == event.id, EventAnswer.original == original, EventAnswer.user_id == user.id
        )
    )
    had_place = mine is not None and mine.has_place
    now = utcnow()
    if mine is None:
        mine = EventAnswer(
            event_id=event.id, original=original, user_id=user.id, answer=given, note=note, waiting=False
        )
        mine.answered_at = now
        try:
            with session.begin_nested():
                session.add(mine)
        except IntegrityError:
            raise Conflict(
                "You answered a moment ago in another window: reload the page to see it."
            ) from None
    promoted: list[EventAnswer] = []
    if given is Answer.GOING:
        if not had_place and not (mine.answer is Answer.GOING and mine.waiting):
            mine.waiting = not _claim(session, places_id, event.capacity)
            mine.answered_at = now
    else:
        mine.waiting = False
        if had_place:
            _give_back(session, places_id)
            session.flush()
            promoted = _promote(session, event, original, places_id)
        if mine.answer is not given:
            mine.answered_at = now
    mine.answer, mine.note = given, note
    session.flush()
    return Answered(mine, promoted)


def promote_after_change(session: Session, event: Event) -> None:
    """After the capacity was raised (or removed): give the new places to those waiting."""
    for places in session.scalars(select(EventPlaces).where(EventPlaces.event_id == event.id)):
        _promote(session, event, places.original, places.id)


# --- reading who is coming ------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    going: int
    waiting: int
    maybe: int
    not_going: int


def counts(session: Session, event: Event, original: datetime) -> Counts:
    """How many answered each way for one occurrence (what every attendee sees)."""
    rows = session.execute(
        select(EventAnswer.answer, EventAnswer.waiting, func.count())
        .where(EventAnswer.event_id == event.id, EventAnswer.original == original)
        .group_by(EventAnswer.answer, EventAnswer.waiting)
    )
    return _counts({(answer_, waiting): n for answer_, waiting, n in rows})


def counted(found: list[EventAnswer]) -> Counts:
    """``counts`` of the answers in hand (``answers``: a page that lists them counts them too)."""
    by: dict[tuple[Answer, bool], int] = {}
    for each in found:
        by[each.answer, each.waiting] = by.get((each.answer, each.waiting), 0) + 1
    return _counts(by)


def _counts(by: dict[tuple[Answer, bool], int]) -> Counts:
    return Counts(
        going=by.get((Answer.GOING, False), 0),
        waiting=by.get((Answer.GOING, True), 0),
        maybe=by.get((Answer.MAYBE, False), 0),
        not_going=by.get((Answer.NOT_GOING, False), 0),
    )


def my_answer(session: Session, user: User | None, event: Event, original: datetime) -> EventAnswer | None:
    if user is None:
        return None
    return session.scalar(
        select(EventAnswer).where(
            EventAnswer.event_id == event.id, EventAnswer.original == original, EventAnswer.user_id == user.id
        )
    )


def waiting_place(session: Session, mine: EventAnswer) -> int:
    """Where ``mine`` (waiting) stands in the waiting list: 1 is next."""
    ahead = session.scalar(
        select(func.count()).where(
            EventAnswer.event_id == mine.event_id,
            EventAnswer.original == mine.original,
            EventAnswer.answer == Answer.GOING,
            EventAnswer.waiting.is_(True),
            (EventAnswer.answered_at < mine.answered_at)
            | and_(EventAnswer.answered_at == mine.answered_at, EventAnswer.id < mine.id),
        )
    )
    return int(ahead or 0) + 1


def may_see_attendance(user: User | None, event: Event) -> bool:
    """The organiser, the author, the community's moderators and managers see the attendance list."""
    return access.may_edit(user, event) or can(user, Action.MANAGE, event.community)


def may_see_names(user: User | None, event: Event) -> bool:
    """Whether ``user`` sees who is going: with the list, or as an attendee when the organiser allows it."""
    return may_see_attendance(user, event) or (
        event.names_shown and user is not None and is_member(user, event.community)
    )


def answers(session: Session, event: Event, original: datetime) -> list[EventAnswer]:
    """Everyone's answers for one occurrence with each person and organisation: going first, then the
    waiting list in its order, maybe, not going."""
    order = {Answer.GOING: 0, Answer.MAYBE: 2, Answer.NOT_GOING: 3}
    found = list(
        session.scalars(
            select(EventAnswer)
            .options(joinedload(EventAnswer.user))
            .where(EventAnswer.event_id == event.id, EventAnswer.original == original)
            .order_by(EventAnswer.answered_at, EventAnswer.id)
        )
    )
    return sorted(found, key=lambda a: order[a.answer] + (1 if a.waiting else 0))


def by_organisation(found: list[EventAnswer]) -> list[tuple[str, list[EventAnswer]]]:
    """The answers of people with a place, grouped by their organisation (by name)."""
    groups: dict[str, list[EventAnswer]] = {}
    for each in found:
        if each.has_place:
            name = each.user.organisation.name if each.user.organisation is not None else "No organisation"
            groups.setdefault(name, []).append(each)
    return sorted(groups.items())


CSV_HEADER = (
    "Name",
    "Email",
    "Organisation",
    "Answer",
    "Place in the waiting list",
    "Note",
    "Answered (UTC)",
)


def csv_rows(found: list[EventAnswer]) -> list[list[object]]:
    rows: list[list[object]] = [list(CSV_HEADER)]
    waiting = 0
    for each in found:
        waiting += 1 if each.waiting else 0
        rows.append(
            [
                each.user.name,
                each.user.email,
                each.user.organisation.name if each.user.organisation is not None else "",
                "Waiting" if each.waiting else each.answer.label,
                waiting if each.waiting else "",
                each.note,
                f"{each.answered_at:%Y-%m-%d %H:%M}",
            ]
        )
    return rows


# --- invitations ----------------------------------------------------------------------------------


def invite(session: Session, user: User, event: Event, handles: str) -> list[User]:
    """Invite the members named by ``@handle`` (a line or a comma between them) to an event by
    invitation only; each must be a member of its community. Inviting someone again is no change."""
    access.require_edit(user, event)
    wanted = [h.strip().lstrip("@").lower() for h in handles.replace(",", "\n").splitlines() if h.strip()]
    if not wanted:
        raise ValidationError(
            "Name at least one person, as @their-handle",
            {"handles": "Name at least one person, as @their-handle"},
        )
    if len(wanted) > MAX_INVITED:
        message = f"Invite at most {MAX_INVITED} people at once"
        raise ValidationError(message, {"handles": message})
    people = {p.handle: p for p in session.scalars(select(User).where(User.handle.in_(wanted)))}
    strangers = [h for h in wanted if h not in people or not is_member(people[h], event.community)]
    if strangers:
        named = ", ".join(f"@{h}" for h in strangers)
        message = f"Not members of {event.community.name}: {named}. Only members can be invited"
        raise ValidationError(message, {"handles": message})
    already = set(
        session.scalars(select(EventInvitation.user_id).where(EventInvitation.event_id == event.id))
    )
    invited = [p for p in people.values() if p.id not in already]
    for person in invited:
        session.add(EventInvitation(event_id=event.id, user_id=person.id, invited_by_id=user.id))
    session.flush()
    return invited


def uninvite(session: Session, user: User, event: Event, person_id: int) -> None:
    access.require_edit(user, event)
    session.execute(
        delete(EventInvitation).where(
            EventInvitation.event_id == event.id, EventInvitation.user_id == person_id
        )
    )


def invitations(session: Session, event: Event) -> list[EventInvitation]:
    return list(
        session.scalars(
            select(EventInvitation)
            .options(joinedload(EventInvitation.user))
            .where(EventInvitation.event_id == event.id)
            .order_by(EventInvitation.invited_at)
        )
    )
