"""A new officer's first visit, in a real browser: register, verify, sign in, join, sign out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Tab, check_page
from tests.conftest import PASSWORD, Factory, Mailbox

pytestmark = pytest.mark.browser

EMAIL = "priya.shah@met.police.uk"


def test_register_verify_sign_in_join_and_sign_out(tab: Tab, make: Factory, mailbox: Mailbox) -> None:
    manager = make.user("Marcus Bell", email="marcus.bell@west-midlands.police.uk")
    community = make.community("Digital Engagement", managers=[manager])
    page = tab.page

    tab.visit("/register")
    page.get_by_label("Full name").fill("Priya Shah")
    page.get_by_label("Work email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    tab.submit()
    assert tab.path() == "/register/check-your-email"

    [message] = mailbox.to(EMAIL)
    tab.visit(mailbox.link(message, "/verify/"))
    check_page(tab, "/verify/<token>")
    page.get_by_role("button", name="Confirm my email address").click()
    page.wait_for_url("**/login")
    assert "Your email address is confirmed" in page.inner_text("main")

    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(tab.base_url + "/")
    assert "Priya Shah" in page.inner_text("header")

    page.get_by_role("link", name="Communities", exact=True).click()
    page.get_by_role("link", name="Digital Engagement").click()
    page.wait_for_url(f"**/c/{community.slug}/")
    page.get_by_role("button", name="Join this community").click()
    page.wait_for_load_state()
    assert "You have joined Digital Engagement" in page.inner_text("main")

    tab.visit(f"/c/{community.slug}/members")
    members = page.locator("main table tbody").inner_text()
    assert "Priya Shah" in members
    assert "Marcus Bell" in members

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/login**")
    tab.visit("/")
    assert "Who can join" in page.inner_text("main"), "after signing out, the home page is the welcome page"
    assert page.get_by_role("link", name="Sign in").is_visible()
    assert "Priya Shah" not in page.inner_text("header")
    assert tab.console_errors == []
