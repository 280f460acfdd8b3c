"""The wiki editor in Chromium, by keyboard only: the formatting toolbar, the document and page pickers
(an ARIA combobox announcing how many it found), at desktop and phone widths with axe-core clean; and
without JavaScript, the plain text box, the help link and the server-side preview."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.docs.models import Document
from polka.markings import Marking
from tests.browser.conftest import DESKTOP, MOBILE, Tab, check_page
from tests.conftest import Factory
from tests.docs.conftest import DocsFactory
from tests.wiki.conftest import WikiFactory

pytestmark = pytest.mark.browser

WIDTHS = [pytest.param(DESKTOP, id="1280"), pytest.param(MOBILE, id="375")]


@dataclass
class Desk:
    writer: User
    community: Community
    document: Document


@pytest.fixture
def desk(app: Flask, make: Factory, session: Session) -> Desk:
    writer = make.user("Priya Shah", email="priya.shah@met.police.uk")
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(community, writer, Role.MEMBER)
    document = DocsFactory(app, session, make).document(community, "Rolling schedule", author=writer)
    wiki = WikiFactory(session, make)
    wiki.page(community, "Shift handover", "What to hand over.\n", author=writer)
    return Desk(writer, community, document)


def focused(tab: Tab) -> str:
    """What has the keyboard focus: its accessible text or id."""
    return str(
        tab.page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()")
    )


def to_tool(tab: Tab, name: str) -> None:
    """From the text box, Shift+Tab into the toolbar, Home, then the arrow keys to the named button."""
    tab.page.keyboard.press("Shift+Tab")
    tab.page.keyboard.press("Home")
    for _ in range(12):
        if focused(tab) == name:
            return
        tab.page.keyboard.press("ArrowRight")
    raise AssertionError(f"no toolbar button {name!r}")


@pytest.mark.parametrize("viewport", WIDTHS)
def test_toolbar_and_pickers_by_keyboard(tab: Tab, desk: Desk, viewport) -> None:  # type: ignore[no-untyped-def]
    page = tab.page
    page.set_viewport_size(viewport)
    tab.sign_in(desk.writer)
    tab.visit(f"/c/{desk.community.slug}/wiki/new")
    page.fill("#title", "Night shift")
    body = page.locator("#body")
    toolbar = page.get_by_role("toolbar", name="Formatting and links")
    expect(toolbar).to_be_visible()
    assert toolbar.locator("button").evaluate_all("buttons => buttons.map(b => b.tabIndex)") == [0] + [-1] * 8

    # Bold: type, select the words by keyboard, press the toolbar's first button.
    body.focus()
    page.keyboard.type("Night shift handover")
    page.keyboard.press("Shift+Home")
    to_tool(tab, "Bold")
    page.keyboard.press("Enter")
    assert body.input_value() == "**Night shift handover**"
    expect(body).to_be_focused()  # back to typing, the words still selected
    assert body.evaluate("b => b.value.slice(b.selectionStart, b.selectionEnd)") == "Night shift handover"

    # The toolbar is one tab stop that remembers the last button; End and Home reach its ends.
    page.keyboard.press("Shift+Tab")
    assert focused(tab) == "Bold"
    page.keyboard.press("End")
    assert focused(tab) == "Preview"
    page.keyboard.press("Home")
    assert focused(tab) == "Bold"
    page.keyboard.press("Tab")
    expect(body).to_be_focused()

    # A list works on whole lines.
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.keyboard.type("Check the log")
    to_tool(tab, "List")
    page.keyboard.press("Enter")
    assert body.input_value() == "**Night shift handover**\n\n- Check the log"

    # The document picker: type part of a title, hear how many were found, choose with the keys.
    body.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nSee ")
    to_tool(tab, "Document link")
    page.keyboard.press("Enter")
    combobox = page.get_by_role("combobox", name="Find a document to link to")
    expect(combobox).to_be_focused()
    page.keyboard.type("sched")
    status = page.locator(".polka-picker__status")
    expect(status).to_have_text("1 document found. Use the arrow keys to choose.")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    check_page(tab, "the editor with the document picker open")
    page.set_viewport_size(viewport)
    page.keyboard.press("ArrowDown")
    option = page.get_by_role("option", name="Rolling schedule")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(combobox).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    page.keyboard.press("Enter")
    expect(combobox).to_be_hidden()
    expect(body).to_be_focused()
    link = f"[[doc:{desk.document.id}|Rolling schedule]]"
    assert body.input_value().endswith(f"See {link}")

    # The page picker; Escape closes a picker and gives the focus back to its button.
    page.keyboard.type(" and ")
    to_tool(tab, "Page link")
    page.keyboard.press("Enter")
    page.keyboard.type("nothing like it")
    expect(status).to_have_text("No page you may see matches “nothing like it”.")
    page.keyboard.press("Escape")
    expect(page.get_by_role("combobox", name="Find a wiki page to link to")).to_be_hidden()
    assert focused(tab) == "Page link"
    page.keyboard.press("Enter")
    page.keyboard.type("hand")
    expect(status).to_have_text("1 page found. Use the arrow keys to choose.")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert body.input_value().endswith(f"See {link} and [[Shift handover]]")

    # The toolbar's Preview asks the server, which shows the document's title.
    to_tool(tab, "Preview")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    preview = page.locator(".polka-preview")
    expect(preview.get_by_role("link", name="Rolling schedule")).to_be_visible()
    expect(preview.get_by_role("heading", name="Night shift handover")).to_have_count(
        0
    )  # bold, not a heading
    assert page.input_value("#body").endswith(f"See {link} and [[Shift handover]]")
    check_page(tab, "the editor after a preview")


def test_without_javascript_the_text_box_help_and_preview_still_work(
    browser: Browser, live_server: str, app: Flask, desk: Desk
) -> None:
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    try:
        tab = Tab(context.new_page(), live_server, app)
        tab.sign_in(desk.writer)
        tab.visit(f"/c/{desk.community.slug}/wiki/new")
        expect(tab.page.get_by_role("toolbar")).to_have_count(0)
        help_link = tab.page.get_by_role("link", name="Markdown help, opens in a new tab", exact=False)
        assert help_link.get_attribute("href") == "/help/markdown"
        tab.page.fill("#title", "Plain")
        tab.page.fill("#body", f"## Rotas\n\nSee [[doc:{desk.document.id}]].\n")
        with tab.page.expect_navigation():
            tab.page.click("button[value=preview]")
        expect(
            tab.page.locator(".polka-preview").get_by_role("link", name="Rolling schedule")
        ).to_be_visible()
        assert tab.page.input_value("#body") == f"## Rotas\n\nSee [[doc:{desk.document.id}]].\n"
    finally:
        context.close()


def test_the_markdown_help_page_is_accessible(tab: Tab, desk: Desk) -> None:
    tab.sign_in(desk.writer)
    tab.visit("/help/markdown")
    expect(tab.page.get_by_role("heading", name="Writing in Markdown")).to_be_visible()
    check_page(tab, "the Markdown help page")
