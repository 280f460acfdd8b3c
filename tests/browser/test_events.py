"""Events in Chromium: a coordinator adds a monthly meeting (after a refused bad date, with what was
typed kept), a member says she is going with a note, looks at the month grid at phone width, and
copies her calendar's subscription address; every page on the way passes axe-core at desktop and
phone widths, and so does every page of one meeting the organiser opens."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from polka.communities.models import Role
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def test_add_a_meeting_answer_it_and_subscribe(tab: Tab, make: Factory, session: Session) -> None:
    coordinator = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk")
    member = make.user("Claire Whitfield", email="claire.whitfield@merseyside.police.uk")
    community = make.community("PNC Operators")
    make.member(community, coordinator, Role.MEMBER)
    make.member(community, member, Role.MEMBER)
    base = f"/c/{community.slug}/events"

    tab.sign_in(coordinator)
    tab.visit(f"{base}/")
    check_page(tab, "events agenda")
    with tab.page.expect_navigation():
        tab.page.click("text=Add an event")
    check_page(tab, "add an event")
    tab.page.fill("#title", "North West regional meeting")
    tab.page.fill("#start_date", "2030-04-09")
    tab.page.fill("#start_time", "10:00")
    tab.page.fill("#end_time", "09:00")
    tab.page.select_option("#repeat", "monthly_weekday")
    tab.page.fill("#repeat_count", "6")
    tab.page.fill("#location", "GMP headquarters, Manchester")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Add the event')")
    assert "The end must be after the start" in tab.page.inner_text(".govuk-error-summary")
    assert tab.page.input_value("#location") == "GMP headquarters, Manchester"
    check_page(tab, "add an event with an error")
    tab.page.fill("#end_time", "12:00")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Add the event')")
    event_path = tab.path()
    assert "Monthly on the second Tuesday, 6 times" in tab.page.inner_text("main")
    check_page(tab, "a series")

    tab.sign_in(member)
    tab.visit(event_path)
    tab.page.check("input[name=answer][value=going]")
    tab.page.fill("#note", "Joining online")
    with tab.page.expect_navigation():
        tab.page.click("text=Send your answer")
    assert "You are going." in tab.page.inner_text("main")
    check_page(tab, "a series after answering")
    tab.visit(f"{base}/month?month=2030-04")
    assert tab.page.locator("text=North West regional meeting").count() >= 1
    check_page(tab, "month grid")
    tab.page.set_viewport_size({"width": 375, "height": 740})
    assert tab.page.locator(".polka-month__day--busy").first.is_visible()
    assert not tab.page.locator(".polka-month thead").is_visible()  # a list of busy days on a phone
    tab.page.set_viewport_size({"width": 1280, "height": 800})

    check_page_at(tab, "/calendar/", "my calendar")
    check_page_at(tab, "/calendar/month?month=2030-04", "my calendar's month")
    tab.visit("/calendar/")
    with tab.page.expect_navigation():
        tab.page.click("text=Subscribe from Outlook or another calendar app")
    with tab.page.expect_navigation():
        tab.page.click("text=Show my subscription addresses")
    address = tab.page.input_value("#calendar-1")
    assert "/calendar/calendar.ics?key=" in address
    check_page(tab, "subscription addresses")

    tab.sign_in(coordinator)  # the organiser's own pages for one meeting of the series
    occurrence = f"{event_path}/20300409T1000"
    for path, where in (
        (occurrence, "an occurrence"),
        (f"{occurrence}/attendance", "the attendance list"),
        (f"{occurrence}/edit", "change one occurrence"),
        (f"{occurrence}/following", "change this and the following"),
        (f"{occurrence}/cancel", "cancel one occurrence"),
        (f"{event_path}/edit", "change the whole series"),
        (f"{event_path}/cancel", "cancel the series"),
        (f"{event_path}/invitations", "invitations"),
    ):
        check_page_at(tab, path, where)
        if path.endswith("/attendance"):
            assert "Claire Whitfield" in tab.page.inner_text("main")


def check_page_at(tab: Tab, path: str, where: str) -> None:
    tab.visit(path)
    assert tab.page.locator("h1").count() == 1, where
    check_page(tab, where)
