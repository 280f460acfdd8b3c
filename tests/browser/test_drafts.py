"""Drafts in Chromium: what is typed in the wiki editor is saved as a draft every so often and when the
page is left, comes back on request, and leaving with changes asks first; axe-clean at both widths."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from playwright.sync_api import Dialog
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.drafts.models import Draft
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory
from tests.drafts.conftest import drafts_in
from tests.wiki.conftest import WikiFactory

pytestmark = pytest.mark.browser

TYPED = "Letters go out on Mondays.\n\nA paragraph typed before the session ended."


@dataclass
class Editing:
    member: User
    community: Community

    @property
    def edit_url(self) -> str:
        return f"/c/{self.community.slug}/wiki/liaison-letters/edit"


@pytest.fixture
def editing(make: Factory, session: Session) -> Editing:
    manager = make.user("Sandra Okafor", two_factor=True)
    community = make.community("PNC Operators", managers=[manager])
    member = make.member(community, make.user("Priya Shah", email="priya.shah@met.police.uk"), Role.MEMBER)
    WikiFactory(session, make).page(
        community, "Liaison letters", "Letters go out on Mondays.\n", author=manager
    )
    return Editing(member, community)


class Dialogs:
    """Every dialog the page opens, answered as told (a question before leaving: leave or stay)."""

    def __init__(self, tab: Tab, *, leave: bool = True) -> None:
        self.seen: list[str] = []
        self.leave = leave
        tab.page.on("dialog", self._answer)

    def _answer(self, dialog: Dialog) -> None:
        self.seen.append(dialog.type)
        if self.leave:
            dialog.accept()
        else:
            dialog.dismiss()


def type_into_editor(tab: Tab, text: str) -> None:
    body = tab.page.locator("#body")
    body.click()  # a person's click: browsers only ask before leaving pages someone interacted with
    body.press("End")
    tab.page.keyboard.type(text)


def wait_for_draft(session: Session) -> Draft:
    for _ in range(50):
        found = drafts_in(session)
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError("no draft was saved")


def test_typing_is_saved_as_a_draft_and_resumed_after_leaving(
    tab: Tab, session: Session, editing: Editing
) -> None:
    tab.page.clock.install()
    dialogs = Dialogs(tab)
    tab.sign_in(editing.member)
    tab.visit(editing.edit_url)
    check_page(tab, "the wiki editor")
    type_into_editor(tab, "\nA paragraph typed before the session ended.")

    # Thirty seconds later the draft is saved, and the page says so politely.
    tab.page.clock.fast_forward(31_000)
    status = tab.page.locator("#draft-status")
    status.filter(has_text="Draft saved at").wait_for()
    assert status.get_attribute("aria-live") == "polite"
    assert "A paragraph typed before the session ended." in wait_for_draft(session).fields["body"]
    assert tab.page.evaluate("() => window.localStorage.length + window.sessionStorage.length") == 0

    # Leaving asks first (the text is not saved to the page); coming back offers the draft.
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Cancel and go back to the page").click()
    assert dialogs.seen == ["beforeunload"]
    tab.visit(editing.edit_url)
    notice = tab.page.locator(".polka-draft-notice")
    assert "You have an unsaved draft from" in notice.inner_text()
    assert "A paragraph typed" not in tab.page.input_value("#body")
    check_page(tab, "the wiki editor offering a draft")

    # Resuming restores the text; saving publishes it and the draft goes.
    with tab.page.expect_navigation():
        notice.get_by_role("button", name="Resume draft").click()
    assert tab.page.input_value("#body").replace("\r\n", "\n") == TYPED
    check_page(tab, "the wiki editor holding a resumed draft")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert "A paragraph typed before the session ended." in tab.page.inner_text("main")
    assert dialogs.seen == ["beforeunload"]  # saving never asks
    assert drafts_in(session) == []


def test_leaving_saves_the_draft_at_once(tab: Tab, session: Session, editing: Editing) -> None:
    Dialogs(tab, leave=True)
    tab.sign_in(editing.member)
    tab.visit(editing.edit_url)
    type_into_editor(tab, "\nTyped just before closing the tab.")
    tab.visit("/")  # well before the 30-second save
    assert "Typed just before closing the tab." in wait_for_draft(session).fields["body"]


def test_leaving_with_changes_asks_first_and_staying_keeps_them(tab: Tab, editing: Editing) -> None:
    dialogs = Dialogs(tab, leave=False)
    tab.sign_in(editing.member)
    tab.visit(editing.edit_url)
    tab.page.get_by_role("link", name="Cancel and go back to the page").click()  # nothing typed: no question
    tab.page.wait_for_url(f"**/c/{editing.community.slug}/wiki/liaison-letters")
    assert dialogs.seen == []

    tab.visit(editing.edit_url)
    type_into_editor(tab, "\nNot saved anywhere yet.")
    tab.page.get_by_role("link", name="Cancel and go back to the page").click()
    tab.page.wait_for_timeout(500)
    assert dialogs.seen == ["beforeunload"]
    assert tab.path() == editing.edit_url  # stayed
    assert "Not saved anywhere yet." in tab.page.input_value("#body")


def test_typing_beside_a_waiting_draft_never_overwrites_it_until_it_is_discarded(
    tab: Tab, session: Session, editing: Editing
) -> None:
    tab.page.clock.install()
    Dialogs(tab)
    tab.sign_in(editing.member)
    tab.visit(editing.edit_url)
    type_into_editor(tab, "\nThe earlier draft.")
    tab.page.clock.fast_forward(31_000)
    tab.page.locator("#draft-status").filter(has_text="Draft saved at").wait_for()

    tab.visit(editing.edit_url)  # the draft waits: typing here is not saved over it
    type_into_editor(tab, "\nSomething else.")
    tab.page.clock.fast_forward(31_000)
    tab.page.locator("#draft-status").filter(has_text="is kept: resume or discard it").wait_for()
    assert "The earlier draft." in wait_for_draft(session).fields["body"]

    # Discarding it keeps what was typed here, which becomes the draft.
    tab.page.get_by_role("button", name="Discard draft").click()
    tab.page.locator("#draft-status").filter(has_text="Draft saved at").wait_for()
    assert tab.page.locator(".polka-draft-notice").count() == 0
    assert "Something else." in tab.page.input_value("#body")
    body = wait_for_draft(session).fields["body"]
    assert "Something else." in body
    assert "The earlier draft." not in body
