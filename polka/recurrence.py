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
from calendar import monthrange
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

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
    QUARTERLY = "quarterly"  # every three months on the same weekday: a regional group's meeting
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
        Repeat.QUARTERLY: f"Every three months on the {_ORDINALS[week_of_month(first)]} {weekday}",
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
        Repeat.QUARTERLY: ["FREQ=MONTHLY", "INTERVAL=3", f"BYDAY={week_of_month(first)}{weekday}"],
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


def last_reading(rule: str, first: datetime) -> datetime:
    """The wall-clock reading of a series' last occurrence (every series ends: by its count or date, and
    after ``MAX_OCCURRENCES`` at most), kept with the series so a window is expanded without walking
    from the first one."""
    if not rule:
        return first
    return deque(islice(_wall_clock(rule, first), MAX_OCCURRENCES), maxlen=1)[0]


def occurrences(
    rule: str,
    start: LocalTime,
    duration: timedelta,
    window_start: datetime,
    window_end: datetime,
    *,
    all_day: bool = False,
    last: datetime | None = None,
) -> list[Occurrence]:
    """The occurrences of a series (or the one event, with no rule) that overlap the UTC window
    [``window_start``, ``window_end``), in order. Each keeps the first one's wall-clock time; one
    falling in a gap of the clock (the clocks going forward) moves forward by the gap, as calendars do.
    A timed occurrence lasts ``duration`` of real time; an all-day one as many whole days. ``last`` is
    the series' ``last_reading`` (worked out here when not given).

    A pure function of its arguments, so it is remembered (per process): a month many people look at
    is expanded once, and any change to a series (its rule, times, zone or end) asks anew."""
    return list(_occurrences(rule, start, duration, window_start, window_end, all_day, last))


@lru_cache(maxsize=50_000)
def _occurrences(
    rule: str,
    start: LocalTime,
    duration: timedelta,
    window_start: datetime,
    window_end: datetime,
    all_day: bool,
    last: datetime | None,
) -> tuple[Occurrence, ...]:
    if last is None:
        last = last_reading(rule, start.at)
    # the readings that can be in the window, on the zone's clock: only those are placed in UTC
    from_reading = _local(window_start - duration - _MARGIN, start.zone)
    until_reading = min(last, _local(window_end + _MARGIN, start.zone))
    readings = _readings_from(rule, start.at, from_reading) if rule else iter([start.at])
    found = []
    for reading in islice(readings, MAX_OCCURRENCES):
        if reading > until_reading:
            break
        if reading < from_reading:
            continue
        at = LocalTime(reading, start.zone, start.fold if reading == start.at else 0)
        utc = at.utc()
        if utc >= window_end:
            break
        end = LocalTime(reading + duration, start.zone) if all_day else _end_of(at, duration)
        if end.utc() > window_start:
            found.append(Occurrence(reading, at, end))
    return tuple(found)


#: More than any zone's offset from UTC: how far before a window its readings are looked for.
_MARGIN = timedelta(days=2)


def _local(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)


def _readings_from(rule: str, first: datetime, wanted: datetime) -> Iterator[datetime]:
    """The rule's readings from ``first`` that fall on or after about ``wanted``, in order, without
    walking the ones before: worked out by calendar arithmetic for the repeats ``rule_for`` writes
    (dateutil's walk is the reference the tests hold this to). The end (COUNT, UNTIL) is left to the
    caller's ``last``."""
    parts = _parts(rule)
    frequency, by_day = parts["FREQ"], parts.get("BYDAY", "")
    if frequency == "WEEKLY":
        period = timedelta(days=7 * int(parts.get("INTERVAL", "1")))
        reading = first + period * max(0, (wanted - first) // period)
        while True:
            yield reading
            reading += period
    step = int(parts.get("INTERVAL", "1"))
    months = _months_from(first, wanted, step) if frequency == "MONTHLY" else _years_from(first, wanted)
    for year, month in months:
        if frequency == "MONTHLY" and by_day:
            day = _weekday_of_month(year, month, int(by_day[:-2]), _WEEKDAYS.index(by_day[-2:]))
        else:
            day = int(parts["BYMONTHDAY"])
        if day <= monthrange(year, month)[1]:
            reading = first.replace(year=year, month=month, day=day)
            if reading >= first:
                yield reading


@lru_cache(maxsize=4096)
def _parts(rule: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=TU`` → ``{"FREQ": "WEEKLY", "BYDAY": "TU"}`` (rules repeat: kept once each)."""
    return dict(part.split("=", 1) for part in rule.split(";"))


def _months_from(first: datetime, wanted: datetime, step: int) -> Iterator[tuple[int, int]]:
    """The months of a series repeating every ``step`` months from ``first``'s, from about ``wanted``'s."""
    start = first.year * 12 + first.month - 1
    index = start + max(0, (wanted.year * 12 + wanted.month - 1 - start) // step * step)
    while True:
        yield index // 12, index % 12 + 1
        index += step


def _years_from(first: datetime, wanted: datetime) -> Iterator[tuple[int, int]]:
    year = max(first.year, wanted.year)
    while True:
        yield year, first.month
        year += 1


def _weekday_of_month(year: int, month: int, nth: int, weekday: int) -> int:
    """The day of the month of its ``nth`` ``weekday`` (Monday 0); ``nth`` -1 is the last."""
    first_weekday, days = monthrange(year, month)
    if nth > 0:
        return 1 + (weekday - first_weekday) % 7 + 7 * (nth - 1)
    last_weekday = (first_weekday + days - 1) % 7
    return days - (last_weekday - weekday) % 7


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
