"""gzip for large pages and assets when the client accepts it; never for downloads, never when off."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from polka.compression import MIN_SIZE

STATIC = Path(__file__).resolve().parents[2] / "polka" / "static"
GZIP = {"Accept-Encoding": "gzip, deflate, br", "Sec-Fetch-Site": "same-origin"}


def test_a_large_page_is_sent_compressed_to_a_browser_that_accepts_gzip(web, login):
    login.as_new_user()
    plain = web.get("/account")
    packed = web.get("/account", headers=GZIP)
    assert len(plain.get_data()) > MIN_SIZE
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in ",".join(packed.headers.get_all("Vary"))
    assert int(packed.headers["Content-Length"]) == len(packed.get_data()) < len(plain.get_data())
    assert b"Your account" in gzip.decompress(packed.get_data())


def test_a_page_is_sent_plain_to_a_client_that_does_not_accept_gzip(web, login):
    login.as_new_user()
    answer = web.get("/account", headers={"Accept-Encoding": "identity", "Sec-Fetch-Site": "same-origin"})
    assert "Content-Encoding" not in answer.headers
    assert "Accept-Encoding" in ",".join(answer.headers.get_all("Vary"))
    assert b"Your account" in answer.get_data()


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_a_page_another_site_asked_for_is_not_compressed(web, login, site):
    """Compressing a secret beside text another site chose would let it guess the secret (BREACH)."""
    login.as_new_user()
    headers = {"Accept-Encoding": "gzip"} | ({"Sec-Fetch-Site": site} if site else {})
    answer = web.get("/account", headers=headers)
    assert "Content-Encoding" not in answer.headers
    assert b"Your account" in answer.get_data()


def test_a_small_file_is_not_compressed(web):
    answer = web.get("/static/polka.svg", headers=GZIP, buffered=True)
    assert answer.get_data() == (STATIC / "polka.svg").read_bytes()
    assert len(answer.get_data()) < MIN_SIZE
    assert "Content-Encoding" not in answer.headers


def test_a_stylesheet_is_sent_compressed_with_the_same_bytes_inside(web):
    answer = web.get("/static/polka.css", headers=GZIP, buffered=True)
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.get_data()) == (STATIC / "polka.css").read_bytes()
    etag = answer.headers["ETag"]
    assert etag.startswith('W/"')
    assert (
        web.get("/static/polka.css", headers=GZIP | {"If-None-Match": etag}, buffered=True).status_code == 304
    )


def test_a_download_is_sent_exactly_as_stored(app):
    from polka.downloads import send_download

    content = b'{"notes": "' + b"a user's own file " * 200 + b'"}'
    with app.test_request_context("/", headers=GZIP):
        response = send_download(
            io.BytesIO(content), name="notes.json", media_type="application/json", size=len(content)
        )
        assert response.mimetype == "application/json"  # a type pages are compressed in
        response = app.process_response(response)
        response.direct_passthrough = False
        assert "Content-Encoding" not in response.headers
        assert response.get_data() == content


@pytest.fixture
def proxy_compresses(settings_overrides):
    settings_overrides["compress_responses"] = False


def test_compression_can_be_left_to_the_proxy(proxy_compresses, web, login):
    login.as_new_user()
    answer = web.get("/account", headers=GZIP)
    assert "Content-Encoding" not in answer.headers
    assert "Accept-Encoding" not in ",".join(answer.headers.get_all("Vary"))
