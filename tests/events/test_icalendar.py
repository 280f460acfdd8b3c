"""Calendars for calendar apps, read back with the ``icalendar`` library: series on their zone's clock
with the zone, cancelled occurrences as EXDATE, moved ones by RECURRENCE-ID, SEQUENCE raised by every
change, stable UIDs; an OFFICIAL-SENSITIVE event's title, description and place in no feed or file;
a feed holding only what its reader may see when it is read."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar

from polka.communities.models import Visibility
from polka.markings import Marking
from polka.recurrence import Repeat
from tests.support import text

LONDON = ZoneInfo("Europe/London")


def _key(web) -> str:
    page = web.post("/calendar/subscribe").get_data(as_text=True)
    found = re.search(r'/calendar/calendar\.ics\?key=([^"&]+)"', page)
    assert found, "the subscribe page shows no address"
    return found.group(1)


def _read(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.get_data(as_text=True))


def _events(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_a_series_goes_out_on_its_clock_and_stays_at_ten_across_the_clock_changes(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    events.event(community, member, "User group", start_date="2027-03-18", repeat=Repeat.WEEKLY, count=35)
    login(member)
    calendar = _read(web.get(f"/c/{community.slug}/events/calendar.ics"))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    (series,) = _events(calendar)
    assert series["DTSTART"].dt == datetime(2027, 3, 18, 10, 0, tzinfo=LONDON)
    assert series["RRULE"]["FREQ"] == ["WEEKLY"]
    assert series["RRULE"]["COUNT"] == [35]
    expanded = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2028, 1, 1))
    assert len(expanded) == 35
    assert {each["DTSTART"].dt.astimezone(LONDON).strftime("%H:%M") for each in expanded} == {"10:00"}


def test_changes_travel_as_exdate_recurrence_id_sequence_and_status(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = events.event(
        community,
        member,
        "User group",
        start_date="2027-04-01",
        repeat=Repeat.WEEKLY,
        count=6,
        location="Room 1",
    )
    login(member)
    feed = f"/c/{community.slug}/events/calendar.ics"
    before = _events(_read(web.get(feed)))[0]
    base = f"/c/{community.slug}/events/{series.id}"
    web.post(f"{base}/20270408T1000/cancel", data={"reason": "Bank holiday"})
    web.post(
        f"{base}/20270415T1000/edit",
        data={
            "start_date": "2027-04-16",
            "start_time": "14:00",
            "end_date": "2027-04-16",
            "end_time": "16:00",
            "location": "Room 2",
        },
    )
    calendar = _read(web.get(feed))
    master, moved = _events(calendar)
    assert master["UID"] == before["UID"] == moved["UID"]
    assert master["SEQUENCE"] == 2 > before["SEQUENCE"]
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2027, 4, 8, 10, 0, tzinfo=LONDON)]
    assert moved["RECURRENCE-ID"].dt == datetime(2027, 4, 15, 10, 0, tzinfo=LONDON)
    assert moved["DTSTART"].dt == datetime(2027, 4, 16, 14, 0, tzinfo=LONDON)
    assert str(moved["LOCATION"]) == "Room 2"
    days = [
        e["DTSTART"].dt.date()
        for e in recurring_ical_events.of(calendar).between(date(2027, 4, 1), date(2027, 6, 1))
    ]
    assert date(2027, 4, 8) not in days
    assert date(2027, 4, 16) in days
    assert date(2027, 4, 15) not in days
    web.post(f"{base}/cancel", data={"reason": "Merged with the national group"})
    (cancelled, _moved) = _events(_read(web.get(feed)))
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == 3


def test_a_sensitive_events_words_never_leave_in_a_feed_or_file(web, login, make, events):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community)
    secret = events.event(
        community,
        member,
        "Operation Nightjar scene planning",
        marking=Marking.OFFICIAL_SENSITIVE,
        description="Suspect address: 12 Acacia Avenue",
        location="Major incident room",
    )
    login(member)  # a member sees it all on the page
    assert "Operation Nightjar" in text(web.get(f"/c/{community.slug}/events/{secret.id}"))
    for path in (
        "/calendar/calendar.ics",
        f"/c/{community.slug}/events/calendar.ics",
        f"/c/{community.slug}/events/{secret.id}.ics",
        f"/c/{community.slug}/events/{secret.id}/20270413T1000.ics",
    ):
        body = web.get(path).get_data(as_text=True)
        for word in ("Nightjar", "Acacia", "Major incident"):
            assert word not in body, f"{path} leaks {word!r}"
        (event,) = _events(Calendar.from_ical(body))
        assert str(event["SUMMARY"]) == "OFFICIAL-SENSITIVE event — see POLKA"
        assert event["DTSTART"].dt == datetime(2027, 4, 13, 10, 0, tzinfo=LONDON)
        assert str(event["URL"]).endswith(f"/c/{community.slug}/events/{secret.id}")


def test_a_feed_read_with_the_key_holds_what_its_reader_may_see_now(web, login, make, events, app):
    private = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    member = make.member(private)
    events.event(private, make.member(private), "Tasking meeting")
    login(member)
    key = _key(web)
    reader = app.test_client()  # a calendar app: no session, only the key
    titles = [str(e["SUMMARY"]) for e in _events(_read(reader.get(f"/calendar/calendar.ics?key={key}")))]
    assert titles == ["Tasking meeting"]
    web.post(f"/c/{private.slug}/leave")
    assert _events(_read(reader.get(f"/calendar/calendar.ics?key={key}"))) == []
    assert reader.get(f"/c/{private.slug}/events/calendar.ics?key={key}").status_code == 404
    assert reader.get("/calendar/calendar.ics?key=wrong.key").status_code == 404
    assert reader.get("/calendar/calendar.ics").status_code == 302  # no key, no session: sign in


def test_one_occurrence_downloads_as_an_event_of_its_own(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = events.event(
        community, member, "User group", start_date="2027-04-01", repeat=Repeat.WEEKLY, count=6
    )
    login(member)
    response = web.get(f"/c/{community.slug}/events/{series.id}/20270415T1000.ics")
    assert "attachment" in response.headers["Content-Disposition"]
    (one,) = _events(_read(response))
    assert "RRULE" not in one
    assert one["DTSTART"].dt == datetime(2027, 4, 15, 10, 0, tzinfo=LONDON)
    assert str(one["UID"]) != str(
        _events(_read(web.get(f"/c/{community.slug}/events/{series.id}.ics")))[0]["UID"]
    )


def test_all_day_events_go_out_as_dates_and_other_zones_with_their_own_zone(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
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
    login(member)
    calendar = _read(web.get(f"/c/{community.slug}/events/calendar.ics"))
    days, paris = _events(calendar)
    assert days["DTSTART"].dt == date(2027, 5, 10)
    assert days["DTEND"].dt == date(2027, 5, 13)  # the day after the last, as RFC 5545 has it
    assert paris["DTSTART"].dt == datetime(2027, 5, 11, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Europe/Paris"}
    month = text(web.get(f"/c/{community.slug}/events/month?month=2027-05"))
    assert "All day Training days" in month
    assert "09:00 Europol liaison" in month  # 10:00 in Paris is 09:00 in the UK
