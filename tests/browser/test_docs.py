"""The document library in Chromium: upload with the progress bars, a new version, a download with its
marked name, delete to the bin and a manager's restore; a file over the limit refused before it is
sent; axe-core on every library page."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.markings import Marking
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser


@dataclass
class Library:
    member: User
    manager: User
    community: Community


@pytest.fixture
def library(make: Factory, settings_overrides) -> Library:
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community(
        "Regional coordinators", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE
    )
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    return Library(member, manager, community)


def text_file(name: str, content: str) -> dict[str, object]:
    return {"name": name, "mimeType": "text/plain", "buffer": content.encode()}


def test_upload_new_version_download_delete_and_restore(tab: Tab, library: Library) -> None:
    docs = f"/c/{library.community.slug}/docs/"
    tab.sign_in(library.member)
    tab.visit(docs)
    check_page(tab, "the empty library")
    tab.page.get_by_role("link", name="Upload documents").click()
    tab.page.wait_for_url("**/docs/upload**")
    check_page(tab, "the upload form")
    tab.page.set_input_files("#files", [text_file("schedule.txt", "Shift pattern for the region.\n")])
    tab.page.fill("#title", "Rolling schedule")
    tab.page.check("input[name=marking][value=OFFICIAL-SENSITIVE]")
    with tab.page.expect_navigation(url="**/docs/*"):
        tab.page.get_by_role("button", name="Upload", exact=True).click()
    assert tab.page.locator("h1").inner_text() == "Rolling schedule"
    assert "Version 1" in tab.page.inner_text("main")
    document_path = tab.path()
    check_page(tab, "a document's page")

    tab.page.get_by_role("link", name="Upload a new version").click()
    tab.page.wait_for_url("**/versions/new")
    check_page(tab, "the new version form")
    tab.page.set_input_files("#file", [text_file("schedule-v2.txt", "Shift pattern, March added.\n")])
    tab.page.fill("#note", "March added")
    with tab.page.expect_navigation(url=f"**{document_path}"):
        tab.page.get_by_role("button", name="Upload new version").click()
    assert "Version 2 – March added" in tab.page.inner_text("main")

    with tab.page.expect_download() as downloading:
        tab.page.locator("main a.govuk-button", has_text="Download").click()
    download = downloading.value
    assert download.suggested_filename == "OFFICIAL-SENSITIVE - Rolling schedule v2.txt"
    with open(download.path(), "rb") as saved:
        assert saved.read() == b"Shift pattern, March added.\n"

    tab.page.get_by_role("link", name="All versions (2)").click()
    tab.page.wait_for_url("**/versions")
    assert "March added" in tab.page.inner_text("main")
    check_page(tab, "the versions page")

    tab.visit(document_path)
    tab.page.get_by_role("link", name="Delete").click()
    tab.page.wait_for_url("**/delete")
    check_page(tab, "the delete page")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Delete document").click()
    assert "has been moved to the bin" in tab.page.inner_text("main")
    assert tab.page.get_by_role("link", name="Rolling schedule").count() == 0

    tab.page.context.clear_cookies()
    tab.sign_in(library.manager)
    tab.visit(f"{docs}bin")
    check_page(tab, "the bin")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Restore").click()
    assert tab.path() == document_path
    assert "has been restored" in tab.page.inner_text("main")


@pytest.fixture
def one_megabyte(settings_overrides) -> None:
    settings_overrides["max_upload_mb"] = 1


def test_a_file_over_the_limit_is_refused_before_it_is_sent(one_megabyte, tab: Tab, library: Library) -> None:
    tab.sign_in(library.member)
    tab.visit(f"/c/{library.community.slug}/docs/upload")
    big = {"name": "huge.txt", "mimeType": "text/plain", "buffer": b"x" * (1024 * 1024 + 1)}
    tab.page.set_input_files("#files", [big, text_file("small.txt", "fine\n")])
    tab.page.fill("#description", "typed before the refusal")
    tab.page.get_by_role("button", name="Upload", exact=True).click()
    summary = tab.page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "huge.txt is larger than the 1 MB limit" in summary.inner_text()
    assert tab.page.input_value("#description") == "typed before the refusal"
    assert "/upload" in tab.path()
    check_page(tab, "the upload form refusing a large file")


def test_files_dropped_on_the_form_are_uploaded_one_by_one(tab: Tab, library: Library) -> None:
    tab.sign_in(library.member)
    tab.visit(f"/c/{library.community.slug}/docs/upload")
    # the upload script is loaded on demand: wait until it has taken over the drop zone
    tab.page.wait_for_selector(".polka-dropzone--enhanced")
    dropped = tab.page.evaluate_handle(
        """() => {
            const files = new DataTransfer();
            files.items.add(new File(["North west minutes\\n"], "North west minutes.txt", {type: "text/plain"}));
            files.items.add(new File(["Liaison letter\\n"], "Liaison letter.txt", {type: "text/plain"}));
            return files;
        }"""
    )
    tab.page.dispatch_event("[data-polka-dropzone]", "drop", {"dataTransfer": dropped})
    assert tab.page.evaluate("() => document.querySelector('#files').files.length") == 2
    with tab.page.expect_navigation(url=f"**/c/{library.community.slug}/docs/"):
        tab.page.get_by_role("button", name="Upload", exact=True).click()
    listing = tab.page.inner_text("main")
    assert "“North west minutes” has been uploaded" in listing
    assert "“Liaison letter” has been uploaded" in listing
    assert "North west minutes" in listing
    assert "Liaison letter" in listing


def test_the_library_management_pages_are_accessible(
    tab: Tab, library: Library, make: Factory, session
) -> None:
    from polka.docs import folders
    from tests.docs.conftest import DocsFactory, writing

    docs = DocsFactory(tab.app, session, make)
    with writing(session):
        minutes = folders.create_folder(
            session, session.merge(library.manager), session.merge(library.community), None, "Minutes"
        )
    replacement = docs.document(library.community, "Rolling schedule 2027", author=library.member)
    document = docs.document(library.community, "Rolling schedule 2026", author=library.member)
    tab.sign_in(library.manager)
    tab.visit(f"/c/{library.community.slug}/docs/folders/{minutes.id}")
    check_page(tab, "a folder, with the forms to add, rename and remove folders")
    tab.page.fill("#rename-folder", "")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Rename folder").click()
    assert "Enter the folder name" in tab.page.inner_text(".govuk-error-summary")
    check_page(tab, "a folder rename refused")
    base = f"/c/{library.community.slug}/docs/{document.id}"
    for path, where in ((f"{base}/move", "the move page"), (f"{base}/supersede", "the supersede page")):
        tab.visit(path)
        check_page(tab, where)
    tab.visit(f"{base}/edit")
    tab.page.fill("#title", "")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Save details").click()
    assert "Enter the title" in tab.page.inner_text(".govuk-error-summary")
    check_page(tab, "the details form with an error")
    tab.visit(f"{base}/supersede")
    tab.page.select_option("#replacement", str(replacement.id))
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Mark as superseded").click()
    assert "This document has been superseded by Rolling schedule 2027" in tab.page.inner_text("main")
    check_page(tab, "a superseded document")
