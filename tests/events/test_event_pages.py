"""Adding an event and reading it: the form, the event's page, the community's agenda and month grid."""

from __future__ import annotations

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
