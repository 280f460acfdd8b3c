"""Recurring series: each kind of repeat, a 10:00 meeting at 10:00 local time across both UK clock
changes, ends by count or date, and rules that would make too many occurrences refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st

from polka.errors import ValidationError
from polka.localtime import on_the_clock
from polka.recurrence import (
    MAX_OCCURRENCES,
    Repeat,
    describe,
    occurrences,
    produces,
    rule_for,
    week_of_month,
)

HOUR = timedelta(hours=1)
WINDOW = (datetime(2027, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))


def series(repeat, first, at=time(10, 0), **end):
    start = on_the_clock(first, at, "Europe/London", "start_time")
    return rule_for(repeat, first, **end), start


def test_a_weekly_10am_meeting_stays_at_10am_across_both_clock_changes():
    rule, start = series(Repeat.WEEKLY, date(2027, 3, 18), count=35)  # spans 28 March and 31 October
    found = occurrences(rule, start, HOUR, *WINDOW)
    assert len(found) == 35
    assert {each.start.at.time() for each in found} == {time(10, 0)}
    by_day = {each.start.at.date(): each.start.utc() for each in found}
    assert by_day[date(2027, 3, 25)] == datetime(2027, 3, 25, 10, 0, tzinfo=UTC)  # GMT
    assert by_day[date(2027, 4, 1)] == datetime(2027, 4, 1, 9, 0, tzinfo=UTC)  # BST
    assert by_day[date(2027, 10, 28)] == datetime(2027, 10, 28, 9, 0, tzinfo=UTC)  # BST
    assert by_day[date(2027, 11, 4)] == datetime(2027, 11, 4, 10, 0, tzinfo=UTC)  # GMT
    assert all(each.end.utc() - each.start.utc() == HOUR for each in found)


def test_each_kind_of_repeat():
    tuesday = date(2027, 4, 13)  # the second Tuesday of April 2027
    assert rule_for(Repeat.NEVER, tuesday) == ""
    expectations = {
        Repeat.WEEKLY: [date(2027, 4, 13), date(2027, 4, 20), date(2027, 4, 27)],
        Repeat.FORTNIGHTLY: [date(2027, 4, 13), date(2027, 4, 27), date(2027, 5, 11)],
        Repeat.MONTHLY_DATE: [date(2027, 4, 13), date(2027, 5, 13), date(2027, 6, 13)],
        Repeat.MONTHLY_WEEKDAY: [date(2027, 4, 13), date(2027, 5, 11), date(2027, 6, 8)],
        Repeat.YEARLY: [date(2027, 4, 13), date(2028, 4, 13), date(2029, 4, 13)],
    }
    for repeat, days in expectations.items():
        rule, start = series(repeat, tuesday, count=3)
        found = occurrences(rule, start, HOUR, WINDOW[0], datetime(2030, 1, 1, tzinfo=UTC))
        assert [each.start.at.date() for each in found] == days, repeat
    assert describe(Repeat.MONTHLY_WEEKDAY, tuesday) == "Monthly on the second Tuesday"
    assert describe(Repeat.FORTNIGHTLY, tuesday) == "Every two weeks on Tuesdays"


def test_the_last_weekday_of_a_month_repeats_as_the_last():
    last_friday = date(2027, 4, 30)
    assert week_of_month(last_friday) == -1
    rule, start = series(Repeat.MONTHLY_WEEKDAY, last_friday, count=3)
    found = occurrences(rule, start, HOUR, *WINDOW)
    assert [each.start.at.date() for each in found] == [
        date(2027, 4, 30),
        date(2027, 5, 28),
        date(2027, 6, 25),
    ]
    assert describe(Repeat.MONTHLY_WEEKDAY, last_friday) == "Monthly on the last Friday"


def test_a_series_ends_on_its_until_date_inclusive():
    rule, start = series(Repeat.WEEKLY, date(2027, 4, 1), until=date(2027, 4, 15))
    assert [each.start.at.day for each in occurrences(rule, start, HOUR, *WINDOW)] == [1, 8, 15]


def test_a_window_shows_only_its_occurrences():
    rule, start = series(Repeat.WEEKLY, date(2027, 4, 1))  # no end
    found = occurrences(rule, start, HOUR, datetime(2027, 5, 1, tzinfo=UTC), datetime(2027, 6, 1, tzinfo=UTC))
    assert [each.start.at.day for each in found] == [6, 13, 20, 27]


@pytest.mark.parametrize(
    ("end", "field", "message"),
    [
        ({"count": 100_000}, "count", "at most 500 occurrences \\(this one would have 100,000\\)"),
        ({"count": 0}, "count", "at least once"),
        ({"until": date(2100, 1, 1)}, "until", "at most 500 occurrences"),
        ({"until": date(2027, 3, 1)}, "until", "on or after its first day"),
        ({"until": date(2027, 5, 1), "count": 3}, "count", "not both"),
    ],
)
def test_rules_that_make_too_many_or_make_no_sense_are_refused(end, field, message):
    with pytest.raises(ValidationError, match=message) as refused:
        rule_for(Repeat.WEEKLY, date(2027, 4, 1), **end)
    assert field in refused.value.field_errors


def test_a_weekly_series_of_the_most_occurrences_is_allowed():
    rule, start = series(Repeat.WEEKLY, date(2027, 4, 1), count=MAX_OCCURRENCES)
    assert len(occurrences(rule, start, HOUR, WINDOW[0], datetime(2040, 1, 1, tzinfo=UTC))) == MAX_OCCURRENCES


def test_an_occurrence_in_the_spring_gap_moves_forward_by_the_gap():
    rule, start = series(Repeat.WEEKLY, date(2027, 3, 21), at=time(1, 30), count=2)
    second = occurrences(rule, start, HOUR, *WINDOW)[1]
    assert second.start.utc() == datetime(
        2027, 3, 28, 1, 30, tzinfo=UTC
    )  # 02:30 BST, the clock's next reading


def test_a_date_the_rule_never_produces_is_known():
    rule, start = series(Repeat.WEEKLY, date(2027, 4, 1), count=5)
    assert produces(rule, start, datetime(2027, 4, 8, 10, 0))
    assert not produces(rule, start, datetime(2027, 4, 9, 10, 0))
    assert not produces(rule, start, datetime(2027, 4, 8, 11, 0))
    assert not produces(rule, start, datetime(2028, 4, 8, 10, 0))


@settings(max_examples=150, deadline=None)
@given(
    repeat=st.sampled_from([r for r in Repeat if r is not Repeat.NEVER]),
    first=st.dates(date(2025, 1, 1), date(2028, 12, 31)),
    count=st.integers(1, MAX_OCCURRENCES),
    window_from=st.dates(date(2025, 1, 1), date(2040, 12, 31)),
    days=st.integers(1, 400),
)
def test_a_window_far_into_a_series_holds_what_walking_it_from_the_start_finds(
    repeat, first, count, window_from, days
):
    """The expansion starts near the window, not at the first occurrence: it must find exactly what a
    walk of every reading from the start finds (dateutil's own, the reference)."""
    rule, start = series(repeat, first, count=count)
    window = (
        datetime.combine(window_from, time(0), tzinfo=UTC),
        datetime.combine(window_from + timedelta(days=days), time(0), tzinfo=UTC),
    )
    walked = [
        reading
        for reading in rrulestr(rule, dtstart=start.at)
        if on_the_clock(reading.date(), reading.time(), "Europe/London", "x").utc() < window[1]
        and on_the_clock(reading.date(), reading.time(), "Europe/London", "x").utc() + HOUR > window[0]
    ]
    assert [each.original for each in occurrences(rule, start, HOUR, *window)] == walked
