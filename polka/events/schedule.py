"""When events happen: the occurrences of events in a window of time, with the changes made to single
occurrences applied (cancelled, moved, held elsewhere), as every calendar page and feed shows them.

An occurrence is named by its original start as the zone's clock shows it (``key``, e.g.
``20270413T1000``): the same name in addresses, RSVPs and the feed's RECURRENCE-ID, whether or not it
was moved since.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from polka.errors import NotFound
from polka.events.models import Event, EventChange
from polka.localtime import LocalTime
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


def duration_of(event: Event) -> timedelta:
    """How long each occurrence lasts: real time for a timed event, whole days for an all-day one."""
    if event.all_day:
        return event.end_at - event.start_at
    return event.end.utc() - event.start.utc()


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event as calendars show it."""

    event: Event
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
    event: Event, original: datetime, start: LocalTime, end: LocalTime, changes: dict[datetime, EventChange]
) -> Occurrence:
    change = changes.get(original)
    if change is None:
        return Occurrence(event, original, start, end, event.is_cancelled, location=event.location)
    return _changed(event, change, start, end)


def _changed(event: Event, change: EventChange, start: LocalTime, end: LocalTime) -> Occurrence:
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


def in_window(events: Iterable[Event], window_start: datetime, window_end: datetime) -> list[Occurrence]:
    """Every occurrence of ``events`` overlapping the UTC window [``window_start``, ``window_end``),
    with its changes applied (one moved into the window is in it, one moved out is not), in order of
    start (then title)."""
    found: list[Occurrence] = []
    for event in events:
        duration = duration_of(event)
        changes = {change.original: change for change in event.changes}
        shown = set()
        for each in occurrences(
            event.rule,
            event.start,
            duration,
            window_start,
            window_end,
            all_day=event.all_day,
            last=event.last_start_at,
        ):
            shown.add(each.original)
            found.append(_applied(event, each.original, each.start, each.end, changes))
        for change in changes.values():  # moved into the window from outside it
            if change.start_at is not None and change.original not in shown:
                moved = _changed(event, change, event.start, event.end)
                found.append(moved)
    return sorted(
        (o for o in found if _overlaps(o, window_start, window_end)),
        key=lambda o: (o.start.utc(), o.event.title.lower(), o.event.id),
    )


def _overlaps(occurrence: Occurrence, window_start: datetime, window_end: datetime) -> bool:
    return occurrence.start.utc() < window_end and occurrence.end.utc() > window_start


def occurrence_of(event: Event, original: datetime) -> Occurrence:
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
    changes = {change.original: change for change in event.changes}
    for each in found:
        if each.original == original:
            return _applied(event, each.original, each.start, each.end, changes)
    raise NotFound()
