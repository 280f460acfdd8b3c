"""Attachments over HTTP: upload and download the same bytes, always as a download, never run by the
browser; hostile names cleaned; need-to-know downloads audited; and the permission policy on each."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from polka.wiki.models import WikiAttachment
from tests.communities.support import audited
from tests.support import text

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def page_url(world, suffix="", page=None):
    return f"/c/{world.community.slug}/wiki/{(page or world.page).slug}{suffix}"


def upload(web, world, content, name, page=None):
    return web.post(
        page_url(world, "/attachments", page),
        {"file": (io.BytesIO(content), name)},
        token_from=page_url(world, "", page),
        content_type="multipart/form-data",
    )


def stored(session, page):
    session.rollback()
    query = select(WikiAttachment).where(WikiAttachment.page_id == page.id).order_by(WikiAttachment.id)
    return list(session.scalars(query))


def attach(web, login, world, session, content=PDF, name="checks.pdf", page=None):
    """Attach a file as the member; return its row."""
    login(world.member)
    response = upload(web, world, content, name, page)
    assert response.status_code == 302, text(response)
    return stored(session, page or world.page)[-1]


def download_url(world, attachment, page=None):
    return page_url(world, f"/attachments/{attachment.id}", page)


def download(web, url):
    """GET a download, read it whole and close it (the file behind it stays open until then)."""
    response = web.get(url)
    response.get_data()
    response.close()
    return response


# Upload and download ----------------------------------------------------------------------------


def test_member_uploads_a_file_and_downloads_the_same_bytes(web, login, world, session):
    attachment = attach(web, login, world, session)
    response = download(web, download_url(world, attachment))
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"


def test_a_download_is_an_attachment_never_sniffed_or_cached(web, login, world, session):
    attachment = attach(web, login, world, session)
    response = download(web, download_url(world, attachment))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''checks.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_name_outside_ascii_is_kept_exactly_in_filename_star(web, login, world, session):
    attachment = attach(web, login, world, session, name="Café rota 📎.pdf")
    disposition = download(web, download_url(world, attachment)).headers["Content-Disposition"]
    star = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(star) == "Café rota 📎.pdf"
    assert 'filename="Cafe rota .pdf"' in disposition


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "page.html"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.svg",
        ),
        (b"<html><script>alert(1)</script></html>", "innocent.txt"),
    ],
)
def test_files_a_browser_could_run_come_back_as_octet_stream_attachments(
    web, login, world, session, content, name
):
    attachment = attach(web, login, world, session, content=content, name=name)
    response = download(web, download_url(world, attachment))
    assert response.status_code == 200
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data == content


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\\\x", "x"),  # as a client that quotes its header sends C:\x
        ("report\x00.exe.pdf", "report.exe.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("CON", "_CON"),
        ("con.txt", "_con.txt"),
        ("...hidden", "hidden"),
        (".htaccess", "htaccess"),
        ("📎 notes 🚓.pdf", "📎 notes 🚓.pdf"),
    ],
)
def test_hostile_file_names_are_stored_cleaned(web, login, world, session, sent, kept):
    assert attach(web, login, world, session, name=sent).filename == kept


def test_a_very_long_file_name_is_shortened_keeping_its_extension(web, login, world, session):
    name = attach(web, login, world, session, name="a" * 300 + ".pdf").filename
    assert len(name) <= 200
    assert name.endswith("aaa.pdf")


def test_a_file_name_is_shown_escaped_on_the_page(web, login, world, session):
    attach(web, login, world, session, name="Tom & Jerry's <img src=x onerror=alert(1)>.pdf")
    body = web.get(page_url(world)).get_data(as_text=True)
    assert "<img src=x" not in body
    assert "Tom &amp; Jerry&#39;s _img src=x onerror=alert(1)_.pdf" in body


def test_the_upload_says_what_was_attached(web, login, world, session):
    attach(web, login, world, session)
    assert "“checks.pdf” has been attached" in text(web.get(page_url(world)))


# Refused uploads --------------------------------------------------------------------------------


def test_sending_no_file_is_a_clear_error(web, login, world, session):
    login(world.member)
    response = web.post(
        page_url(world, "/attachments"), {}, content_type="multipart/form-data", follow_redirects=True
    )
    assert response.status_code == 200
    assert "Select a file to attach" in text(response)
    assert stored(session, world.page) == []


def test_an_unchosen_file_field_is_a_clear_error(web, login, world, session):
    login(world.member)
    response = upload(web, world, b"", "")
    assert response.status_code == 302
    assert "Select a file to attach" in text(web.get(page_url(world)))


def test_an_empty_file_is_refused(web, login, world, session):
    login(world.member)
    response = upload(web, world, b"", "empty.txt")
    assert response.status_code == 302
    assert "The selected file is empty" in text(web.get(page_url(world)))
    assert stored(session, world.page) == []


@pytest.fixture
def small_uploads(settings_overrides):
    settings_overrides["max_upload_mb"] = 1


def big_upload(web, world, *, chunked=False, size=1024 * 1024 + 100 * 1024):
    """POST a file over 1 MB (by default more than the form's allowance over it), encoded here: the
    test client would spool so large a body to a temporary file it never closes."""
    boundary = "polka-boundary"
    token = web.token(page_url(world))
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"x" * size
        + f"\r\n--{boundary}--\r\n".encode()
    )
    content_type = f"multipart/form-data; boundary={boundary}"
    if not chunked:  # with a Content-Length
        return web.client.post(page_url(world, "/attachments"), data=body, content_type=content_type)
    return web.client.post(
        page_url(world, "/attachments"),
        input_stream=io.BytesIO(body),
        content_type=content_type,
        environ_overrides={"wsgi.input_terminated": True},  # no length: the body ends when the stream does
    )


def test_an_upload_over_the_limit_is_refused_before_it_is_read(small_uploads, web, login, world, session):
    login(world.member)
    response = big_upload(web, world)
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in text(response)
    assert stored(session, world.page) == []


def test_a_file_just_over_the_limit_is_refused_while_stored_and_nothing_kept(
    small_uploads, web, login, world, session
):
    login(world.member)
    response = big_upload(web, world, size=1024 * 1024 + 1)
    assert response.status_code == 413
    assert "larger than the limit of 1 MB" in text(response)
    assert stored(session, world.page) == []


def test_a_file_of_exactly_the_limit_is_accepted(small_uploads, web, login, world, session):
    login(world.member)
    assert big_upload(web, world, size=1024 * 1024).status_code == 302
    assert len(stored(session, world.page)) == 1


def test_a_chunked_upload_over_the_limit_is_refused_too(small_uploads, web, login, world, session):
    """A body sent without a Content-Length is cut off at the limit as it streams in."""
    login(world.member)
    response = big_upload(web, world, chunked=True)
    assert response.status_code == 413
    assert "larger than the 1 MB limit" in text(response)
    assert stored(session, world.page) == []


def test_reader_may_not_upload(web, login, world, session):
    login(world.reader)
    response = upload(web, world, PDF, "checks.pdf")
    assert response.status_code == 403
    assert "members, moderators and managers can attach files" in text(response)
    assert stored(session, world.page) == []


def test_member_may_not_upload_to_a_protected_page(web, login, world, session, wiki):
    login(world.moderator)
    web.post(page_url(world, "/protect"), {"protected": "1"})
    login(world.member)
    response = upload(web, world, PDF, "checks.pdf")
    assert response.status_code == 403
    assert "This page is protected" in text(response)


# Need-to-know -----------------------------------------------------------------------------------


@pytest.fixture
def sensitive(world, wiki):
    return wiki.page(
        world.community, "Source handling", marking=Marking.OFFICIAL_SENSITIVE, author=world.moderator
    )


def test_an_official_sensitive_download_carries_the_marking_and_is_audited(
    web, login, world, session, sensitive
):
    attachment = attach(web, login, world, session, page=sensitive)
    response = download(web, download_url(world, attachment, sensitive))
    assert response.status_code == 200
    assert 'filename="OFFICIAL-SENSITIVE - checks.pdf"' in response.headers["Content-Disposition"]
    [entry] = audited(session, "wiki.attachment_downloaded")
    assert (entry.target_id, entry.actor_id) == (str(attachment.id), world.member.id)


def test_an_official_download_is_not_audited(web, login, world, session):
    attachment = attach(web, login, world, session)
    download(web, download_url(world, attachment))
    assert audited(session, "wiki.attachment_downloaded") == []


def test_a_non_member_cannot_download_an_official_sensitive_attachment(web, login, world, session, sensitive):
    attachment = attach(web, login, world, session, page=sensitive)
    login.as_new_user(name="Visitor")
    assert download(web, download_url(world, attachment, sensitive)).status_code == 404


# Removing ---------------------------------------------------------------------------------------


def test_the_uploader_removes_their_file_and_it_is_then_404(web, login, world, session):
    attachment = attach(web, login, world, session)
    response = web.post(download_url(world, attachment) + "/remove", {}, token_from=page_url(world))
    assert response.status_code == 302
    assert download(web, download_url(world, attachment)).status_code == 404
    assert "checks.pdf" not in text(web.get(page_url(world)))


def test_a_moderator_removes_someone_elses_file(web, login, world, session):
    attachment = attach(web, login, world, session)
    login(world.moderator)
    assert web.post(download_url(world, attachment) + "/remove", {}).status_code == 302
    assert stored(session, world.page)[0].deleted_at is not None


def test_another_member_may_not_remove_someone_elses_file(web, login, world, session, make):
    attachment = attach(web, login, world, session)
    login(make.member(world.community, make.user("Other Member")))
    response = web.post(download_url(world, attachment) + "/remove", {})
    assert response.status_code == 403
    assert "person who attached a file, or a moderator" in text(response)
    assert stored(session, world.page)[0].deleted_at is None


def test_an_attachment_is_404_under_another_page(web, login, world, session, wiki):
    attachment = attach(web, login, world, session)
    other = wiki.page(world.community, "Operations", author=world.moderator)
    assert download(web, download_url(world, attachment, other)).status_code == 404


# Outsiders --------------------------------------------------------------------------------------


def test_a_member_of_another_community_gets_404_on_every_attachment_route(web, login, make, wiki, session):
    manager = make.user("Hidden Manager", two_factor=True)
    community = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    member = make.member(community, make.user("Hidden Member"), Role.MEMBER)
    page = wiki.page(community, "Covert manual", author=member)
    login(member)
    base = f"/c/{community.slug}/wiki/{page.slug}/attachments"
    web.post(base, {"file": (io.BytesIO(PDF), "covert.pdf")}, content_type="multipart/form-data")
    [attachment] = stored(session, page)

    elsewhere = make.community("Another Unit")
    login(make.member(elsewhere, make.user("Elsewhere Member"), Role.MODERATOR))
    assert web.get(f"{base}/{attachment.id}").status_code == 404
    assert web.post(f"{base}/{attachment.id}/remove", {}).status_code == 404
    assert (
        web.post(
            base, {"file": (io.BytesIO(PDF), "mine.pdf")}, content_type="multipart/form-data"
        ).status_code
        == 404
    )
    assert [a.deleted_at for a in stored(session, page)] == [None]


def test_a_page_full_of_attachments_refuses_one_more(monkeypatch, web, login, world, session):
    monkeypatch.setattr("polka.wiki.attachments.MAX_ATTACHMENTS", 1)
    login(world.member)
    assert upload(web, world, PDF, "first.pdf").status_code == 302
    response = upload(web, world, b"second file", "second.txt")
    assert response.status_code == 302
    assert "can hold 1 attachments" in text(web.get(page_url(world)))
    assert [a.filename for a in stored(session, world.page)] == ["first.pdf"]
