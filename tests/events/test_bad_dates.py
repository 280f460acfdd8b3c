"""Bad dates and rules never 500: each is a clear form error on the field, with what was typed kept,
and nothing is saved."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from polka.events.models import Event
from polka.recurrence import Repeat
from tests.events.test_event_pages import FORM
from tests.support import text


def _sent(web, community, **changed):
    return web.post(f"/c/{community.slug}/events/new", data={**FORM, **changed})


@pytest.mark.parametrize(
    ("changed", "field", "message"),
    [
        ({"start_date": "30/02/2027"}, "start_date", "The start date is not a real date"),
        ({"start_date": "2027-02-30"}, "start_date", "The start date is not a real date"),
        ({"end_time": "09:00"}, "end_time", "The end must be after the start"),
        ({"end_date": "2027-04-12"}, "end_time", "The end must be after the start"),
        ({"start_date": "01/01/0000"}, "start_date", "must be in a year from 2000 to 2100"),
        ({"start_date": "01/01/9999"}, "start_date", "must be in a year from 2000 to 2100"),
        (
            {"start_date": "2027-03-28", "start_time": "01:30", "end_time": "03:30"},
            "start_time",
            "01:30 on 28/03/2027 does not happen in Europe/London: the clocks go forward then",
        ),
        (
            {"start_date": "2027-10-31", "start_time": "01:30", "end_time": "03:00"},
            "start_time",
            "01:30 on 31/10/2027 happens twice in Europe/London, as the clocks go back",
        ),
        ({"zone": "Mars/Olympus_Mons"}, "zone", "“Mars/Olympus_Mons” is not a time zone"),
        (
            {"repeat": "weekly", "repeat_count": "100000"},
            "repeat_count",
            "A series can have at most 500 occurrences (this one would have 100,000)",
        ),
        (
            {"repeat": "weekly", "repeat_end": "until", "repeat_until": "2100-01-01"},
            "repeat_until",
            "A series can have at most 500 occurrences",
        ),
        ({"repeat": "weekly", "repeat_count": "twelve"}, "repeat_count", "as a number"),
        ({"start_time": "25:00"}, "start_time", "as a time on the 24-hour clock"),
        ({"start_time": ""}, "start_time", "Enter the start time"),
        ({"capacity": "-3"}, "capacity", "whole number from 1 to 10,000"),
        ({"online_link": "javascript:alert(1)"}, "online_link", "starting https://"),
        ({"organiser": "@nobody-here"}, "organiser", "@nobody-here is not a member of PNC Operators"),
        ({"title": ""}, "title", "Enter a title"),
    ],
)
def test_a_bad_date_or_rule_is_a_form_error_with_what_was_typed_kept(
    web, login, make, session, changed, field, message
):
    community = make.community("PNC Operators")
    login(make.member(community))
    response = _sent(web, community, **changed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in text(response)
    assert f'id="{field}-error"' in page, f"the error is not shown at {field}"
    for name, value in {**FORM, **changed}.items():
        if name not in {"repeat", "repeat_end", "marking"} and value:
            assert re.search(rf'name="{name}"[^>]*value="{re.escape(value)}"', page) or (
                f">{value}<" in page
            ), f"{name} lost {value!r}"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Event)) == 0


def test_the_ambiguous_time_is_saved_once_the_writer_says_which_one(web, login, make, session):
    community = make.community("PNC Operators")
    login(make.member(community))
    typed = {"start_date": "2027-10-31", "start_time": "01:30", "end_time": "03:00"}
    asked = _sent(web, community, **typed).get_data(as_text=True)
    assert 'name="start_fold"' in asked  # the page asks which 01:30
    assert 'name="end_fold"' not in asked  # 03:00 happens once
    response = _sent(web, community, **typed, start_fold="second")
    assert response.status_code == 302
    session.rollback()
    event = session.scalars(select(Event)).one()
    assert event.start.utc() == datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # the second: GMT
    assert event.end.utc() == datetime(2027, 10, 31, 3, 0, tzinfo=UTC)


def test_a_date_the_series_never_meets_on_is_said_on_its_page(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community)
    series = events.event(community, member, start_date="2027-04-13", repeat=Repeat.WEEKLY, count=10)
    login(member)
    response = web.get(f"/c/{community.slug}/events/{series.id}/on?date=2027-04-14")
    assert response.status_code == 400
    assert "has no occurrence on Wednesday 14 April 2027: it meets weekly on Tuesdays" in text(response)
    assert 'value="2027-04-14"' in response.get_data(as_text=True)
    found = web.get(f"/c/{community.slug}/events/{series.id}/on?date=2027-04-20")
    assert found.headers["Location"].endswith(f"/events/{series.id}/20270420T1000")
    assert web.get(f"/c/{community.slug}/events/{series.id}/on?date=30/02/2027").status_code == 400
