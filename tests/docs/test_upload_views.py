"""Uploading documents through the form: one or several files, every way an upload can be refused, and
what is (not) kept afterwards."""

from __future__ import annotations

import io
import random

import pytest

from polka.docs.models import Document
from tests.docs.conftest import DocsFactory, DocsWorld, upload, writing
from tests.support import text

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
RANDOM_BYTES = random.Random(1).randbytes(4096)  # libmagic: application/octet-stream, not on the allow-list


def titles(docs: DocsFactory) -> list[str]:
    return [d.title for d in docs.all_documents()]


def test_a_member_uploads_a_file_and_sees_its_page(web, login, world: DocsWorld, docs: DocsFactory):
    login(world.member)
    response = upload(
        web,
        world.community,
        [(b"Meeting minutes of the north west region.\n", "Minutes March.txt")],
        title="North west minutes",
        description="Minutes of the March meeting",
        tags="Minutes, North West, minutes",
    )
    assert response.status_code == 302
    page = text(web.get(response.headers["Location"]))
    assert "North west minutes" in page
    assert "Draft" in page
    assert "Version 1" in page
    assert "Minutes March.txt" in page
    assert "Mel Member" in page
    created = docs.all_documents()[-1]
    assert created.tags == "minutes,north west"
    assert created.created_by_id == world.member.id


def test_several_files_become_several_documents_named_after_their_files(web, login, world, docs):
    login(world.member)
    response = upload(
        web,
        world.community,
        [(b"first file\n", "Liaison letter.txt"), (b"second file\n", "Rolling schedule v3.txt")],
        title="ignored when there are several files",
    )
    assert response.status_code == 302
    assert titles(docs)[-2:] == ["Liaison letter", "Rolling schedule v3"]


def test_no_file_chosen_is_refused_and_keeps_what_was_typed(web, login, world, docs):
    login(world.member)
    before = titles(docs)
    response = upload(web, world.community, [], description="Kept description", tags="kept-tag")
    assert response.status_code == 400
    page = text(response)
    assert "Select one or more files to upload" in page
    assert "Kept description" in response.get_data(as_text=True)
    assert 'value="kept-tag"' in response.get_data(as_text=True)
    assert titles(docs) == before


def test_an_empty_file_is_refused_and_nothing_kept(web, login, world, docs):
    login(world.member)
    before = (titles(docs), docs.stored_files())
    response = upload(web, world.community, [(b"", "empty.txt")])
    assert response.status_code == 400
    assert "The selected file is empty" in text(response)
    assert (titles(docs), docs.stored_files()) == before


def test_a_type_not_on_the_allow_list_is_refused_saying_what_it_is(web, login, world, docs):
    login(world.member)
    before = (titles(docs), docs.stored_files())
    response = upload(web, world.community, [(RANDOM_BYTES, "report.pdf")])
    assert response.status_code == 400
    assert "does not accept this type of file (application/octet-stream)" in text(response)
    assert (titles(docs), docs.stored_files()) == before


def test_one_refused_file_refuses_only_itself_and_the_page_lists_both(web, login, world, docs):
    login(world.member)
    before = titles(docs)
    response = upload(
        web,
        world.community,
        [(b"good text\n", "Good_notes.txt"), (RANDOM_BYTES, "odd.bin"), (b"", "empty.txt")],
        description="Typed for every file",
        tags="minutes",
        marking="OFFICIAL-SENSITIVE",
    )
    assert response.status_code == 400
    page = text(response)
    assert "1 file has been uploaded as a draft" in page
    stored = docs.all_documents()[-1]
    assert titles(docs) == [*before, "Good notes"]
    html = response.get_data(as_text=True)
    assert f'href="/c/{world.community.slug}/docs/{stored.id}"' in html
    assert "odd.bin: POLKA does not accept this type of file" in page
    assert "empty.txt: The selected file is empty" in page
    assert "Typed for every file" in html
    assert 'value="minutes"' in html
    assert 'value="OFFICIAL-SENSITIVE" checked' in html


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><body><script>alert(1)</script></body></html>", "page.html"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg"),
        (ELF, "tool.exe"),
    ],
)
def test_pages_svg_and_programs_are_kept_only_as_downloads(web, login, world, docs, content, name):
    """Never previewed, always an attachment; a type a browser could run is sent as octet-stream."""
    login(world.member)
    response = upload(web, world.community, [(content, name)])
    assert response.status_code == 302
    document_url = response.headers["Location"]
    page = web.get(document_url).get_data(as_text=True)
    assert "never opened in POLKA" in page
    assert "alert(1)" not in page
    download = web.get(f"{document_url}/download")
    assert download.status_code == 200
    assert download.mimetype == (
        "application/x-executable" if name == "tool.exe" else "application/octet-stream"
    )
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.get_data() == content


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "C:\\Windows\\system32\\x.txt",
        "nul\x00byte.txt",
        "a" * 300 + ".txt",
        "invoice\u202egpj.txt",
        "CON.txt",
        "...hidden.txt",
        "\U0001f46e minutes.txt",
        '<img src=x onerror="alert(1)">.txt',
    ],
)
def test_hostile_file_names_are_stored_safely_and_shown_escaped(web, login, world, docs, hostile):
    login(world.member)
    response = upload(web, world.community, [(b"plain text\n", hostile)])
    assert response.status_code == 302
    document = docs.all_documents()[-1]
    version = docs.versions(document)[0]
    name = version.filename
    assert "/" not in name
    assert "\\" not in name
    assert "\x00" not in name
    assert "\u202e" not in name
    assert not name.startswith(".")
    assert len(name) <= 200
    assert name.split(".")[0].lower() != "con"
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "<img src=x" not in page
    # the bytes live under their hash, never under the user's name
    assert docs.store.path_for(version.sha256).read_bytes() == b"plain text\n"
    download = web.get(f"{response.headers['Location']}/download")
    assert download.status_code == 200
    disposition = download.headers["Content-Disposition"]
    assert "/" not in disposition.split("filename*=")[0]
    assert "\\" not in disposition


def test_a_marking_above_official_sensitive_is_refused_and_never_stored(web, login, world, docs):
    login(world.member)
    before = titles(docs)
    response = upload(web, world.community, [(b"secret\n", "plan.txt")], marking="SECRET")
    assert response.status_code == 400
    assert "Material above OFFICIAL-SENSITIVE cannot be stored in POLKA" in text(response)
    assert titles(docs) == before


def test_a_marking_above_the_community_ceiling_is_refused(web, login, make, docs):
    member = make.user("Low Ceiling Member")
    community = make.community(
        "Neighbourhood policing", managers=[make.user("Nina Manager", two_factor=True)]
    )
    make.member(community, member)
    login(member)
    response = upload(web, community, [(b"text\n", "note.txt")], marking="OFFICIAL-SENSITIVE")
    assert response.status_code == 400
    assert "holds material up to OFFICIAL only" in text(response)


def test_a_reader_may_not_upload(web, login, world, docs):
    login(world.reader)
    before = titles(docs)
    assert web.get(f"/c/{world.community.slug}/docs/upload").status_code == 403
    assert upload(web, world.community, [(b"text\n", "note.txt")]).status_code == 403
    assert titles(docs) == before


def test_an_outsider_cannot_find_a_private_library(web, login, world, docs):
    login(world.outsider)
    assert web.get(f"/c/{world.private.slug}/docs/").status_code == 404
    assert web.get(f"/c/{world.private.slug}/docs/upload").status_code == 404


@pytest.fixture
def small_uploads(settings_overrides):
    settings_overrides["max_upload_mb"] = 1


def raw_upload(web, community, size: int, *, chunked: bool = False, headers=None):
    """POST a file of ``size`` bytes, encoded here (the test client would spool a big body to a file)."""
    boundary = "polka-boundary"
    url = f"/c/{community.slug}/docs/upload"
    token = web.token(url)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="marking"\r\n\r\nOFFICIAL\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    content_type = f"multipart/form-data; boundary={boundary}"
    if not chunked:
        return web.client.post(url, data=body, content_type=content_type, headers=headers)
    return web.client.post(
        url,
        input_stream=io.BytesIO(body),
        content_type=content_type,
        environ_overrides={"wsgi.input_terminated": True},
        headers=headers,
    )


def test_an_upload_over_the_limit_is_refused_before_it_is_read(small_uploads, web, login, world, docs):
    login(world.member)
    before = (titles(docs), docs.stored_files())
    response = raw_upload(web, world.community, 1024 * 1024 + 100 * 1024)
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in text(response)
    assert (titles(docs), docs.stored_files()) == before


def test_a_file_just_over_the_limit_is_refused_while_stored_and_nothing_kept(
    small_uploads, web, login, world, docs
):
    login(world.member)
    before = (titles(docs), docs.stored_files())
    response = raw_upload(web, world.community, 1024 * 1024 + 1)
    assert response.status_code == 413
    assert "larger than the limit of 1 MB" in text(response)
    assert (titles(docs), docs.stored_files()) == before


def test_a_file_of_exactly_the_limit_is_accepted(small_uploads, web, login, world, docs):
    login(world.member)
    assert raw_upload(web, world.community, 1024 * 1024).status_code == 302
    assert docs.all_documents()[-1].size == 1024 * 1024


def test_a_chunked_upload_over_the_limit_is_refused(small_uploads, web, login, world, docs):
    login(world.member)
    before = titles(docs)
    response = raw_upload(web, world.community, 1024 * 1024 + 100 * 1024, chunked=True)
    assert response.status_code == 413
    assert titles(docs) == before


@pytest.mark.parametrize("chunked", [False, True])
def test_the_upload_script_is_told_the_limit_in_json(small_uploads, web, login, world, docs, chunked):
    login(world.member)
    before = titles(docs)
    json = {"Accept": "application/json"}
    response = raw_upload(web, world.community, 1024 * 1024 + 100 * 1024, chunked=chunked, headers=json)
    assert response.status_code == 413
    assert response.get_json() == {
        "error": "The request was larger than the 1 MB limit. Nothing was uploaded. "
        "If you chose several files, go back and upload them a few at a time."
    }
    assert titles(docs) == before


def test_the_upload_script_is_told_in_json_when_its_page_expired(web, login, world, docs):
    login(world.member)
    before = titles(docs)
    url = f"/c/{world.community.slug}/docs/upload"
    stale = {"csrf_token": "stale", "marking": "OFFICIAL", "files": [(io.BytesIO(b"text\n"), "note.txt")]}
    response = web.client.post(url, data=stale, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "The form had expired. Reload the page and try again.",
        "signed_in": True,
    }
    assert titles(docs) == before


def test_the_form_states_the_size_limit(small_uploads, web, login, world):
    login(world.member)
    page = text(web.get(f"/c/{world.community.slug}/docs/upload"))
    assert "Each file can be up to 1 MB" in page


def test_the_upload_script_gets_json_answers(web, login, world, docs):
    login(world.member)
    ok = upload(web, world.community, [(b"text\n", "note.txt")], headers={"Accept": "application/json"})
    assert ok.status_code == 201
    created = ok.get_json()["documents"][0]
    assert created["title"] == "note"
    assert web.get(created["url"]).status_code == 200
    refused = upload(web, world.community, [(b"", "empty.txt")], headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert refused.get_json() == {"error": "The selected file is empty"}


def test_an_upload_into_a_folder_lands_there(web, login, world, docs, session):
    from polka.docs import folders

    login(world.member)

    with writing(session):
        folder = folders.create_folder(
            session, session.merge(world.member), session.merge(world.community), None, "Minutes"
        )
    response = upload(web, world.community, [(b"text\n", "march.txt")], folder=str(folder.id))
    assert response.status_code == 302
    created = docs.all_documents()[-1]
    assert isinstance(created, Document)
    assert created.folder_id == folder.id
    listing = text(web.get(f"/c/{world.community.slug}/docs/folders/{folder.id}"))
    assert "march" in listing
