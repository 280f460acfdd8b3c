"""Adding an event and reading it: the form, the event's page, the community's agenda and month grid."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from polka.markings import Marking
from polka.recurrence import Repeat
from tests.support import text

FORM = {
    "title": "North West regional meeting",
    "start_date": "2027-04-13",
    "start_time": "10:00",
    "end_time": "12:00",
    "zone": "Europe/London",
    "repeat": "never",
    "repeat_end": "count",
    "marking": "OFFICIAL",
    "location": "GMP headquarters, Manchester",
}


def test_a_member_adds_an_event_and_finds_it_on_the_calendar(web, login, make):
    community = make.community("PNC Operators")
    member = make.member(community)
    login(member)
    page = web.get(f"/c/{community.slug}/events/new")
    assert page.status_code == 200
    response = web.post(f"/c/{community.slug}/events/new", data=FORM)
    assert response.status_code == 302, text(response)
    shown = text(web.get(response.headers["Location"]))
    assert "North West regional meeting" in shown
    assert "Tuesday 13 April 2027, 10:00–12:00 (UK time)" in shown
    assert "GMP headquarters, Manchester" in shown
    month = text(web.get(f"/c/{community.slug}/events/month?month=2027-04"))
    assert "10:00 North West regional meeting" in month


def test_a_weekly_series_page_lists_its_next_occurrences(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = events.event(community, member, start_date="2030-03-21", repeat=Repeat.WEEKLY, count=5)
    login(member)
    shown = text(web.get(f"/c/{community.slug}/events/{series.id}"))
    assert "Weekly on Thursdays, 5 times" in shown
    assert "Thursday 28 March 2030, 10:00–12:00 (UK time)" in shown
    occurrence = text(web.get(f"/c/{community.slug}/events/{series.id}/20300404T1000"))
    assert "Thursday 4 April 2030, 10:00–12:00 (UK time)" in occurrence
    assert web.get(f"/c/{community.slug}/events/{series.id}/20300405T1000").status_code == 404


def _day(offset: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=offset)


def _said(offset: int) -> str:
    day = _day(offset)
    return f"{day:%A} {day.day} {day:%B %Y}"


def test_a_community_home_shows_its_next_three_events(web, login, make, events):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community)
    events.event(
        community, member, "User group", start_date=_day(10).isoformat(), repeat=Repeat.WEEKLY, count=5
    )
    events.event(
        community, member, "Planning", start_date=_day(11).isoformat(), marking=Marking.OFFICIAL_SENSITIVE
    )
    called_off = events.event(community, member, "Called off", start_date=_day(9).isoformat())
    login(member)
    web.post(f"/c/{community.slug}/events/{called_off.id}/cancel", data={"reason": ""})
    coming = text(web.get(f"/c/{community.slug}/")).split("Recent activity")[0]
    assert f"User group – {_said(10)}, 10:00–12:00 (UK time)" in coming
    assert f"Planning OFFICIAL-SENSITIVE – {_said(11)}" in coming  # marked as the event is
    assert f"User group – {_said(17)}" in coming
    assert "Called off" not in coming
    assert _said(24) not in coming  # three, no more
    login(make.user("Reader elsewhere"))
    coming = text(web.get(f"/c/{community.slug}/")).split("Recent activity")[0]
    assert "Planning" not in coming
    assert f"User group – {_said(24)}" in coming
