"""iCalendar (RFC 5545) for calendar apps: a community's calendar or a person's, one event or one
occurrence, as the reader may see it at the moment it is asked for.

A series goes out as one VEVENT with its RRULE, on its zone's clock (``DTSTART;TZID=Europe/London``,
with the zone's VTIMEZONE), so subscribed calendars keep a 10:00 meeting at 10:00 across the clock
changes. A cancelled occurrence is an EXDATE; a moved one, or one held elsewhere, a VEVENT of its own
with the series' UID and its RECURRENCE-ID. Every change raises SEQUENCE and a cancelled event says
STATUS:CANCELLED, so calendars update instead of duplicating; UIDs never change.

An OFFICIAL-SENSITIVE event leaves only as "OFFICIAL-SENSITIVE event — see POLKA" with its times and
its address: no title, description or location ever goes into a file a calendar app keeps.

The VEVENTs are written here as text (a year's feed of 2,000 series in well under 200 ms), from an
``Event`` or a feed's row of one (``Exported``); the time zones come from the ``icalendar``
library, and the tests read every file back with it. A description's plain text is remembered (per
process) by its Markdown: rendering it was most of a feed's time, and descriptions seldom change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from urllib.parse import urlsplit

from icalendar import Timezone

from polka.events.schedule import Occurrence, Scheduled, ScheduledChange, duration_of
from polka.localtime import LocalTime
from polka.markings import Marking
from polka.markup import plain_text, render_markdown

SENSITIVE_SUMMARY = "OFFICIAL-SENSITIVE event — see POLKA"
PRODUCT = "-//POLKA//Police Online Knowledge Area//EN"
#: Where an event's page is, for its URL and description: given the event (and an occurrence's key).
Address = Callable[[Scheduled, str | None], str]


class Exported(Scheduled, Protocol):
    """What a calendar file says of an event besides when it happens: an ``Event``, or a feed's row of
    one (``polka.events.rows``)."""

    @property
    def description(self) -> str: ...
    @property
    def repeat_until(self) -> date | None: ...
    @property
    def sequence(self) -> int: ...
    @property
    def updated_at(self) -> datetime: ...
    @property
    def cancel_reason(self) -> str: ...


def _escape(text: str) -> str:
    """TEXT as RFC 5545 has it: backslash, semicolon and comma escaped, line breaks as \\n."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), never inside a character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and (encoded[end] & 0xC0) == 0x80:  # a UTF-8 continuation byte
            end -= 1
        parts.append(encoded[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


def _local(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(moment: datetime | date) -> str:
    return moment.strftime("%Y%m%d")


def uid(event: Scheduled, host: str) -> str:
    return f"event-{event.id}@{host}"


def _when(name: str, event: Scheduled, moment: LocalTime) -> str:
    if event.all_day:
        return f"{name};VALUE=DATE:{_day(moment.at)}"
    return f"{name};TZID={event.zone}:{_local(moment.at)}"


def _exported_rule(event: Exported) -> str:
    """The series' RRULE as calendars take it: an UNTIL in UTC for a timed series (RFC 5545 wants it
    so when DTSTART has a zone), a date for an all-day one."""
    parts = []
    for part in event.rule.split(";"):
        if part.startswith("UNTIL=") and event.repeat_until is not None:
            if event.all_day:
                part = f"UNTIL={_day(event.repeat_until)}"
            else:
                last = LocalTime(datetime.combine(event.repeat_until, time(23, 59, 59)), event.zone)
                part = f"UNTIL={_utc(last.utc())}"
        parts.append(part)
    return ";".join(parts)


def title_of(event: Scheduled) -> str:
    """The event's title as a calendar app may keep it."""
    return SENSITIVE_SUMMARY if Marking(event.marking).sensitive else event.title


def _what(event: Exported, address: str, location: str) -> list[str]:
    """SUMMARY, DESCRIPTION, LOCATION and URL: for a sensitive event, only that there is one."""
    if Marking(event.marking).sensitive:
        return [f"SUMMARY:{_escape(SENSITIVE_SUMMARY)}", f"URL:{address}", "CLASS:CONFIDENTIAL"]
    said = _plain(event.description) if event.description else ""
    if event.online_link:
        said = f"{said}\n\nJoin online: {event.online_link}".strip()
    if event.is_cancelled and event.cancel_reason:
        said = f"Cancelled: {event.cancel_reason}\n\n{said}".strip()
    described = f"{said}\n\n{address}".strip()
    lines = [f"SUMMARY:{_escape(event.title)}", f"DESCRIPTION:{_escape(described)}"]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    return [*lines, f"URL:{address}"]


#: Descriptions longer than this are rendered each time, not remembered (the memory stays small).
_REMEMBERED_CHARS = 4_000


def _plain(description: str) -> str:
    """A description's Markdown as the plain text a calendar app shows."""
    if len(description) > _REMEMBERED_CHARS:
        return plain_text(render_markdown(description))
    return _remembered_plain(description)


@lru_cache(maxsize=4_096)
def _remembered_plain(description: str) -> str:
    return plain_text(render_markdown(description))


def _status(cancelled: bool) -> str:
    return "STATUS:CANCELLED" if cancelled else "STATUS:CONFIRMED"


def _series(event: Exported, host: str, address: Address) -> list[str]:
    """The VEVENT of an event or a series, and one for each of its moved occurrences."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid(event, host)}",
        f"DTSTAMP:{_utc(event.updated_at)}",
        _when("DTSTART", event, event.start),
        _when("DTEND", event, event.end),
        f"SEQUENCE:{event.sequence}",
        _status(event.is_cancelled),
        *_what(event, address(event, None), event.location),
    ]
    if event.rule:
        lines.append(f"RRULE:{_exported_rule(event)}")
        cancelled = [c for c in event.changes if c.cancelled]
        if cancelled:
            values = ",".join(_day(c.original) if event.all_day else _local(c.original) for c in cancelled)
            lines.append(
                f"EXDATE;VALUE=DATE:{values}" if event.all_day else f"EXDATE;TZID={event.zone}:{values}"
            )
    lines.append("END:VEVENT")
    for change in event.changes:
        if not change.cancelled and (change.start_at is not None or change.location is not None):
            lines += _override(event, change, host, address)
    return lines


def _override(event: Exported, change: ScheduledChange, host: str, address: Address) -> list[str]:
    duration = duration_of(event)
    start = (
        LocalTime(change.start_at, event.zone, change.start_fold)
        if change.start_at
        else LocalTime(change.original, event.zone)
    )
    end = (
        LocalTime(change.end_at, event.zone, change.end_fold)
        if change.end_at
        else LocalTime(change.original + duration, event.zone)
    )
    recurrence_id = (
        f"RECURRENCE-ID;VALUE=DATE:{_day(change.original)}"
        if event.all_day
        else f"RECURRENCE-ID;TZID={event.zone}:{_local(change.original)}"
    )
    key = change.original.strftime("%Y%m%dT%H%M")
    return [
        "BEGIN:VEVENT",
        f"UID:{uid(event, host)}",
        recurrence_id,
        f"DTSTAMP:{_utc(change.changed_at)}",
        _when("DTSTART", event, start),
        _when("DTEND", event, end),
        f"SEQUENCE:{event.sequence}",
        _status(event.is_cancelled),
        *_what(
            event, address(event, key), change.location if change.location is not None else event.location
        ),
        "END:VEVENT",
    ]


def _single(event: Exported, occurrence: Occurrence, host: str, address: Address) -> list[str]:
    """One occurrence of ``event`` on its own (a download of "this meeting"): an event of its own, with
    a UID of its own, so it never replaces the series in a calendar that subscribes to it."""
    return [
        "BEGIN:VEVENT",
        f"UID:event-{event.id}-{occurrence.key}@{host}",
        f"DTSTAMP:{_utc(event.updated_at)}",
        _when("DTSTART", event, occurrence.start),
        _when("DTEND", event, occurrence.end),
        f"SEQUENCE:{event.sequence}",
        _status(occurrence.cancelled),
        *_what(event, address(event, occurrence.key), occurrence.location),
        "END:VEVENT",
    ]


@lru_cache(maxsize=64)
def _timezone(zone: str, first_year: int, last_year: int) -> str:
    """The zone's VTIMEZONE covering the years its events fall in."""
    made = Timezone.from_tzid(zone, first_date=date(first_year, 1, 1), last_date=date(last_year + 1, 1, 1))
    text: str = made.to_ical().decode()
    return text.rstrip("\r\n")


def _calendar(name: str, events: Iterable[Exported], bodies: list[str]) -> str:
    zones: dict[str, tuple[int, int]] = {}
    for event in events:
        if not event.all_day:
            first, last = zones.get(event.zone, (event.start_at.year, event.last_start_at.year))
            zones[event.zone] = (min(first, event.start_at.year), max(last, event.last_start_at.year + 1))
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-WR-TIMEZONE:Europe/London",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ]
    parts = [_fold(line) for line in lines]
    parts += [_timezone(zone, first - 1, last) for zone, (first, last) in sorted(zones.items())]
    return "\r\n".join([*parts, *bodies, "END:VCALENDAR\r\n"])


def _joined(lines: list[str]) -> str:
    return "\r\n".join(_fold(line) for line in lines)


def calendar(name: str, events: Sequence[Exported], base_url: str, address: Address) -> str:
    """A calendar of ``events`` (each a one-off or a whole series with its exceptions)."""
    host = urlsplit(base_url).hostname or "polka"
    return _calendar(name, events, [_joined(_series(event, host, address)) for event in events])


def one_occurrence(
    name: str, event: Exported, occurrence: Occurrence, base_url: str, address: Address
) -> str:
    """A calendar of one occurrence of ``event`` (``occurrence_of`` it)."""
    host = urlsplit(base_url).hostname or "polka"
    return _calendar(name, [event], [_joined(_single(event, occurrence, host, address))])


#: How far back a subscribed calendar keeps past events.
FEED_PAST = timedelta(days=92)
