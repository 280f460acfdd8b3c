"""Events' times in words, as pages show them: "Tuesday 13 April 2027, 10:00–12:00 (UK time)"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from polka.events.schedule import Occurrence
from polka.localtime import DEFAULT_ZONE


def zone_label(zone_name: str) -> str:
    return "UK time" if zone_name == DEFAULT_ZONE else f"{zone_name} time"


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def _short_day(moment: datetime) -> str:
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def when(occurrence: Occurrence, zone_name: str | None = None) -> str:
    """When ``occurrence`` happens, on the clock of ``zone_name`` (its own zone's when None)."""
    if occurrence.all_day:
        first, last = occurrence.start.at, occurrence.end.at - timedelta(days=1)
        if first.date() == last.date():
            return f"{_day(first)} (all day)"
        return f"{_short_day(first)} to {_short_day(last)} (all day)"
    shown_zone = zone_name or occurrence.start.zone
    tz = ZoneInfo(shown_zone)
    start = occurrence.start.utc().astimezone(tz)
    end = occurrence.end.utc().astimezone(tz)
    if start.date() == end.date():
        return f"{_day(start)}, {start:%H:%M}–{end:%H:%M} ({zone_label(shown_zone)})"
    return f"{_short_day(start)} {start:%H:%M} to {_short_day(end)} {end:%H:%M} ({zone_label(shown_zone)})"


def time_of_day(occurrence: Occurrence, zone_name: str = DEFAULT_ZONE) -> str:
    """The start on a calendar's day: "10:00", or "All day"."""
    if occurrence.all_day:
        return "All day"
    return f"{occurrence.start.utc().astimezone(ZoneInfo(zone_name)):%H:%M}"


def day_of(occurrence: Occurrence) -> date:
    """The day an occurrence is listed under: its first day on UK clocks (an all-day one's own)."""
    if occurrence.all_day:
        return occurrence.start.at.date()
    return occurrence.start.utc().astimezone(ZoneInfo(DEFAULT_ZONE)).date()


def by_day(occurrences: list[Occurrence]) -> list[tuple[date, list[Occurrence]]]:
    """Occurrences (in order) grouped under their day, for an agenda."""
    days: list[tuple[date, list[Occurrence]]] = []
    for occurrence in occurrences:
        day = day_of(occurrence)
        if days and days[-1][0] == day:
            days[-1][1].append(occurrence)
        else:
            days.append((day, [occurrence]))
    return days
