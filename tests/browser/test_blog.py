"""The blog in Chromium: an inspector writes a post, previews it, is refused a time in the past (with
every word kept) and schedules it; another member neither sees it in the blog nor at its address until
the inspector publishes it, then finds it in the blog's archive and reads it with its byline; the
inspector changes it, finds the earlier version in its history and deletes it; a manager lets only
moderators write. Every page on the way passes axe-core at desktop and phone widths."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from polka.communities.models import Role
from polka.templating import LONDON
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser

TITLE = "Winter visibility patrols"
BODY = "## What we did\n\nEvening foot patrols on the high street.\n\n* Six shops visited\n* Two arrests\n"


def test_write_preview_schedule_publish_and_change_a_post(tab: Tab, make: Factory) -> None:
    inspector = make.user("Priya Natarajan", email="priya.natarajan@westyorkshire.police.uk")
    reader = make.user("Tom Brennan", email="tom.brennan@northumbria.police.uk")
    community = make.community("Neighbourhood Policing")
    make.member(community, inspector, Role.MEMBER)
    make.member(community, reader, Role.MEMBER)
    manager = make.member(community, make.user("Dawn Ellis"), Role.MANAGER)
    base = f"/c/{community.slug}/blog"
    today = datetime.now(LONDON).date()

    tab.sign_in(inspector)
    tab.visit(f"{base}/")
    check_page(tab, "an empty blog")
    with tab.page.expect_navigation():
        tab.page.click("text=Write a post")
    check_page(tab, "write a post")
    tab.page.fill("#title", TITLE)
    tab.page.fill("#body", BODY)
    press(tab, "Preview")
    assert tab.page.locator(".polka-preview h2", has_text="What we did").is_visible()
    assert tab.page.locator(".polka-preview li", has_text="Two arrests").is_visible()
    assert (tab.page.input_value("#title"), tab.page.input_value("#body")) == (TITLE, BODY)
    check_page(tab, "a post's preview")

    tab.page.fill("#publish_date", f"{today - timedelta(days=1):%d/%m/%Y}")
    tab.page.fill("#publish_time", "09:00")
    press(tab, "Schedule")
    assert "The time to publish is in the past" in tab.page.inner_text("#publish_date-error")
    assert "The time to publish is in the past" in tab.page.inner_text(".govuk-error-summary")
    assert (tab.page.input_value("#title"), tab.page.input_value("#body")) == (TITLE, BODY)
    assert tab.page.input_value("#publish_time") == "09:00"
    check_page(tab, "a post scheduled in the past")

    tomorrow = f"{today + timedelta(days=1):%d/%m/%Y}"
    tab.page.fill("#publish_date", tomorrow)
    press(tab, "Schedule")
    post_path = tab.path()
    assert post_path.startswith(f"{base}/")
    assert post_path.removeprefix(f"{base}/").isdigit()
    assert f"“{TITLE}” will be published at" in tab.page.inner_text(".govuk-notification-banner")
    assert "Scheduled for" in tab.page.inner_text(".polka-blog-status")
    assert tab.page.locator("main h2", has_text="What we did").is_visible()
    check_page(tab, "a scheduled post")
    tab.visit(f"{base}/")
    waiting = tab.page.inner_text(".polka-blog-unpublished")
    assert "Not published yet" in waiting
    assert TITLE in waiting
    assert "Scheduled for" in waiting
    assert "No posts yet." in tab.page.inner_text("main")
    check_page(tab, "the blog with a scheduled post")

    tab.sign_in(reader)
    tab.visit(f"{base}/")
    assert TITLE not in tab.page.inner_text("main")
    assert tab.page.locator(".polka-blog-unpublished").count() == 0
    tab.visit(post_path, status=404)

    tab.sign_in(inspector)
    tab.visit(post_path)
    press(tab, "Publish now")
    assert f"“{TITLE}” is published." in tab.page.inner_text(".govuk-notification-banner")
    assert tab.page.locator(".polka-blog-status").count() == 0
    check_page(tab, "a published post, to its writer")
    tab.visit(f"{base}/")
    assert tab.page.locator(".polka-blog-unpublished").count() == 0
    assert TITLE in tab.page.inner_text(".polka-blog-summary")

    tab.sign_in(reader)
    tab.visit(f"{base}/")
    assert "Evening foot patrols on the high street." in tab.page.inner_text(".polka-blog-summary")
    check_page(tab, "the blog with a published post")
    this_month = f"{datetime.now(LONDON):%B %Y}"
    with tab.page.expect_navigation():
        tab.page.click(f".polka-blog-archive a:has-text('{this_month}')")
    assert tab.page.inner_text("h1") == f"Posts from {this_month}"
    check_page(tab, "a month of the blog")
    with tab.page.expect_navigation():
        tab.page.click(f".polka-blog-summary a:has-text('{TITLE}')")
    assert tab.path() == post_path
    byline = tab.page.inner_text(".polka-blog-byline")
    assert "By Priya Natarajan" in byline
    assert "1 minute to read" in byline
    assert tab.page.locator("text=Publish now").count() == 0  # nothing to change for a reader
    assert tab.page.locator("a:has-text('Change')").count() == 0
    check_page(tab, "a published post, to a reader")

    tab.sign_in(inspector)
    tab.visit(post_path)
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('Change')")
    assert tab.page.locator("#publish_date").count() == 0  # a published post is not scheduled again
    check_page(tab, "change a published post")
    tab.page.fill("#body", BODY + "* One vehicle seized\n")
    press(tab, "Save changes")
    assert f"“{TITLE}” has been saved." in tab.page.inner_text(".govuk-notification-banner")
    assert tab.page.locator("main li", has_text="One vehicle seized").is_visible()
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('History')")
    assert "changed 1 time since" in tab.page.inner_text("main")
    earlier = tab.page.locator("details.govuk-details")
    assert earlier.count() == 1
    assert "As it was before Priya Natarajan changed it on" in earlier.inner_text()
    earlier.locator("summary").click()
    assert "Two arrests" in earlier.locator("pre").inner_text()
    assert "One vehicle seized" not in earlier.locator("pre").inner_text()
    check_page(tab, "a post's history")

    tab.visit(post_path)
    with tab.page.expect_navigation():
        tab.page.click("main a:has-text('Delete')")
    check_page(tab, "delete a post")
    press(tab, "Delete the post")
    assert tab.path() == f"{base}/"
    assert f"“{TITLE}” has been deleted." in tab.page.inner_text(".govuk-notification-banner")
    assert "No posts yet." in tab.page.inner_text("main")
    tab.visit(post_path, status=404)

    tab.sign_in(manager)
    tab.visit(f"{base}/")
    with tab.page.expect_navigation():
        tab.page.click("text=Who may write here")
    check_page(tab, "who may write in the blog")
    tab.page.get_by_label("Moderators and managers only").check()
    press(tab, "Save")
    assert "Who may write in the blog has been saved." in tab.page.inner_text(".govuk-notification-banner")


def press(tab: Tab, button: str) -> None:
    """Press one of the form's buttons by its words and wait for the next page."""
    with tab.page.expect_navigation():
        tab.page.click(f"main button:has-text('{button}')")
    tab.check_html()
