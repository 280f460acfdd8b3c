"""Calendars and feeds read events as plain rows (``polka.events.rows``), not ORM objects, and a month
grid remembers each series' placing: what they show must be what the events themselves give, and a
month read again must show what changed since."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from polka.events import ics, reads
from polka.events.models import Event
from polka.events.schedule import Occurrence, Scheduled, in_window
from polka.markings import Marking
from polka.recurrence import Repeat
from tests.support import text

WINDOW = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 7, 1, tzinfo=UTC))


@pytest.fixture
def calendar(web, login, make, events):
    """A member's calendar holding what a calendar can hold: a weekly series with one occurrence
    cancelled, one moved and held elsewhere, one held elsewhere and one moved out of its month; a
    series ending on a date; a cancelled event with a reason; all-day days; a meeting on Paris's clock;
    an OFFICIAL-SENSITIVE one; Markdown and an online link in descriptions."""
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    region = make.community("PNC North West")
    member = make.member(community)
    make.member(region, member)
    series = events.event(
        community,
        member,
        "User group",
        start_date="2027-04-01",
        repeat=Repeat.WEEKLY,
        count=10,
        location="Room 1",
        description="**Agenda**: the *new* release, then questions.\n\n[Notes](https://example.org/notes)",
        online_link="https://meet.example.org/pnc",
    )
    events.event(
        region,
        member,
        "Regional forum",
        start_date="2027-03-10",
        repeat=Repeat.MONTHLY_WEEKDAY,
        repeat_end="until",
        repeat_until="2027-09-30",
    )
    dropped = events.event(community, member, "Awayday", start_date="2027-05-20")
    events.event(
        community,
        member,
        "Training days",
        start_date="2027-05-10",
        end_date="2027-05-12",
        all_day=True,
        start_time="",
        end_time="",
    )
    events.event(community, member, "Europol liaison", start_date="2027-05-11", zone="Europe/Paris")
    events.event(
        community,
        member,
        "Operation Nightjar",
        start_date="2027-04-20",
        marking=Marking.OFFICIAL_SENSITIVE,
        description="Suspect address: 12 Acacia Avenue",
    )
    login(member)
    base = f"/c/{community.slug}/events/{series.id}"
    web.post(f"{base}/20270408T1000/cancel", data={"reason": "Bank holiday"})
    for key, day, start, end, location in (
        ("20270415T1000", "2027-04-16", "14:00", "16:00", "Room 2"),
        ("20270422T1000", "2027-04-22", "10:00", "12:00", "Room 3"),
        ("20270429T1000", "2027-07-20", "10:00", "12:00", ""),
    ):
        form = {
            "start_date": day,
            "start_time": start,
            "end_date": day,
            "end_time": end,
            "location": location,
        }
        assert web.post(f"{base}/{key}/edit", data=form).status_code == 302
    web.post(f"/c/{community.slug}/events/{dropped.id}/cancel", data={"reason": "Budget"})
    return member, [community.id, region.id]


def _seen(occurrences: list[Occurrence]) -> list[tuple[object, ...]]:
    return [
        (
            o.event.id,
            o.event.title,
            o.original,
            o.start,
            o.end,
            o.cancelled,
            o.moved,
            o.location,
            o.change_note,
        )
        for o in occurrences
    ]


def _as_events(session, rows: list[Scheduled]) -> list[Event]:
    """The same events as ORM objects, in the rows' order (first start, then id)."""
    found = session.scalars(select(Event).where(Event.id.in_([row.id for row in rows])))
    return sorted(found, key=lambda e: (e.first_start_utc, e.id))


def test_calendar_rows_expand_to_the_occurrences_the_events_give(calendar, session):
    member, community_ids = calendar
    rows = reads.events_overlapping(session, session.merge(member), community_ids, *WINDOW)
    assert len(rows) == 6
    expected = _seen(in_window(_as_events(session, rows), *WINDOW))
    assert _seen(in_window(rows, *WINDOW)) == expected
    assert any(moved for *_, moved, _, _ in expected), "the window holds a moved occurrence"


def test_a_month_grid_from_rows_places_what_the_events_place(calendar, session):
    member, community_ids = calendar
    month = reads.month(session, session.merge(member), community_ids, 2027, 5, WINDOW[0].date())
    start, end = reads.uk_midnight(month.weeks[0][0].day), reads.uk_midnight(month.weeks[-1][-1].day)
    rows = reads.events_overlapping(session, session.merge(member), community_ids, start, end)
    found = in_window(_as_events(session, rows), start, end)
    for week in month.weeks:
        for day in week:
            expected = [o for o in found if day.day in reads.days_of(o)]
            assert _seen(day.occurrences) == _seen(expected), day.day


def test_a_feed_written_from_rows_is_the_file_written_from_the_events(calendar, session):
    member, community_ids = calendar
    rows = reads.feed_events(session, session.merge(member), community_ids, *WINDOW)

    def address(event: Scheduled, key: str | None) -> str:
        return f"https://polka.example/c/{event.community.slug}/events/{event.id}/{key or ''}"

    from_rows = ics.calendar("Mine", rows, "https://polka.example", address)
    assert from_rows == ics.calendar("Mine", _as_events(session, rows), "https://polka.example", address)
    assert "RECURRENCE-ID" in from_rows
    assert "EXDATE" in from_rows
    assert "Acacia" not in from_rows


def test_a_month_read_again_shows_what_changed_since(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = events.event(
        community, member, "User group", start_date="2027-04-01", repeat=Repeat.WEEKLY, count=4
    )
    login(member)
    month = f"/c/{community.slug}/events/month?month=2027-04"
    occurrence = f"/c/{community.slug}/events/{series.id}/20270408T1000"
    assert "(cancelled)" not in text(web.get(month))
    web.post(f"{occurrence}/cancel", data={"reason": "Bank holiday"})
    assert text(web.get(month)).count("(cancelled)") == 1
    web.post(f"{occurrence}/reinstate")
    moved = {"start_date": "2027-04-09", "start_time": "15:00", "end_date": "2027-04-09", "end_time": "16:00"}
    web.post(f"{occurrence}/edit", data={**moved, "location": ""})
    shown = text(web.get(month))
    assert "(cancelled)" not in shown
    assert "15:00 User group" in shown
