"""Repeating series (recurring events, issue 16): how a series repeats, kept as an RFC 5545 rule
(``RRULE``), and its occurrences.

A series repeats weekly, fortnightly, monthly on a date ("the 14th") or on a weekday ("the second
Tuesday", "the last Friday"), or yearly, until a date or for a number of times. The rule is expanded
on the wall clock of the event's zone and each occurrence then placed in UTC, so a 10:00 meeting is at
10:00 local time on both sides of a clock change. A series may have at most ``MAX_OCCURRENCES``: a
rule that would make more is refused with a message saying so.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import islice

from dateutil.rrule import rrulestr

from polka.errors import ValidationError
from polka.localtime import LocalTime

#: The most occurrences one series may have (four years of a weekly meeting, and then some).
MAX_OCCURRENCES = 500
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}
_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Repeat(enum.StrEnum):
    NEVER = "never"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY_DATE = "monthly_date"  # on the same date each month
    MONTHLY_WEEKDAY = "monthly_weekday"  # on the same weekday of the month: the second Tuesday
    YEARLY = "yearly"


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


def week_of_month(day: date) -> int:
    """Which of its weekday the date is in its month: 1 to 4, or -1 for the last (a fifth Tuesday is
    always the last, and so is a fourth one with no fifth)."""
    if (day + timedelta(days=7)).month != day.month:
        return -1
    return (day.day - 1) // 7 + 1


def describe(repeat: Repeat, first: date) -> str:
    """How the series repeats, in words: "Monthly on the second Tuesday"."""
    weekday = _DAY_NAMES[first.weekday()]
    return {
        Repeat.NEVER: "Does not repeat",
        Repeat.WEEKLY: f"Weekly on {weekday}s",
        Repeat.FORTNIGHTLY: f"Every two weeks on {weekday}s",
        Repeat.MONTHLY_DATE: f"Monthly on the {_nth(first.day)}",
        Repeat.MONTHLY_WEEKDAY: f"Monthly on the {_ORDINALS[week_of_month(first)]} {weekday}",
        Repeat.YEARLY: f"Yearly on {first.day} {first:%B}",
    }[repeat]


def _nth(number: int) -> str:
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def rule_for(repeat: Repeat, first: date, *, until: date | None = None, count: int | None = None) -> str:
    """The RRULE of a series repeating as ``repeat`` from ``first``, ending after ``count`` times or on
    ``until`` (inclusive; one of them, or neither for a series with no end). Refused when it would make
    more than ``MAX_OCCURRENCES``, or ends before it starts."""
    if repeat is Repeat.NEVER:
        return ""
    weekday = _WEEKDAYS[first.weekday()]
    parts = {
        Repeat.WEEKLY: ["FREQ=WEEKLY", f"BYDAY={weekday}"],
        Repeat.FORTNIGHTLY: ["FREQ=WEEKLY", "INTERVAL=2", f"BYDAY={weekday}"],
        Repeat.MONTHLY_DATE: ["FREQ=MONTHLY", f"BYMONTHDAY={first.day}"],
        Repeat.MONTHLY_WEEKDAY: ["FREQ=MONTHLY", f"BYDAY={week_of_month(first)}{weekday}"],
        Repeat.YEARLY: ["FREQ=YEARLY", f"BYMONTH={first.month}", f"BYMONTHDAY={first.day}"],
    }[repeat]
    if count is not None and until is not None:
        raise _refused("count", "End the series either after a number of times or on a date, not both")
    if count is not None:
        if count < 1:
            raise _refused("count", "A series happens at least once")
        if count > MAX_OCCURRENCES:
            raise _refused(
                "count",
                f"A series can have at most {MAX_OCCURRENCES} occurrences (this one would have {count:,})",
            )
        parts.append(f"COUNT={count}")
    if until is not None:
        if until < first:
            raise _refused("until", "The series must end on or after its first day")
        parts.append(f"UNTIL={until:%Y%m%d}T235959")
    rule = ";".join(parts)
    if count is None:
        made = sum(
            1 for _ in islice(_wall_clock(rule, datetime.combine(first, time(0))), MAX_OCCURRENCES + 1)
        )
        if until is not None and made > MAX_OCCURRENCES:
            raise _refused(
                "until",
                f"A series can have at most {MAX_OCCURRENCES} occurrences: this one would have more. End it sooner",
            )
    return rule


def _wall_clock(rule: str, first: datetime) -> Iterator[datetime]:
    """The rule's readings of the wall clock, from ``first`` (naive, local), in order."""
    return iter(rrulestr(rule, dtstart=first))


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of an event: its start as the original rule placed it (its identity, also when
    it has been moved), and when it happens."""

    original: datetime  # naive, local: the RECURRENCE-ID
    start: LocalTime
    end: LocalTime


def occurrences(
    rule: str,
    start: LocalTime,
    duration: timedelta,
    window_start: datetime,
    window_end: datetime,
    *,
    all_day: bool = False,
) -> list[Occurrence]:
    """The occurrences of a series (or the one event, with no rule) that start in the UTC window
    [``window_start``, ``window_end``), in order. Each keeps the first one's wall-clock time; one
    falling in a gap of the clock (the clocks going forward) moves forward by the gap, as calendars do.
    A timed occurrence lasts ``duration`` of real time; an all-day one as many whole days."""
    readings = _wall_clock(rule, start.at) if rule else iter([start.at])
    found = []
    for reading in islice(readings, MAX_OCCURRENCES):
        at = LocalTime(reading, start.zone, start.fold if reading == start.at else 0)
        utc = at.utc()
        if utc >= window_end:
            break
        if utc >= window_start:
            end = LocalTime(reading + duration, start.zone) if all_day else _end_of(at, duration)
            found.append(Occurrence(reading, at, end))
    return found


def produces(rule: str, start: LocalTime, reading: datetime) -> bool:
    """Whether the series has an occurrence at the wall-clock ``reading`` (before changing one)."""
    readings = _wall_clock(rule, start.at) if rule else iter([start.at])
    for each in islice(readings, MAX_OCCURRENCES):
        if each >= reading:
            return each == reading
    return False


def _end_of(start: LocalTime, duration: timedelta) -> LocalTime:
    """The end of an occurrence lasting ``duration`` of real time from ``start``."""
    aware = (start.utc() + duration).astimezone(start.aware().tzinfo)
    return LocalTime(aware.replace(tzinfo=None), start.zone, aware.fold)
