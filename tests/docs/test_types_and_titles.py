"""A document as people read it: a title made from its file name, its type by a name people know,
the checksum with the version details, and the page following its text being read."""

from __future__ import annotations

import pytest

from polka.docs.services import title_from_filename
from polka.filetypes import type_name
from tests.docs import samples
from tests.docs.conftest import DocsFactory, DocsWorld, upload
from tests.docs.test_text_and_search import run_jobs
from tests.support import text


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("Minutes_12-March.v2.docx", "Minutes 12 March v2"),
        ("stop-and-search_guidance.PDF", "stop and search guidance"),
        ("2026-03-12 minutes.odt", "2026-03-12 minutes"),
        ("Policy v1.2.pdf", "Policy v1.2"),
        ("backup.tar.gz", "backup"),
        ("___.txt", "Untitled document"),
    ],
)
def test_titles_from_file_names_read_as_words(filename, title):
    assert title_from_filename(filename) == title


def test_an_upload_without_a_title_is_named_after_its_file_cleanly(web, login, world, docs):
    login(world.member)
    response = upload(web, world.community, [(b"Minutes of the meeting\n", "Minutes_12-March.v2.txt")])
    assert response.status_code == 302
    assert docs.all_documents()[-1].title == "Minutes 12 March v2"


@pytest.mark.parametrize(
    ("media_type", "name"),
    [
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document"),
        ("application/msword", "Word document"),
        ("application/pdf", "PDF"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel spreadsheet"),
        ("application/vnd.oasis.opendocument.text", "OpenDocument text"),
        ("text/plain", "Plain text"),
        ("application/zip", "ZIP archive"),
        ("application/x-executable", "Program"),
        ("application/x-unheard-of", "File"),
    ],
)
def test_types_are_named_as_people_know_them(media_type, name):
    assert type_name(media_type) == name


def test_the_type_is_named_on_the_page_the_list_and_the_versions(web, login, world, docs, tmp_path):
    path = samples.docx_file(tmp_path / "plan.docx", ["The plan for March."])
    document = docs.document(
        world.community, "March plan", path.read_bytes(), filename="plan.docx", author=world.member
    )
    login(world.reader)
    base = f"/c/{world.community.slug}/docs"
    page = text(web.get(f"{base}/{document.id}"))
    assert "Type Word document" in page
    assert "openxmlformats" not in page
    listing = text(web.get(f"{base}/"))
    assert "March plan Word document" in listing
    assert "Rolling schedule Plain text" in listing
    versions = text(web.get(f"{base}/{document.id}/versions"))
    assert "plan.docx (Word document)" in versions
    assert "openxmlformats" not in versions


def test_the_checksum_is_with_the_versions_not_the_summary(web, login, world, docs: DocsFactory):
    sha256 = docs.versions(world.document)[0].sha256
    login(world.reader)
    base = f"/c/{world.community.slug}/docs/{world.document.id}"
    page = text(web.get(base))
    assert sha256 not in page
    assert "Checksum" not in page
    versions = text(web.get(f"{base}/versions"))
    assert "Checksum (SHA-256)" in versions
    assert sha256 in versions


def test_the_page_follows_the_text_being_read(app, web, login, world: DocsWorld):
    login(world.reader)
    base = f"/c/{world.community.slug}/docs/{world.document.id}"
    page = web.get(base).get_data(as_text=True)
    assert f'data-polka-extraction="{base}/text-status"' in page
    assert "Reload the page in a minute" in page  # said to readers without JavaScript
    status = web.get(f"{base}/text-status")
    assert status.status_code == 200
    assert status.get_json() == {"version": 1, "pending": True, "status": "pending"}
    run_jobs(app)
    assert web.get(f"{base}/text-status").get_json() == {"version": 1, "pending": False, "status": "done"}
    page = web.get(base).get_data(as_text=True)
    assert "data-polka-extraction=" not in page
    assert "Shift pattern for the regional team." in page


def test_the_text_status_is_not_found_by_outsiders_of_a_private_community(web, login, world, docs):
    document = docs.document(world.private, "Covert plan", author=world.manager)
    url = f"/c/{world.private.slug}/docs/{document.id}/text-status"
    login(world.manager)
    assert web.get(url).status_code == 200
    for outsider in (world.outsider, world.member):
        login(outsider)
        assert web.get(url).status_code == 404
