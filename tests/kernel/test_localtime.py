"""Times as people write them (an event's): every bad date refused with a clear message naming its field, the
clock changes handled (a time that never happens refused, one that happens twice asked about)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from polka.errors import ValidationError
from polka.localtime import Fold, all_day, on_the_clock, parse_date, parse_time, timed, zone


@pytest.mark.parametrize(
    ("written", "expected"),
    [("31/03/2027", date(2027, 3, 31)), ("1/4/2027", date(2027, 4, 1)), ("2027-04-01", date(2027, 4, 1))],
)
def test_dates_are_read_as_written_in_the_uk_or_by_a_date_box(written, expected):
    assert parse_date(written, "start_date", "the start date") == expected


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("30/02/2027", "is not a real date"),
        ("31/04/2027", "is not a real date"),
        ("29/02/2027", "is not a real date"),
        ("01/01/0", "in a year from 2000 to 2100"),
        ("01/01/9999", "in a year from 2000 to 2100"),
        ("next week", "for example 31/03/2027"),
        ("", "for example 31/03/2027"),
    ],
)
def test_bad_dates_are_refused_with_the_field_named(written, message):
    with pytest.raises(ValidationError, match=message) as refused:
        parse_date(written, "start_date", "the start date")
    assert "start_date" in refused.value.field_errors


@pytest.mark.parametrize("written", ["24:00", "10:60", "ten", "", "9"])
def test_bad_times_are_refused(written):
    with pytest.raises(ValidationError, match="24-hour clock"):
        parse_time(written, "start_time", "the start time")


def test_a_time_the_clocks_skip_is_refused():
    with pytest.raises(ValidationError, match="does not happen in Europe/London: the clocks go forward"):
        on_the_clock(date(2027, 3, 28), time(1, 30), "Europe/London", "start_time")


def test_a_time_the_clocks_show_twice_needs_saying_which():
    with pytest.raises(ValidationError, match="happens twice in Europe/London"):
        on_the_clock(date(2027, 10, 31), time(1, 30), "Europe/London", "start_time")
    first = on_the_clock(date(2027, 10, 31), time(1, 30), "Europe/London", "start_time", Fold.FIRST)
    second = on_the_clock(date(2027, 10, 31), time(1, 30), "Europe/London", "start_time", Fold.SECOND)
    assert first.utc() == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 01:30 BST
    assert second.utc() == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 01:30 GMT


def test_an_unknown_zone_is_refused():
    with pytest.raises(ValidationError, match="is not a time zone"):
        zone("Europe/Atlantis")
    with pytest.raises(ValidationError, match="is not a time zone"):
        timed("01/04/2027", "10:00", "", "11:00", "../etc/passwd")


def test_a_meeting_ends_after_it_starts_and_its_times_are_in_its_zone():
    meeting = timed("01/04/2027", "10:00", "", "12:30")
    assert meeting.start.utc() == datetime(2027, 4, 1, 9, 0, tzinfo=UTC)  # BST
    assert meeting.duration.total_seconds() == 2.5 * 3600
    with pytest.raises(ValidationError, match="The end must be after the start") as refused:
        timed("01/04/2027", "10:00", "", "09:00")
    assert "end_time" in refused.value.field_errors
    overnight = timed("01/04/2027", "22:00", "02/04/2027", "02:00", "America/New_York")
    assert overnight.start.utc() == datetime(2027, 4, 2, 2, 0, tzinfo=UTC)


def test_an_all_day_event_covers_whole_days():
    training = all_day("01/04/2027", "03/04/2027")
    assert (training.start.at.date(), training.end.at.date()) == (date(2027, 4, 1), date(2027, 4, 4))
    assert all_day("01/04/2027", "").duration.days == 1
    with pytest.raises(ValidationError, match="on or after the first"):
        all_day("03/04/2027", "01/04/2027")
