"""Sessions that end while someone works, in Chromium: the timeout warning (accessible at desktop and
phone widths, "Stay signed in" by keyboard, the signed-out state that keeps the page), and the wiki
editor's round trip when the session ended before Save (the text comes back, nothing is saved)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User, UserSession
from polka.communities.models import Community, Role
from polka.db import transaction
from polka.markings import Marking
from polka.wiki.models import WikiPage, WikiRevision
from tests.browser.conftest import DESKTOP, Tab, check_page
from tests.conftest import Factory
from tests.test_expired_forms import wiki_page

pytestmark = pytest.mark.browser

TYPED = "Stop only where it is safe.\nRecord the reason code every time."


@pytest.fixture
def short_sessions(settings_overrides: dict[str, Any]) -> None:
    """A one-minute idle limit, warned about at once: the warning shows seconds after a page loads."""
    settings_overrides.update(session_idle_minutes=1, session_warning_seconds=58)


@pytest.fixture
def member(make: Factory) -> User:
    return make.user("Priya Shah", email="priya.shah@met.police.uk")


@pytest.fixture
def community(make: Factory, member: User) -> Community:
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(community, member, Role.MEMBER)
    return community


@pytest.fixture
def page(session: Session, make: Factory, community: Community) -> WikiPage:
    return wiki_page(session, make.member(community, role=Role.MODERATOR), community)


def end_sessions(app: Flask) -> None:
    """End every session on the server (as signing out in another tab, or the idle limit, would)."""
    with app.extensions["polka.sessions"]() as session, transaction(session):
        session.execute(delete(UserSession))


def last_seen(app: Flask) -> Any:
    with app.extensions["polka.sessions"]() as session:
        return session.scalar(select(func.max(UserSession.last_seen_at)))


def dialog(tab: Tab) -> Any:
    return tab.page.get_by_role("dialog")


def test_the_timeout_warning_appears_and_is_accessible(short_sessions, tab: Tab, member) -> None:
    tab.sign_in(member)
    tab.visit("/account")
    warning = dialog(tab)
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_have_accessible_name("You’re about to be signed out")
    expect(warning).to_contain_text("we will sign you out in")
    assert tab.page.evaluate("() => document.querySelector('dialog').contains(document.activeElement)")
    expect(warning.get_by_role("button", name="Stay signed in")).to_be_focused()
    check_page(tab, "the timeout warning")


def test_staying_signed_in_by_keyboard_extends_the_session(short_sessions, tab: Tab, app, member) -> None:
    tab.sign_in(member)
    tab.visit("/account")
    warning = dialog(tab)
    expect(warning).to_be_visible(timeout=10_000)
    before = last_seen(app)
    tab.page.keyboard.press("Enter")
    expect(warning).to_be_hidden()
    assert last_seen(app) > before
    # Escape means "stay signed in" too (the warning comes back at once with these short limits).
    expect(warning).to_be_visible(timeout=10_000)
    before = last_seen(app)
    tab.page.keyboard.press("Escape")
    expect(warning).to_be_hidden()
    assert last_seen(app) > before


def test_focus_stays_in_the_warning(short_sessions, tab: Tab, member) -> None:
    tab.sign_in(member)
    tab.visit("/account")
    expect(dialog(tab)).to_be_visible(timeout=10_000)
    for _ in range(6):
        tab.page.keyboard.press("Tab")
        inside = tab.page.evaluate(
            "() => document.activeElement === document.body"
            " || document.querySelector('dialog').contains(document.activeElement)"
        )
        assert inside, "focus left the dialog"


def test_after_the_session_ended_the_warning_says_so_and_the_page_carries_on(
    short_sessions, tab: Tab, app, member, community, page, browser: Browser, session
) -> None:
    tab.sign_in(member)
    tab.visit(f"/c/{community.slug}/wiki/{page.slug}/edit")
    tab.page.fill("#body", TYPED)
    expect(dialog(tab)).to_be_visible(timeout=10_000)
    end_sessions(app)
    ended = dialog(tab)
    expect(ended).to_have_accessible_name("You have been signed out", timeout=20_000)
    sign_in_again = ended.get_by_role("link", name="Sign in again (opens in a new tab)")
    expect(sign_in_again).to_be_focused()
    check_page(tab, "the signed-out warning")
    # Signing in again in a new tab leaves this page as it was, and its form then saves as usual.
    with tab.page.context.expect_page() as opened:
        sign_in_again.click()
    other = Tab(opened.value, tab.base_url, app)
    other.page.wait_for_load_state()
    other.page.fill("#email", member.email)
    other.page.fill("#password", "lantern-quietly-harbour-91")
    other.submit()
    expect(other.page.get_by_role("heading", level=1)).to_have_text("You are signed in again")
    tab.page.bring_to_front()
    tab.page.evaluate("() => window.dispatchEvent(new Event('focus'))")
    tab.page.set_viewport_size(DESKTOP)
    expect(dialog(tab)).to_be_hidden(timeout=20_000)
    assert tab.page.input_value("#body") == TYPED
    tab.page.evaluate("() => document.querySelector('dialog').remove()")  # the short limit would warn again
    tab.submit()
    expect(tab.page.locator("main")).to_contain_text("Stop only where it is safe.")


def test_without_javascript_nothing_changes(
    short_sessions, browser: Browser, live_server, app, member
) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        tab = Tab(context.new_page(), live_server, app)
        tab.sign_in(member)
        tab.visit("/account")
        tab.page.wait_for_timeout(3_000)
        expect(dialog(tab)).to_be_hidden()
        expect(tab.page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()


def revisions(session: Session, page: WikiPage) -> int:
    session.rollback()
    return session.scalar(select(func.count(WikiRevision.id)).where(WikiRevision.page_id == page.id)) or 0


def test_an_edit_saved_after_the_session_ended_comes_back_after_signing_in(
    tab: Tab, app, member, community, page, session
) -> None:
    edit = f"/c/{community.slug}/wiki/{page.slug}/edit"
    tab.sign_in(member)
    tab.visit(edit)
    tab.page.fill("#body", TYPED)
    tab.page.fill("#summary", "Safer stops")
    end_sessions(app)
    tab.submit()
    main = tab.page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Your session has ended")
    expect(main).to_contain_text("Nothing was saved")
    expect(main).to_contain_text("Record the reason code every time.")
    check_page(tab, "the session-ended page")
    tab.page.set_viewport_size(DESKTOP)
    with tab.page.expect_navigation():
        main.get_by_role("link", name="Sign in again").click()
    tab.page.fill("#email", member.email)
    tab.page.fill("#password", "lantern-quietly-harbour-91")
    tab.submit()
    assert tab.path().startswith(edit + "?kept=")
    assert tab.page.input_value("#body") == TYPED
    assert tab.page.input_value("#summary") == "Safer stops"
    expect(tab.page.locator("main")).to_contain_text("Nothing has been saved yet")
    assert revisions(session, page) == 1, "signing in again must not send the form"
    check_page(tab, "the editor with the kept text")
    tab.page.set_viewport_size(DESKTOP)
    tab.submit()
    expect(tab.page.locator("main")).to_contain_text("Record the reason code every time.")
    assert revisions(session, page) == 2
