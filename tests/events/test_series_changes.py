"""Changing a series: one occurrence, this and the following, or all of it; cancelling; a 10:00
meeting at 10:00 on both sides of the clock changes; a change made meanwhile is not overwritten."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from polka.events.models import Event
from polka.recurrence import Repeat
from tests.events.test_event_pages import FORM
from tests.support import text


def _series(events, community, member, **fields):
    return events.event(
        community, member, start_date="2027-03-18", repeat=Repeat.WEEKLY, count=35, **fields
    )  # Thursdays, across 28 March and 31 October 2027


def test_a_weekly_meeting_stays_at_ten_on_the_agenda_across_both_clock_changes(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    _series(events, community, member)
    login(member)
    march = text(web.get(f"/c/{community.slug}/events/?from=2027-03-18"))
    for day in ("Thursday 18 March 2027", "Thursday 25 March 2027", "Thursday 1 April 2027"):
        assert f"{day} 10:00 North West regional meeting" in march
    november = text(web.get(f"/c/{community.slug}/events/?from=2027-10-21"))
    for day in ("Thursday 28 October 2027", "Thursday 4 November 2027"):
        assert f"{day} 10:00 North West regional meeting" in november


def test_moving_one_occurrence_leaves_the_others(web, login, make, events, session):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = _series(events, community, member)
    login(member)
    page = f"/c/{community.slug}/events/{series.id}/20270401T1000/edit"
    assert web.get(page).status_code == 200
    response = web.post(
        page,
        data={
            "start_date": "2027-04-02",
            "start_time": "14:00",
            "end_date": "2027-04-02",
            "end_time": "16:00",
            "location": "Warrington police station",
        },
    )
    assert response.status_code == 302, text(response)
    moved = text(web.get(f"/c/{community.slug}/events/{series.id}/20270401T1000"))
    assert "Friday 2 April 2027, 14:00–16:00 (UK time)" in moved
    assert (
        "Changed for this occurrence: When: Fri 02 Apr 2027, 14:00–16:00 (was Thu 01 Apr 2027, 10:00–12:00)"
        in moved
    )
    assert "Warrington police station" in moved
    agenda = text(web.get(f"/c/{community.slug}/events/?from=2027-03-29"))
    assert "Friday 2 April 2027 14:00 North West regional meeting Moved" in agenda
    assert "Thursday 1 April 2027" not in agenda
    assert "Thursday 8 April 2027 10:00 North West regional meeting" in agenda
    session.rollback()
    session.expire_all()
    assert session.get(Event, series.id).sequence == 1


def test_this_and_following_splits_the_series(web, login, make, events, session):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = _series(events, community, member)
    login(member)
    page = f"/c/{community.slug}/events/{series.id}/20270415T1000/following"
    form = web.get(page).get_data(as_text=True)
    assert 'value="31"' in form  # what is left of the 35
    response = web.post(
        page,
        data={
            **FORM,
            "start_date": "2027-04-15",
            "start_time": "11:00",
            "end_time": "13:00",
            "repeat": "weekly",
            "repeat_count": "31",
            "version": "0",
        },
    )
    assert response.status_code == 302, text(response)
    session.rollback()
    session.expire_all()
    first, following = session.scalars(select(Event).order_by(Event.id)).all()
    assert first.repeat_until.isoformat() == "2027-04-14"
    assert following.split_from_id == first.id
    assert following.repeat_count == 31
    agenda = text(web.get(f"/c/{community.slug}/events/?from=2027-04-05"))
    assert "Thursday 8 April 2027 10:00" in agenda
    assert "Thursday 15 April 2027 11:00" in agenda
    assert "Thursday 15 April 2027 10:00" not in agenda


def test_changing_all_of_it_tells_attendees_what_changed(web, login, make, events, session):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = _series(events, community, member, location="Room 1")
    login(member)
    edit = f"/c/{community.slug}/events/{series.id}/edit"
    assert 'value="Room 1"' in web.get(edit).get_data(as_text=True)
    sent = {
        **FORM,
        "start_date": "2027-03-18",
        "repeat": "weekly",
        "repeat_count": "35",
        "location": "Room 2",
        "version": "0",
    }
    assert web.post(edit, data=sent).status_code == 302
    shown = text(web.get(f"/c/{community.slug}/events/{series.id}"))
    assert "Where: Room 2 (was Room 1)" in shown
    stale = web.post(edit, data={**sent, "location": "Room 3"})  # made from the first version
    assert stale.status_code == 409
    assert "Someone changed this event while you were editing it" in text(stale)
    assert 'value="Room 3"' in stale.get_data(as_text=True)
    session.rollback()
    session.expire_all()
    assert session.get(Event, series.id).location == "Room 2"


def test_cancelling_one_occurrence_then_the_whole_series(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = _series(events, community, member)
    login(member)
    occurrence = f"/c/{community.slug}/events/{series.id}/20270325T1000"
    assert web.post(f"{occurrence}/cancel", data={"reason": "Bank holiday cover"}).status_code == 302
    shown = text(web.get(occurrence))
    assert "This occurrence is cancelled. Cancelled: Bank holiday cover" in shown
    agenda = text(web.get(f"/c/{community.slug}/events/?from=2027-03-22"))
    assert "Thursday 25 March 2027 10:00 North West regional meeting Cancelled" in agenda
    assert web.post(f"{occurrence}/reinstate").status_code == 302
    assert "This occurrence is cancelled" not in text(web.get(occurrence))
    assert (
        web.post(f"/c/{community.slug}/events/{series.id}/cancel", data={"reason": "Merged"}).status_code
        == 302
    )
    assert "This series is cancelled: Merged" in text(web.get(f"/c/{community.slug}/events/{series.id}"))


def test_a_deleted_event_leaves_the_calendar(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    event = events.event(community, member, start_date="2027-04-13")
    login(member)
    assert web.post(f"/c/{community.slug}/events/{event.id}/delete").status_code == 302
    assert web.get(f"/c/{community.slug}/events/{event.id}").status_code == 404
    assert "North West regional meeting" not in text(
        web.get(f"/c/{community.slug}/events/month?month=2027-04")
    )


def test_the_event_is_stored_in_local_time_and_bounded_in_utc(make, events, session):
    community = make.community("PNC Operators")
    series = _series(events, community, make.member(community))
    session.rollback()
    session.expire_all()
    stored = session.get(Event, series.id)
    assert stored.start_at == datetime(2027, 3, 18, 10, 0)
    assert stored.first_start_utc == datetime(2027, 3, 18, 10, 0, tzinfo=UTC)
    assert stored.last_start_at == datetime(2027, 11, 11, 10, 0)  # the 35th Thursday
    assert stored.last_end_utc == datetime(2027, 11, 11, 12, 0, tzinfo=UTC)


def test_who_is_coming_follows_a_meeting_moved_by_an_hour_and_a_split_series(web, login, make, events):
    community = make.community("PNC Operators")
    organiser, attendee = make.member(community), make.member(community)
    one_off = events.event(community, organiser, "Briefing", start_date="2030-04-09", capacity="5")
    series = _series(events, community, organiser, capacity="5")
    series_base = f"/c/{community.slug}/events/{series.id}"
    login(attendee)
    web.post(f"/c/{community.slug}/events/{one_off.id}/20300409T1000/answer", data={"answer": "going"})
    for key in ("20270318T1000", "20270520T1000"):
        web.post(f"{series_base}/{key}/answer", data={"answer": "going"})
    login(organiser)
    moved = {
        **FORM,
        "title": "Briefing",
        "start_date": "2030-04-09",
        "start_time": "11:00",
        "end_time": "12:00",
        "capacity": "5",
        "version": "0",
    }
    assert web.post(f"/c/{community.slug}/events/{one_off.id}/edit", data=moved).status_code == 302
    following = {
        **FORM,
        "start_date": "2027-05-06",
        "start_time": "14:00",
        "end_time": "16:00",
        "repeat": "weekly",
        "repeat_count": "10",
        "capacity": "5",
        "version": "0",
    }
    response = web.post(f"{series_base}/20270506T1000/following", data=following)
    assert response.status_code == 302
    new_series = response.headers["Location"].rsplit("/", 1)[-1]
    login(attendee)
    assert "You are going." in text(web.get(f"/c/{community.slug}/events/{one_off.id}"))
    assert "You are going." in text(web.get(f"{series_base}/20270318T1000"))
    assert "You are going." in text(web.get(f"/c/{community.slug}/events/{new_series}/20270520T1400"))


def test_the_first_occurrence_moved_into_the_month_before_is_on_that_months_grid(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = events.event(
        community, member, "Briefing", start_date="2027-04-05", repeat=Repeat.WEEKLY, count=4
    )
    login(member)
    moved = {
        "start_date": "2027-03-26",
        "start_time": "10:00",
        "end_date": "2027-03-26",
        "end_time": "12:00",
        "location": "",
    }
    assert (
        web.post(f"/c/{community.slug}/events/{series.id}/20270405T1000/edit", data=moved).status_code == 302
    )
    assert "10:00 Briefing" in text(web.get(f"/c/{community.slug}/events/month?month=2027-03"))
