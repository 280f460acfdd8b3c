"""Events in Chromium: a coordinator adds a monthly meeting (after a refused bad date, with what was
typed kept), a member says she is going with a note, looks at the month grid at phone width, and
copies her calendar's subscription address with its Copy button; every page on the way passes axe-core at desktop and
phone widths, and so does every page of one meeting the organiser opens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from polka.communities.models import Role
from polka.events import services
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory
from tests.support import writing_as_a_request

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
    tab.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    tab.page.locator(".polka-copy__button").first.click()
    tab.page.get_by_role("status").filter(has_text="Copied").wait_for()
    assert tab.page.evaluate("navigator.clipboard.readText()") == address
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


def test_a_meeting_pack_from_agenda_to_minutes_and_actions(tab: Tab, make: Factory, session: Session) -> None:
    """The organiser uploads the agenda of a meeting to come from its page, then the minutes of the
    one held last week, and gives an action to a member, who finds it on her home page and marks it
    done; the organiser's "minutes due" empties."""
    organiser = make.user("Sandra Okafor", email="sandra.okafor@met.police.uk")
    member = make.user("Claire Whitfield", email="claire.whitfield@merseyside.police.uk")
    community = make.community("PNC Operators")
    make.member(community, organiser, Role.MEMBER)
    make.member(community, member, Role.MEMBER)
    today = datetime.now(UTC).date()
    with writing_as_a_request(session):
        held, coming = (
            services.create_event(
                session,
                session.merge(organiser),
                session.merge(community),
                services.EventFields(
                    title=title,
                    start_date=day.isoformat(),
                    start_time="10:00",
                    end_time="12:00",
                    minutes_taken=True,
                ),
            )
            for title, day in (
                ("Held user group", today - timedelta(days=7)),
                ("Next user group", today + timedelta(days=30)),
            )
        )
    base = f"/c/{community.slug}/events"

    tab.sign_in(organiser)
    check_page_at(tab, "/calendar/minutes-due", "minutes due")
    assert "Held user group" in tab.page.inner_text("main")
    tab.visit(f"{base}/{coming.id}")
    tab.page.click("text=Upload the agenda or a paper")
    tab.page.set_input_files(
        "#paper-file",
        files=[
            {
                "name": "agenda.txt",
                "mimeType": "text/plain",
                "buffer": b"1. Minutes of the last meeting\n2. PNC changes\n",
            }
        ],
    )
    tab.page.fill("#paper-title", "Agenda for the next user group")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Upload it')")
    pack = tab.page.inner_text("#pack + table")
    assert "Agenda for the next user group" in pack
    assert "Draft" in pack
    check_page(tab, "a meeting with its agenda")

    tab.visit(f"{base}/{held.id}")
    tab.page.click("text=Upload the minutes or a paper")
    assert tab.page.is_checked("#paper-role-3")  # a meeting that has begun: its minutes, most likely
    tab.page.set_input_files(
        "#paper-file",
        files=[{"name": "minutes.txt", "mimeType": "text/plain", "buffer": b"Present: the regions.\n"}],
    )
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Upload it')")
    assert "Minutes" in tab.page.inner_text("#pack + table")
    tab.page.click("text=Add an action")
    tab.page.fill("#action-what", "Check the disposals backlog")
    tab.page.fill("#action-who", f"@{member.handle}")
    tab.page.fill("#action-due", (today + timedelta(days=14)).isoformat())
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Add the action')")
    assert "Check the disposals backlog" in tab.page.inner_text("#actions + table")
    check_page(tab, "a held meeting with its minutes and an action")
    check_page_at(tab, "/calendar/minutes-due", "no minutes due")
    assert "Held user group" not in tab.page.inner_text("main")
    tab.page.set_viewport_size({"width": 375, "height": 740})
    tab.visit(f"{base}/?show=past")
    assert tab.page.locator(".polka-agenda .govuk-tag:has-text('Minutes')").is_visible()
    tab.page.set_viewport_size({"width": 1280, "height": 800})

    tab.sign_in(member)
    check_page_at(tab, "/", "the home page with an action")
    with tab.page.expect_navigation():
        tab.page.click("text=Check the disposals backlog")
    check_page(tab, "an action from the assignee's home page")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Mark done')")
    assert "Done" in tab.page.inner_text("#actions + table")
    tab.visit("/")
    assert "Check the disposals backlog" not in tab.page.inner_text("main")


def test_a_manager_restores_a_deleted_event(tab: Tab, make: Factory, session: Session) -> None:
    manager = make.user("Sandra Okafor", email="sandra.okafor@met.police.uk")
    community = make.community("PNC Operators")
    make.member(community, manager, Role.MANAGER)
    with writing_as_a_request(session):
        meeting = services.create_event(
            session,
            session.merge(manager),
            session.merge(community),
            services.EventFields(
                title="Awayday", start_date="2030-05-20", start_time="10:00", end_time="16:00"
            ),
        )
    base = f"/c/{community.slug}/events"
    tab.sign_in(manager)
    tab.visit(f"{base}/{meeting.id}")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Delete the event')")
    with tab.page.expect_navigation():
        tab.page.click("text=Deleted events")
    assert "Awayday" in tab.page.inner_text("main")
    check_page(tab, "deleted events")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Restore')")
    assert "is back on the calendar" in tab.page.inner_text("main")
