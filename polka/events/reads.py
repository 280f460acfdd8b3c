"""What the calendars show: the events a user may see in a window of time, for a community (with its
regional sub-communities) or across every community the user belongs to, as an agenda or a month grid.

Every page reads its events with two statements, as plain rows rather than ORM objects
(``polka.events.rows``): the series whose UTC bounds overlap the window, through the permission policy
(``visible_filter``), with their community's address and name, then their changed occurrences; the
series are then expanded in the window (``schedule.in_window``). Calendars show times in UK time.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from polka.accounts.models import User
from polka.communities.models import Community, Membership
from polka.events.models import Event
from polka.events.rows import CalendarEvent, ExportedEvent, calendar_events, exported_events
from polka.events.schedule import Occurrence, OrderKey, in_window, keyed_in_window
from polka.localtime import DEFAULT_ZONE
from polka.permissions import readable_filter, visible_filter

#: The clock calendars are shown on.
UK = ZoneInfo(DEFAULT_ZONE)
#: Occurrences on one page of an agenda.
AGENDA_SIZE = 25
#: How far ahead (and back) an agenda looks for its page, widening until the page is full.
_REACH = (timedelta(days=31), timedelta(days=92), timedelta(days=366))
#: Occurrences a day of the month grid lists before "n more".
DAY_SHOWS = 3


def uk_midnight(day: date) -> datetime:
    """The UTC moment UK clocks show 00:00 on ``day``."""
    return datetime.combine(day, time(0), tzinfo=UK).astimezone(UTC)


def uk_day(moment: datetime) -> date:
    return moment.astimezone(UK).date()


def calendar_communities(session: Session, user: User | None, community: Community) -> list[Community]:
    """``community`` and its sub-communities the user may read: a regional group's events show in its
    parent's calendar."""
    children = session.scalars(
        select(Community)
        .where(Community.parent_id == community.id, readable_filter(user))
        .order_by(Community.name)
    )
    return [community, *children]


def member_communities(session: Session, user: User) -> list[Community]:
    """The communities ``user`` belongs to, whose calendars make up their own."""
    return list(
        session.scalars(
            select(Community)
            .join(Membership, Membership.community_id == Community.id)
            .where(Membership.user_id == user.id, readable_filter(user))
            .order_by(Community.name)
        )
    )


def _window_conditions(
    user: User | None,
    community_ids: Sequence[int],
    window_start: datetime,
    window_end: datetime,
    organised_by: User | None,
) -> list[ColumnElement[bool]]:
    """The live events of ``community_ids`` that ``user`` may see with an occurrence that may fall in
    the UTC window."""
    conditions = [
        Event.community_id.in_(community_ids),
        Event.deleted_at.is_(None),
        Event.last_end_utc > window_start,
        Event.first_start_utc < window_end,
        visible_filter(user, Event),
    ]
    if organised_by is not None:
        conditions.append(Event.organiser_id == organised_by.id)
    return conditions


def events_overlapping(
    session: Session,
    user: User | None,
    community_ids: Sequence[int],
    window_start: datetime,
    window_end: datetime,
    *,
    organised_by: User | None = None,
) -> list[CalendarEvent]:
    """The live events of ``community_ids`` that ``user`` may see with an occurrence that may fall in
    the UTC window, in order of their first start, as calendars read them (two statements: the events,
    and their changed occurrences)."""
    if not community_ids:
        return []
    conditions = _window_conditions(user, community_ids, window_start, window_end, organised_by)
    return calendar_events(session, conditions)


def feed_events(
    session: Session,
    user: User | None,
    community_ids: Sequence[int],
    window_start: datetime,
    window_end: datetime,
) -> list[ExportedEvent]:
    """``events_overlapping``, as a calendar feed writes them (with their descriptions)."""
    if not community_ids:
        return []
    conditions = _window_conditions(user, community_ids, window_start, window_end, None)
    return exported_events(session, conditions)


@dataclass(frozen=True)
class Agenda:
    """One page of an agenda: occurrences from (or, for the past, before) a day, and where the next
    page starts (None: nothing more within a year)."""

    occurrences: list[Occurrence]
    next_day: date | None


def _page(found: list[Occurrence], step: int) -> Agenda:
    """A page of ``found`` (in the page's order) made of whole days: about ``AGENDA_SIZE`` occurrences,
    ending before the day of the first one left out (or after it, when that day alone fills the page),
    and the day the next page starts at."""
    if len(found) <= AGENDA_SIZE:
        return Agenda(found, None)
    cut = uk_day(found[AGENDA_SIZE].start.utc())
    page = [o for o in found[:AGENDA_SIZE] if uk_day(o.start.utc()) != cut]
    if not page:  # one day holds more than a page: show all of it
        page = [o for o in found if uk_day(o.start.utc()) == cut]
        cut += timedelta(days=step)
    return Agenda(page, cut)


def upcoming(
    session: Session,
    user: User | None,
    community_ids: Sequence[int],
    start: datetime,
    *,
    organised_by: User | None = None,
) -> Agenda:
    """Occurrences ending after ``start``, soonest first, one page of them (the next starts on
    ``next_day``)."""
    events = events_overlapping(
        session, user, community_ids, start, start + _REACH[-1], organised_by=organised_by
    )
    found: list[Occurrence] = []
    for reach in _REACH:  # the nearest weeks first: a busy calendar need not expand the whole year
        found = in_window(events, start, start + reach)
        if len(found) > AGENDA_SIZE:
            break
    return _page(found, 1)


def past(
    session: Session,
    user: User | None,
    community_ids: Sequence[int],
    before: datetime,
    *,
    organised_by: User | None = None,
) -> Agenda:
    """Occurrences that began before ``before``, latest first, one page of them (the next holds the
    ones that began before ``next_day`` ends)."""
    events = events_overlapping(
        session, user, community_ids, before - _REACH[-1], before, organised_by=organised_by
    )
    found: list[Occurrence] = []
    for reach in _REACH:
        found = [o for o in in_window(events, before - reach, before) if o.start.utc() < before]
        found.reverse()
        if len(found) > AGENDA_SIZE:
            break
    return _page(found, -1)


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    is_today: bool
    occurrences: list[Occurrence]

    @property
    def shown(self) -> list[Occurrence]:
        return self.occurrences[:DAY_SHOWS]

    @property
    def more(self) -> int:
        return max(0, len(self.occurrences) - DAY_SHOWS)


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: list[list[Day]]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def days_with_events(self) -> list[Day]:
        return [day for week in self.weeks for day in week if day.in_month and day.occurrences]


def days_of(occurrence: Occurrence) -> list[date]:
    """The days (on UK clocks; an all-day event's own days) an occurrence takes up."""
    if occurrence.all_day:
        first, last = occurrence.start.at.date(), occurrence.last_day.date()
    else:
        first = uk_day(occurrence.start.utc())
        last = uk_day(occurrence.end.utc() - timedelta(microseconds=1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


#: How many series' months are remembered (a series in one month is one).
_REMEMBERED_MONTHS = 20_000
Placed = tuple[OrderKey, Occurrence, tuple[date, ...]]


@lru_cache(maxsize=_REMEMBERED_MONTHS)
def _placed(event: CalendarEvent, window_start: datetime, window_end: datetime) -> tuple[Placed, ...]:
    """A series' occurrences in a month grid's window, each with its order and its days: a pure
    function of the series' row and the window, so remembered (per process). A month is read far more
    often than its series change, and everyone looking at it shares its series."""
    return tuple(
        (key, occurrence, tuple(days_of(occurrence)))
        for key, occurrence in keyed_in_window(event, window_start, window_end)
    )


def _placed_key(placed: Placed) -> OrderKey:
    return placed[0]


def month(
    session: Session,
    user: User | None,
    community_ids: Sequence[int],
    year: int,
    month_number: int,
    today: date,
) -> Month:
    """The month grid: whole weeks, Monday first, each day with the occurrences on it."""
    weeks = calendar.Calendar().monthdatescalendar(year, month_number)
    start, end = uk_midnight(weeks[0][0]), uk_midnight(weeks[-1][-1] + timedelta(days=1))
    events = events_overlapping(session, user, community_ids, start, end)
    found = [each for event in events for each in _placed(event, start, end)]
    found.sort(key=_placed_key)
    by_day: dict[date, list[Occurrence]] = {}
    for _, occurrence, days in found:
        for day in days:
            by_day.setdefault(day, []).append(occurrence)
    return Month(
        year,
        month_number,
        [
            [Day(day, day.month == month_number, day == today, by_day.get(day, [])) for day in week]
            for week in weeks
        ],
    )


#: How many coming events a community's home page shows.
NEXT_SHOWN = 3


def next_in(session: Session, user: User, community: Community, now: datetime) -> list[Occurrence]:
    """The next few occurrences of ``community``'s own events that ``user`` may see, cancelled ones
    left out (one statement: a community has few events coming, so their changes are joined in)."""
    query = (
        select(Event)
        .options(joinedload(Event.changes))
        .where(
            Event.community_id == community.id,
            Event.deleted_at.is_(None),
            Event.cancelled_at.is_(None),
            Event.last_end_utc > now,
            Event.first_start_utc < now + _REACH[-1],
            visible_filter(user, Event),
        )
    )
    events = list(session.scalars(query).unique())
    for event in events:
        set_committed_value(event, "community", community)
    for reach in _REACH:
        coming = [o for o in in_window(events, now, now + reach) if not o.cancelled]
        if len(coming) >= NEXT_SHOWN:
            break
    return coming[:NEXT_SHOWN]
