"""Meeting packs: each occurrence's agenda, papers and minutes, and the actions from its minutes.

A paper is a reference to an item of another kind (a library document, usually), never a copy: it is
uploaded into the community library through the library's own filer (``polka.content.filing``), into a
folder for that meeting, or an existing one is linked; every reader sees a paper through its kind's
resolver, so a paper they may not see (a higher marking, another community) is not listed to them, and
its status (draft, approved) is the library's. The event's links are recorded as cross-links, so a
document's page says which meetings use it.

Minutes are a paper in the role of minutes, added once the meeting has begun. A past occurrence of an
event whose minutes are taken and that has none is "minutes due" for its organiser. Actions (what, who,
by when) are listed on the event and on the assignee's home page until done.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.content.filing import Filed, Paper, file_paper
from polka.content.kinds import Finder, Shown, kinds, resolve, resolve_all
from polka.crossrefs.services import parse_target, set_links
from polka.db import utcnow
from polka.errors import Conflict, NotFound, ValidationError
from polka.events import access, notices
from polka.events.kinds import EVENT_KIND
from polka.events.models import ACTION_MAX, Event, EventAction, EventPaper, PaperRole
from polka.events.schedule import Occurrence, in_window
from polka.permissions import Action, can, visible_filter
from polka.storage import FileStore
from polka.text import check_line

#: The folder of the library every meeting's papers are filed under, one folder a meeting inside it.
MEETINGS_FOLDER = "Meetings"
#: How far back "minutes due" looks: minutes older than this are not chased any more.
MINUTES_CHASED_FOR = timedelta(days=365)
#: How many meetings waiting for minutes the home page lists.
MINUTES_SHOWN = 5
#: How many documents a look-up by title offers to choose from.
CHOICES = 10


@dataclass(frozen=True)
class PackPaper:
    """One paper of a meeting pack as one reader may see it."""

    id: int
    role: PaperRole
    item: Shown


# --- papers ---------------------------------------------------------------------------------------


def meeting_folder(occurrence: Occurrence) -> tuple[str, str]:
    """Where an occurrence's papers are filed: ``Meetings / PNC user group – 8 December 2026``."""
    day = occurrence.start.at
    return MEETINGS_FOLDER, f"{occurrence.event.title[:70].strip()} – {day.day} {day:%B %Y}"


def _check_paper_role(occurrence: Occurrence, role: PaperRole, now: datetime) -> None:
    if occurrence.cancelled or occurrence.event.is_cancelled:
        raise ValidationError("This meeting is cancelled: it has no papers to add.")
    if role is PaperRole.MINUTES and occurrence.start.utc() > now:
        message = "Minutes can be added once the meeting has begun: add this as the agenda or a paper"
        raise ValidationError(message, {"role": message})


def upload_paper(
    session: Session,
    user: User,
    store: FileStore,
    event: Event,
    occurrence: Occurrence,
    paper: Paper,
    role: PaperRole,
) -> Filed:
    """File ``paper`` into the community library's folder for this meeting and add it to the pack."""
    access.require_edit(user, event)
    _check_paper_role(occurrence, role, utcnow())
    filed = file_paper(session, user, event.community, store, paper, meeting_folder(occurrence))
    _add(session, user, event, occurrence, filed.kind, filed.id, role)
    return filed


def link_paper(
    session: Session, user: User, event: Event, occurrence: Occurrence, target: Shown, role: PaperRole
) -> None:
    """Add an existing item ``user`` may see (a document found by ``find_linkable``) to the pack."""
    access.require_edit(user, event)
    _check_paper_role(occurrence, role, utcnow())
    if resolve(session, user, target.kind, target.id) is None:
        raise NotFound()
    _add(session, user, event, occurrence, target.kind, target.id, role)


def _add(
    session: Session,
    user: User,
    event: Event,
    occurrence: Occurrence,
    kind: str,
    target_id: int,
    role: PaperRole,
) -> None:
    found = session.scalar(
        select(EventPaper).where(
            EventPaper.event_id == event.id,
            EventPaper.original == occurrence.original,
            EventPaper.target_kind == kind,
            EventPaper.target_id == target_id,
        )
    )
    if found is not None:
        found.role = role  # already in the pack: it takes the role now asked for
    else:
        session.add(
            EventPaper(
                event_id=event.id,
                original=occurrence.original,
                target_kind=kind,
                target_id=target_id,
                role=role,
                added_by_id=user.id,
            )
        )
    session.flush()
    _cross_link(session, event)


def remove_paper(session: Session, user: User, event: Event, paper_id: int) -> None:
    """Take a paper out of the pack (the document stays in the library)."""
    access.require_edit(user, event)
    paper = session.get(EventPaper, paper_id)
    if paper is None or paper.event_id != event.id:
        raise NotFound()
    session.delete(paper)
    session.flush()
    _cross_link(session, event)


def _cross_link(session: Session, event: Event) -> None:
    """The event links to every paper of its packs, so each document's page says where it is used."""
    rows = session.execute(
        select(EventPaper.target_kind, EventPaper.target_id).where(EventPaper.event_id == event.id)
    )
    set_links(session, EVENT_KIND, event.id, [(kind, target_id) for kind, target_id in rows])


def papers_of(session: Session, user: User | None, event: Event, original: datetime) -> list[PackPaper]:
    """The pack of one occurrence as ``user`` may see it: agenda first, then papers, then minutes."""
    rows = session.scalars(
        select(EventPaper)
        .where(EventPaper.event_id == event.id, EventPaper.original == original)
        .order_by(EventPaper.added_at, EventPaper.id)
    ).all()
    shown = resolve_all(session, user, ((row.target_kind, row.target_id) for row in rows))
    order = list(PaperRole)
    papers = [
        PackPaper(row.id, row.role, shown[(row.target_kind, row.target_id)])
        for row in rows
        if (row.target_kind, row.target_id) in shown
    ]
    return sorted(papers, key=lambda paper: order.index(paper.role))


def _paper_kinds() -> dict[str, Finder]:
    """The kinds a paper may be, with how to look them up by title: those writers link to by title
    (library documents)."""
    return {kind.name: kind.find for kind in kinds() if kind.find is not None and kind.link_name}


def find_linkable(session: Session, user: User, written: str) -> list[Shown]:
    """What ``written`` names among the items ``user`` may see that can be a paper: ``doc:42`` (or
    ``42``, a document's number) names one; other words look the titles up, best first."""
    written = check_line("target", written, 200, "the document's title or number", required=True)
    number = written.removeprefix("#")
    target = parse_target(f"doc:{number}" if number.isdigit() else written)
    if target is not None:
        found = resolve(session, user, *target) if target[0] in _paper_kinds() else None
        return [found] if found is not None else []
    matches: list[Shown] = []
    for find in _paper_kinds().values():
        matches += find(session, user, written, CHOICES)
    return matches[:CHOICES]


def linkable(session: Session, user: User, chosen: str) -> Shown:
    """The item a choice names (``docs.document:42``), if ``user`` may see it; ``NotFound`` otherwise."""
    kind_name, _, number = chosen.partition(":")
    if kind_name not in _paper_kinds() or not number.isdigit():
        raise NotFound()
    found = resolve(session, user, kind_name, int(number))
    if found is None:
        raise NotFound()
    return found


def minuted(session: Session, event_ids: Collection[int]) -> set[tuple[int, datetime]]:
    """Which occurrences of these events have minutes (event id, original start): one statement."""
    if not event_ids:
        return set()
    rows = session.execute(
        select(EventPaper.event_id, EventPaper.original).where(
            EventPaper.event_id.in_(sorted(event_ids)), EventPaper.role == PaperRole.MINUTES
        )
    )
    return {(event_id, original) for event_id, original in rows}


def minutes_due(session: Session, user: User, now: datetime) -> list[Occurrence]:
    """The meetings ``user`` organises that have ended, whose minutes are taken and not yet added
    (the past year's, most recent first; cancelled ones left out): two statements."""
    since = now - MINUTES_CHASED_FOR
    events = list(
        session.scalars(
            select(Event)
            .options(joinedload(Event.changes), joinedload(Event.community))
            .where(
                Event.organiser_id == user.id,
                Event.minutes_taken.is_(True),
                Event.deleted_at.is_(None),
                Event.cancelled_at.is_(None),
                Event.first_start_utc < now,
                Event.last_end_utc > since,
                visible_filter(user, Event),
            )
        ).unique()
    )
    ended = [o for o in in_window(events, since, now) if not o.cancelled and o.end.utc() <= now]
    have = minuted(session, {o.event.id for o in ended})
    return sorted(
        (o for o in ended if (o.event.id, o.original) not in have), key=lambda o: o.start.utc(), reverse=True
    )


def ended_events(occurrences: Iterable[Occurrence]) -> set[int]:
    """The ids of the events of these occurrences that have begun (only they can have minutes)."""
    now = utcnow()
    return {o.event.id for o in occurrences if o.start.utc() <= now}


# --- actions --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionFields:
    """An action as typed: what, who (``@handle``) and by when (``YYYY-MM-DD``)."""

    what: str
    who: str
    due: str


def _assignee(session: Session, event: Event, written: str) -> User:
    handle = written.strip().lstrip("@").strip().lower()
    if not handle:
        raise ValidationError("Say who will do it", {"who": "Enter the person's @handle"})
    person = session.scalar(select(User).where(User.handle == handle))
    if person is None or not person.is_active_account:
        raise ValidationError(
            f"There is no one called @{handle}", {"who": f"There is no one called @{handle}"}
        )
    if not can(person, Action.VIEW, event):
        message = f"{person.name} cannot see this event: give the action to someone who can"
        raise ValidationError(message, {"who": message})
    return person


def _due(written: str) -> date:
    try:
        due = date.fromisoformat(written.strip())
    except ValueError:
        message = "Enter the date it is due by as a real date, for example 2027-03-31"
        raise ValidationError(message, {"due": message}) from None
    if not 2000 <= due.year <= 2100:
        message = "Enter a date it is due by between the years 2000 and 2100"
        raise ValidationError(message, {"due": message})
    return due


def add_action(
    session: Session, user: User, event: Event, occurrence: Occurrence, fields: ActionFields
) -> EventAction:
    """An action from this meeting, given to someone who may see the event."""
    access.require_edit(user, event)
    what = check_line("what", fields.what, ACTION_MAX, "what is to be done", required=True)
    assignee = _assignee(session, event, fields.who)
    action = EventAction(
        event_id=event.id,
        original=occurrence.original,
        what=what,
        assignee_id=assignee.id,
        assignee=assignee,
        due_on=_due(fields.due),
        created_by_id=user.id,
    )
    session.add(action)
    session.flush()
    notices.tell_action(session, user, event, assignee)
    return action


def _action_of(session: Session, event: Event, action_id: int) -> EventAction:
    action = session.get(EventAction, action_id)
    if action is None or action.event_id != event.id:
        raise NotFound()
    return action


def may_complete(user: User | None, event: Event, action: EventAction) -> bool:
    """Its assignee, or whoever may change the event."""
    return user is not None and (action.assignee_id == user.id or access.may_edit(user, event))


def set_done(session: Session, user: User, event: Event, action_id: int, *, done: bool) -> EventAction:
    """Mark an action done (or not done after all)."""
    action = _action_of(session, event, action_id)
    if not may_complete(user, event, action):
        access.require_edit(user, event)
    if action.is_done == done:
        raise Conflict("That action was already marked done." if done else "That action is not done yet.")
    action.done_at = utcnow() if done else None
    action.done_by_id = user.id if done else None
    session.flush()
    return action


def remove_action(session: Session, user: User, event: Event, action_id: int) -> None:
    access.require_edit(user, event)
    session.delete(_action_of(session, event, action_id))
    session.flush()


def actions_of(session: Session, event: Event, original: datetime) -> list[EventAction]:
    """One meeting's actions, open first, each by its due date (for whoever may see the event)."""
    return list(
        session.scalars(
            select(EventAction)
            .options(joinedload(EventAction.assignee))
            .where(EventAction.event_id == event.id, EventAction.original == original)
            .order_by(EventAction.done_at.is_not(None), EventAction.due_on, EventAction.id)
        )
    )


@dataclass(frozen=True)
class MyAction:
    """An open action of mine, with the meeting it came from."""

    action: EventAction
    event: Event


def my_actions(session: Session, user: User) -> list[MyAction]:
    """``user``'s open actions from meetings they may still see, soonest due first (one statement)."""
    rows = session.execute(
        select(EventAction, Event)
        .join(Event, Event.id == EventAction.event_id)
        .options(joinedload(Event.community))
        .where(
            EventAction.assignee_id == user.id,
            EventAction.done_at.is_(None),
            Event.deleted_at.is_(None),
            visible_filter(user, Event),
        )
        .order_by(EventAction.due_on, EventAction.id)
    ).all()
    return [MyAction(action, event) for action, event in rows]
