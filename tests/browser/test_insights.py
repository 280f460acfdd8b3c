"""A community's insights in Chromium, as its manager: from the community's page to the insights, the
chart and the table beside it, another period chosen with the page's form; axe-core clean at desktop
and phone widths, and the chart's bars drawn in the system's colours in a forced-colours mode."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from polka.communities.models import Role
from polka.content.writings import Writing
from polka.db import transaction, utcnow
from polka.insights.rebuild import rebuild_month
from polka.months import Month
from tests.blog.conftest import BlogFactory
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser


def test_a_manager_reads_what_rose_in_their_community(tab: Tab, make: Factory, session: Session) -> None:
    community = make.community("Roads Policing")
    manager = make.member(community, make.user("Sandra Okafor"), Role.MANAGER)
    blog = BlogFactory(session, make)
    for name in ("Ann Lee", "Ben Cole", "Cat Shah", "Dev Patel"):
        writer = make.member(community, make.user(name))
        blog.post(
            community, writer, "Drones at motorway collisions", body="Drone footage for collision reports."
        )
    month = Month.of(utcnow())
    earlier = [
        Writing("blog.post", n, community.id, n, month.plus(-1).start, False, "Shift rota for the holidays")
        for n in (1, 2, 3)
    ]
    with transaction(session):
        rebuild_month(session, month)
        rebuild_month(session, month.plus(-1), [lambda _s, _start, _end: iter(earlier)])

    tab.sign_in(manager)
    tab.visit(f"/c/{community.slug}/")
    with tab.page.expect_navigation():
        tab.page.click("text=What this community writes about")
    tab.check_html()

    chart = tab.page.locator("svg.polka-chart")
    assert chart.is_visible()
    assert "Terms used by more people" in (chart.locator("title").text_content() or "")
    assert tab.page.locator("table.polka-insights-table").first.is_visible()
    assert "drones" in tab.page.locator("#rising ~ table").first.inner_text()
    check_page(tab, "a community's insights, this month")  # it leaves the tab at phone width
    label = tab.page.locator("svg.polka-chart text").first.bounding_box()
    assert label is not None
    assert label["height"] >= 11  # the chart's words stay readable on a phone
    bar = tab.page.locator("svg.polka-chart rect.polka-chart__bar--0").nth(1)
    assert bar.evaluate("(el) => getComputedStyle(el).fill") == "rgb(29, 112, 184)"  # the page's blue
    tab.page.emulate_media(forced_colors="active")
    assert bar.evaluate("(el) => getComputedStyle(el).fill") != "rgb(29, 112, 184)"  # the system's colours
    assert not tab.axe()
    tab.page.emulate_media(forced_colors="none")

    tab.page.set_viewport_size({"width": 1280, "height": 900})
    tab.page.select_option("#months", "12")
    with tab.page.expect_navigation():
        tab.page.click("button:has-text('Show')")
    tab.check_html()
    assert "months=12" in tab.path()
    assert tab.page.locator("#months").input_value() == "12"
    check_page(tab, "a community's insights, a year")

    tab.page.set_viewport_size({"width": 1280, "height": 900})
    tab.visit(f"/c/{community.slug}/insights?months=3&until=Nov&days=0", status=400)
    assert tab.page.locator(".govuk-error-summary").is_visible()
    assert tab.page.input_value("#until") == "Nov"
    check_page(tab, "a community's insights, asked for a period it cannot show")
