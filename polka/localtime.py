"""Times as people write them: a date and a time on the clock of a place (a time zone, Europe/London
unless said otherwise), checked before anything is stored. Events (issue 16) are the first to use it;
anything else set by the clock (a digest sent at 07:00 UK time) can.

A meeting is kept in local time with its zone, not in UTC: a 10:00 meeting stays at 10:00 on the
clock across the clock changes, whatever UTC instant that is on each day. Times that a clock never
shows (01:30 on the last Sunday of March in London) are refused; times it shows twice (01:30 on the
last Sunday of October) are refused until the writer says which one they mean. Every refusal is a
``ValidationError`` naming the field, for a form to show with what was typed.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from polka.errors import ValidationError

DEFAULT_ZONE = "Europe/London"
#: The years an event may fall in: a typo of a century is refused, not stored.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_DATE = re.compile(r"\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{1,4})\s*|\s*(\d{1,4})-(\d{1,2})-(\d{1,2})\s*")
_TIME = re.compile(r"\s*(\d{1,2})[:.](\d{2})\s*")


class Fold(enum.StrEnum):
    """Which of the two moments a clock shows twice (when the clocks go back) is meant."""

    FIRST = "first"  # the earlier, still on summer time (BST in London)
    SECOND = "second"  # the later, back on standard time (GMT)


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def zone(name: str, field: str = "zone") -> ZoneInfo:
    """The time zone called ``name`` (an IANA name such as Europe/London)."""
    name = (name or "").strip()
    if name not in _zone_names():
        raise _refused(field, f"“{name}” is not a time zone: choose one from the list")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _refused(field, f"“{name}” is not a time zone: choose one from the list") from None


def parse_date(written: str, field: str, label: str) -> date:
    """A date written as 31/03/2027 (or 2027-03-31, as a browser's date box sends it)."""
    found = _DATE.fullmatch(written or "")
    if found is None:
        raise _refused(field, f"Enter {label} as a date, for example 31/03/2027")
    day, month, year = (found[1], found[2], found[3]) if found[1] else (found[6], found[5], found[4])
    if not FIRST_YEAR <= int(year) <= LAST_YEAR:
        raise _refused(
            field, f"{label[0].upper()}{label[1:]} must be in a year from {FIRST_YEAR} to {LAST_YEAR}"
        )
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise _refused(
            field, f"{label[0].upper()}{label[1:]} is not a real date: check the day and the month"
        ) from None


def parse_time(written: str, field: str, label: str) -> time:
    """A time of day on the 24-hour clock, written 14:30 (or 14.30)."""
    found = _TIME.fullmatch(written or "")
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise _refused(field, f"Enter {label} as a time on the 24-hour clock, for example 14:30")
    return time(int(found[1]), int(found[2]))


@dataclass(frozen=True)
class LocalTime:
    """A moment as a clock in ``zone`` shows it (``fold`` 1 for the second of two equal readings)."""

    at: datetime  # naive: the wall-clock reading
    zone: str
    fold: int = 0

    def aware(self) -> datetime:
        return self.at.replace(tzinfo=ZoneInfo(self.zone), fold=self.fold)

    def utc(self) -> datetime:
        return self._utc

    @cached_property
    def _utc(self) -> datetime:
        """Worked out once: a calendar compares and sorts occurrences by it many times."""
        return self.aware().astimezone(UTC)


def on_the_clock(day: date, at: time, zone_name: str, field: str, fold: Fold | None = None) -> LocalTime:
    """``day`` at ``at`` on the clock of ``zone_name``: refused when that clock never shows it, and,
    when it shows it twice, unless ``fold`` says which is meant."""
    tz = zone(zone_name)
    wall = datetime.combine(day, at)
    first, second = wall.replace(tzinfo=tz, fold=0), wall.replace(tzinfo=tz, fold=1)
    if first.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != wall:
        raise _refused(
            field,
            f"{at:%H:%M} on {day:%d/%m/%Y} does not happen in {zone_name}: the clocks go forward then. "
            "Choose a time an hour later or earlier",
        )
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise _refused(
                field,
                f"{at:%H:%M} on {day:%d/%m/%Y} happens twice in {zone_name}, as the clocks go back: "
                "say whether you mean the first or the second",
            )
        return LocalTime(wall, zone_name, 1 if fold is Fold.SECOND else 0)
    return LocalTime(wall, zone_name)


@dataclass(frozen=True)
class When:
    """When an event happens: from ``start`` to ``end`` (local, in one zone), or over whole days."""

    start: LocalTime
    end: LocalTime
    all_day: bool = False

    @property
    def duration(self) -> timedelta:
        return self.end.utc() - self.start.utc() if not self.all_day else self.end.at - self.start.at


def timed(
    start_day: str,
    start_time: str,
    end_day: str,
    end_time: str,
    zone_name: str = DEFAULT_ZONE,
    *,
    start_fold: Fold | None = None,
    end_fold: Fold | None = None,
) -> When:
    """An event at set times: the end must come after the start (an end date left empty is the start's)."""
    first_day = parse_date(start_day, "start_date", "the start date")
    last_day = parse_date(end_day, "end_date", "the end date") if (end_day or "").strip() else first_day
    start = on_the_clock(
        first_day, parse_time(start_time, "start_time", "the start time"), zone_name, "start_time", start_fold
    )
    end = on_the_clock(
        last_day, parse_time(end_time, "end_time", "the end time"), zone_name, "end_time", end_fold
    )
    if end.utc() <= start.utc():
        raise _refused("end_time", "The end must be after the start")
    return When(start, end)


def all_day(start_day: str, end_day: str, zone_name: str = DEFAULT_ZONE) -> When:
    """An event over whole days, from the first to the last (inclusive; one day when the last is empty)."""
    zone(zone_name)
    first = parse_date(start_day, "start_date", "the start date")
    last = parse_date(end_day, "end_date", "the end date") if (end_day or "").strip() else first
    if last < first:
        raise _refused("end_date", "The last day must be on or after the first")
    midnight = time(0, 0)
    return When(
        LocalTime(datetime.combine(first, midnight), zone_name),
        LocalTime(datetime.combine(last + timedelta(days=1), midnight), zone_name),
        all_day=True,
    )
