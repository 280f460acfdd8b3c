"""When events happen: the occurrences of events in a window of time, with the changes made to single
occurrences applied (cancelled, moved, held elsewhere), as every calendar page and feed shows them.

An occurrence is named by its original start as the zone's clock shows it (``key``, e.g.
``20270413T1000``): the same name in addresses, RSVPs and the feed's RECURRENCE-ID, whether or not it
was moved since.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from polka.errors import NotFound
from polka.localtime import LocalTime
from polka.markings import Marking
from polka.recurrence import occurrences

_KEY_FORMAT = "%Y%m%dT%H%M"


def key_of(original: datetime) -> str:
    """An occurrence's name in addresses: its original start on the clock, ``20270413T1000``."""
    return original.strftime(_KEY_FORMAT)


def parse_key(key: str) -> datetime:
    """The original start named by ``key``; ``NotFound`` for anything else (it comes from an address)."""
    try:
        parsed = datetime.strptime(key, _KEY_FORMAT)
    except ValueError:
        raise NotFound() from None
    if key_of(parsed) != key:
        raise NotFound()
    return parsed


class ScheduledChange(Protocol):
    """What calendars read of one changed occurrence: an ``EventChange``, or a calendar's row of one."""

    @property
    def original(self) -> datetime: ...
    @property
    def cancelled(self) -> bool: ...
    @property
    def start_at(self) -> datetime | None: ...
    @property
    def start_fold(self) -> int: ...
    @property
    def end_at(self) -> datetime | None: ...
    @property
    def end_fold(self) -> int: ...
    @property
    def location(self) -> str | None: ...
    @property
    def change_note(self) -> str: ...
    @property
    def changed_at(self) -> datetime: ...


class Named(Protocol):
    """What calendars read of an event's community: its address and its name."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...


class Scheduled(Protocol):
    """What calendars and agendas read of an event: an ``Event``, or a calendar's row of one
    (``polka.events.rows``), read without building ORM objects."""

    @property
    def id(self) -> int: ...
    @property
    def community_id(self) -> int: ...
    @property
    def community(self) -> Named: ...
    @property
    def title(self) -> str: ...
    @property
    def location(self) -> str: ...
    @property
    def online_link(self) -> str: ...
    @property
    def marking(self) -> Marking: ...
    @property
    def zone(self) -> str: ...
    @property
    def all_day(self) -> bool: ...
    @property
    def start_at(self) -> datetime: ...
    @property
    def end_at(self) -> datetime: ...
    @property
    def start(self) -> LocalTime: ...
    @property
    def end(self) -> LocalTime: ...
    @property
    def rule(self) -> str: ...
    @property
    def repeats(self) -> bool: ...
    @property
    def last_start_at(self) -> datetime: ...
    @property
    def is_cancelled(self) -> bool: ...
    @property
    def changes(self) -> Sequence[ScheduledChange]: ...


def duration_of(event: Scheduled) -> timedelta:
    """How long each occurrence lasts: real time for a timed event, whole days for an all-day one."""
    if event.all_day:
        return event.end_at - event.start_at
    return event.end.utc() - event.start.utc()


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event as calendars show it."""

    event: Scheduled
    #: its start as the rule placed it (its name: ``key``)
    original: datetime
    start: LocalTime
    end: LocalTime
    cancelled: bool = False
    #: moved from where the rule placed it
    moved: bool = False
    location: str = ""
    #: what changed for this occurrence alone ("Moved to 11:00")
    change_note: str = ""

    @property
    def key(self) -> str:
        return key_of(self.original)

    @property
    def all_day(self) -> bool:
        return self.event.all_day

    @property
    def last_day(self) -> datetime:
        """The last day it takes up, as the clock shows it (an all-day event ends at the next midnight)."""
        if self.all_day:
            return self.end.at - timedelta(days=1)
        return self.end.at - timedelta(microseconds=1)


def _applied(
    event: Scheduled,
    original: datetime,
    start: LocalTime,
    end: LocalTime,
    changes: dict[datetime, ScheduledChange],
) -> Occurrence:
    change = changes.get(original)
    if change is None:
        return Occurrence(event, original, start, end, event.is_cancelled, location=event.location)
    return _changed(event, change, start, end)


def _changed(event: Scheduled, change: ScheduledChange, start: LocalTime, end: LocalTime) -> Occurrence:
    moved = change.start_at is not None and change.end_at is not None
    if change.start_at is not None and change.end_at is not None:
        start = LocalTime(change.start_at, event.zone, change.start_fold)
        end = LocalTime(change.end_at, event.zone, change.end_fold)
    return Occurrence(
        event,
        change.original,
        start,
        end,
        cancelled=event.is_cancelled or change.cancelled,
        moved=moved,
        location=change.location if change.location is not None else event.location,
        change_note=change.change_note,
    )


#: How calendars order occurrences: by start, then title, then event.
OrderKey = tuple[datetime, str, int]


def in_window(events: Iterable[Scheduled], window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """Every occurrence of ``events`` overlapping the UTC window [``window_start``, ``window_end``),
    with its changes applied (one moved into the window is in it, one moved out is not), in order of
    start (then title)."""
    found = [each for event in events for each in keyed_in_window(event, window_start, window_end)]
    found.sort(key=_order_key)
    return [occurrence for _, occurrence in found]


def keyed_in_window(
    event: Scheduled, window_start: datetime, window_end: datetime
) -> list[tuple[OrderKey, Occurrence]]:
    """``in_window`` for one event, each occurrence with the key calendars order it by (so a calendar
    of many series sorts them without working a key out again).

    A calendar runs this for every series it shows, so the work per occurrence is kept small: only a
    moved one is checked against the window again (the rule's own are in it by ``occurrences``)."""
    expanded = occurrences(
        event.rule,
        event.start,
        duration_of(event),
        window_start,
        window_end,
        all_day=event.all_day,
        last=event.last_start_at,
    )
    title, event_id = event.title.lower(), event.id
    if not event.changes:
        cancelled, location = event.is_cancelled, event.location
        return [
            (
                (each.start.utc(), title, event_id),
                Occurrence(event, each.original, each.start, each.end, cancelled, location=location),
            )
            for each in expanded
        ]
    found: list[tuple[OrderKey, Occurrence]] = []
    changes: dict[datetime, ScheduledChange] = {change.original: change for change in event.changes}
    shown = set()
    for each in expanded:
        shown.add(each.original)
        made = _applied(event, each.original, each.start, each.end, changes)
        if not made.moved or _overlaps(made, window_start, window_end):
            found.append(((made.start.utc(), title, event_id), made))
    for change in changes.values():  # moved into the window from outside it
        if change.start_at is not None and change.original not in shown:
            made = _changed(event, change, event.start, event.end)
            if _overlaps(made, window_start, window_end):
                found.append(((made.start.utc(), title, event_id), made))
    return found


def _order_key(item: tuple[OrderKey, Occurrence]) -> OrderKey:
    return item[0]


def _overlaps(occurrence: Occurrence, window_start: datetime, window_end: datetime) -> bool:
    return occurrence.start.utc() < window_end and occurrence.end.utc() > window_start


def occurrence_of(event: Scheduled, original: datetime) -> Occurrence:
    """The occurrence of ``event`` the rule places at ``original`` (its changes applied); ``NotFound``
    when the series has none there."""
    found = occurrences(
        event.rule,
        event.start,
        duration_of(event),
        LocalTime(original, event.zone).utc() - timedelta(days=1),
        LocalTime(original, event.zone).utc() + timedelta(days=1),
        all_day=event.all_day,
        last=event.last_start_at,
    )
    changes: dict[datetime, ScheduledChange] = {change.original: change for change in event.changes}
    for each in found:
        if each.original == original:
            return _applied(event, each.original, each.start, each.end, changes)
    raise NotFound()
