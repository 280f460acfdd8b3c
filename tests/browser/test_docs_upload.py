"""Uploading several files in Chromium, with JavaScript (one request a file) and without (one form post):
one refused file and one already in the folder leave the page listing what was stored (with links), what
was refused and why, and the choice for the file already here; what was typed stays. And a document's
page showing its text by itself once it has been read. axe-core at 1280 and 375 px throughout."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.docs.models import Document
from polka.markings import Marking
from tests.browser.conftest import DESKTOP, Tab, check_page
from tests.conftest import Factory
from tests.docs.conftest import DocsFactory

pytestmark = pytest.mark.browser

MINUTES = b"Minutes of the meeting on 12 March.\n"
ODD = random.Random(1).randbytes(4096)  # libmagic: application/octet-stream, not on the allow-list


@dataclass
class Library:
    member: User
    community: Community
    minutes: Document


@pytest.fixture
def library(app: Flask, make: Factory, session) -> Library:
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community(
        "Regional coordinators", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE
    )
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    minutes = DocsFactory(app, session, make).document(
        community, "Minutes 12 March", MINUTES, filename="minutes.txt", author=member
    )
    return Library(member, community, minutes)


@pytest.fixture
def no_script_tab(browser: Browser, live_server: str, app: Flask) -> Iterator[Tab]:
    """A tab whose pages run none of POLKA's JavaScript: its script arrives empty (with scripts switched
    off altogether, axe-core could not run on the page)."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    context.route(
        "**/static/polka.js*",
        lambda route: route.fulfill(status=200, content_type="text/javascript", body="// no script\n"),
    )
    yield Tab(context.new_page(), live_server, app)
    context.close()


def files() -> list[dict[str, object]]:
    return [
        {"name": "Liaison_letter.txt", "mimeType": "text/plain", "buffer": b"Dear colleagues,\n"},
        {"name": "odd.bin", "mimeType": "application/octet-stream", "buffer": ODD},
        {"name": "minutes-copy.txt", "mimeType": "text/plain", "buffer": MINUTES},
    ]


def fill_and_upload(tab: Tab, library: Library, *, script: bool) -> None:
    tab.sign_in(library.member)
    tab.visit(f"/c/{library.community.slug}/docs/upload")
    tab.page.set_input_files("#files", files())
    tab.page.fill("#description", "Papers for the March meeting")
    tab.page.fill("#tags", "minutes, march")
    tab.page.check("input[name=marking][value=OFFICIAL-SENSITIVE]")
    button = tab.page.get_by_role("button", name="Upload", exact=True)
    if script:
        button.click()
        tab.page.locator("[data-polka-upload-outcome]").wait_for()
    else:
        with tab.page.expect_navigation():
            button.click()


def check_outcome(tab: Tab, library: Library) -> None:
    main = tab.page.locator("main")
    uploaded = main.locator("[data-polka-uploaded]")
    assert "1 file has been uploaded as a draft" in uploaded.inner_text()
    assert uploaded.get_by_role("link", name="Liaison letter").count() == 1
    summary = tab.page.locator(".govuk-error-summary")
    assert "odd.bin: POLKA does not accept this type of file" in summary.inner_text()
    offer = main.locator("[data-polka-offer]")
    assert "minutes-copy.txt is already here as Minutes 12 March" in offer.inner_text()
    assert tab.page.input_value("#description") == "Papers for the March meeting"
    assert tab.page.input_value("#tags") == "minutes, march"
    assert tab.page.is_checked("input[name=marking][value=OFFICIAL-SENSITIVE]")
    check_page(tab, "the upload form after a partly refused upload")


def keep_both(tab: Tab, library: Library) -> None:
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Keep both").click()
    main = tab.page.inner_text("main")
    assert "minutes-copy.txt has been uploaded as a new document, “minutes copy”" in main
    assert tab.page.locator("h1").inner_text() == "minutes copy"


def test_several_files_with_one_refused_and_one_already_here_with_javascript(
    tab: Tab, library: Library
) -> None:
    fill_and_upload(tab, library, script=True)
    progress = tab.page.inner_text("[data-polka-progress-list]")
    assert "Not uploaded" in progress
    assert "Not stored" in progress
    check_outcome(tab, library)
    keep_both(tab, library)


def test_several_files_with_one_refused_and_one_already_here_without_javascript(
    no_script_tab: Tab, library: Library
) -> None:
    tab = no_script_tab
    fill_and_upload(tab, library, script=False)
    assert tab.path().endswith("/docs/upload")
    check_outcome(tab, library)
    keep_both(tab, library)


def test_the_document_page_shows_the_text_once_it_is_read(tab: Tab, library: Library) -> None:
    tab.sign_in(library.member)
    tab.visit(f"/c/{library.community.slug}/docs/{library.minutes.id}")
    preview = tab.page.locator("#preview-content")
    # The watcher is imported on demand, so the page may load a moment before it takes over.
    expect(preview).to_contain_text("This page will show it as soon as it is ready")
    assert "Reload" not in preview.inner_text()
    check_page(tab, "a document whose text is being read")
    tab.app.extensions["polka.jobs"].run_until_idle()
    tab.page.get_by_text("Minutes of the meeting on 12 March.").wait_for()
    news = tab.page.locator("[data-polka-extraction-news]")
    assert news.inner_text() == "The document has been read: its preview is now shown."
    assert tab.page.locator("[data-polka-extraction]").count() == 0
    check_page(tab, "a document whose text has just been read")
