"""Events as calendars read them: plain rows of the columns that calendars and agendas show
(``schedule.Scheduled``), and feeds (``ics.Exported``), not ORM objects. A calendar of 2,000 series
spent more time building and tracking ``Event`` objects, and loading their relationships in batches of
500, than expanding them.

Two statements, whatever the number of events: the events with their community's address and name,
then the changed occurrences of the same events (a subquery repeats the events' conditions, so no list
of ids is sent back). A calendar's rows are values: the same row read again is the same object
(remembered per process), so what is worked out from it (``reads``) can be remembered too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from polka.communities.models import Community
from polka.events.models import Event, EventChange
from polka.localtime import LocalTime
from polka.markings import Marking


@dataclass(frozen=True, slots=True)
class CommunityName:
    """The community an event belongs to, as calendars link to it and name it."""

    id: int
    slug: str
    name: str


@dataclass(frozen=True, slots=True)
class CalendarChange:
    """One changed occurrence of a series (the columns of its ``EventChange``)."""

    original: datetime
    cancelled: bool
    start_at: datetime | None
    start_fold: int
    end_at: datetime | None
    end_fold: int
    location: str | None
    change_note: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """An event or a series as calendars read it (columns of its ``Event``), its changed occurrences
    in order."""

    id: int
    community: CommunityName
    title: str
    location: str
    online_link: str
    marking: Marking
    zone: str
    all_day: bool
    start_at: datetime
    start_fold: int
    end_at: datetime
    end_fold: int
    rule: str
    last_start_at: datetime
    is_cancelled: bool
    changes: tuple[CalendarChange, ...] = field(default=(), kw_only=True)
    #: worked out once from the columns above
    start: LocalTime = field(init=False, compare=False, repr=False)
    end: LocalTime = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", LocalTime(self.start_at, self.zone, self.start_fold))
        object.__setattr__(self, "end", LocalTime(self.end_at, self.zone, self.end_fold))

    @property
    def community_id(self) -> int:
        return self.community.id

    @property
    def repeats(self) -> bool:
        return bool(self.rule)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedEvent(CalendarEvent):
    """An event or a series as a feed writes it: a calendar's row and what a calendar file says
    besides."""

    description: str
    repeat_until: date | None
    sequence: int
    updated_at: datetime
    cancel_reason: str


#: An alias: the permission policy's subqueries name ``Community`` too, and must not be correlated with
#: the community joined here for its address.
_HOME = aliased(Community, name="home")
_CALENDAR_COLUMNS = (
    Event.id,
    Event.community_id,
    _HOME.slug,
    _HOME.name,
    Event.title,
    Event.location,
    Event.online_link,
    Event.marking,
    Event.zone,
    Event.all_day,
    Event.start_at,
    Event.start_fold,
    Event.end_at,
    Event.end_fold,
    Event.rule,
    Event.last_start_at,
    Event.cancelled_at.is_not(None),
)
_EXPORTED_COLUMNS = (
    *_CALENDAR_COLUMNS,
    Event.description,
    Event.repeat_until,
    Event.sequence,
    Event.updated_at,
    Event.cancel_reason,
)
_CHANGE_COLUMNS = (
    EventChange.event_id,
    EventChange.original,
    EventChange.cancelled,
    EventChange.start_at,
    EventChange.start_fold,
    EventChange.end_at,
    EventChange.end_fold,
    EventChange.location,
    EventChange.change_note,
    EventChange.changed_at,
)
#: How many calendar rows are remembered: every series of a large site, several times over.
_REMEMBERED_ROWS = 20_000


def calendar_events(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[CalendarEvent]:
    """The events meeting ``conditions`` (on ``Event``'s columns), in order of their first start, as
    calendars read them: two statements."""
    rows, changes = _read(session, _CALENDAR_COLUMNS, conditions)
    return [_calendar_event(tuple(row), tuple(changes.get(row[0], ()))) for row in rows]


def exported_events(session: Session, conditions: Sequence[ColumnElement[bool]]) -> list[ExportedEvent]:
    """The events meeting ``conditions``, in order of their first start, as feeds write them: two
    statements."""
    rows, changes = _read(session, _EXPORTED_COLUMNS, conditions)
    communities: dict[int, CommunityName] = {}
    found = []
    for row in rows:
        calendar = row[: len(_CALENDAR_COLUMNS)]
        description, repeat_until, sequence, updated_at, cancel_reason = row[len(_CALENDAR_COLUMNS) :]
        community = communities.get(calendar[1])
        if community is None:
            community = communities[calendar[1]] = CommunityName(*calendar[1:4])
        found.append(
            ExportedEvent(
                calendar[0],
                community,
                *calendar[4:],
                changes=tuple(changes.get(calendar[0], ())),
                description=description,
                repeat_until=repeat_until,
                sequence=sequence,
                updated_at=updated_at,
                cancel_reason=cancel_reason,
            )
        )
    return found


def _read(
    session: Session, columns: Sequence[Any], conditions: Sequence[ColumnElement[bool]]
) -> tuple[Sequence[Any], dict[int, list[CalendarChange]]]:
    chosen = select(*columns).join(_HOME, _HOME.id == Event.community_id).where(*conditions)
    rows = session.execute(chosen.order_by(Event.first_start_utc, Event.id)).all()
    changes: dict[int, list[CalendarChange]] = {}
    if rows:
        events = select(Event.id).where(*conditions)
        changed = select(*_CHANGE_COLUMNS).where(EventChange.event_id.in_(events))
        for event_id, *values in session.execute(
            changed.order_by(EventChange.event_id, EventChange.original)
        ):
            changes.setdefault(event_id, []).append(CalendarChange(*values))
    return rows, changes


@lru_cache(maxsize=_REMEMBERED_ROWS)
def _calendar_event(row: tuple[Any, ...], changes: tuple[CalendarChange, ...]) -> CalendarEvent:
    """A calendar's row, made once for each value it has (a pure function of the columns read)."""
    event_id, community_id, slug, name, *values = row
    return CalendarEvent(event_id, CommunityName(community_id, slug, name), *values, changes=changes)
