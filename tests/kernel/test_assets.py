"""Static files: fingerprinted addresses cached for a year; templates compiled once."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest

from polka import create_app
from polka.assets import IMMUTABLE, REVALIDATE

STATIC = Path(__file__).resolve().parents[2] / "polka" / "static"


def _asset_links(page: str) -> dict[str, str]:
    """Each static file a page links to, with the fingerprint in its address."""
    return dict(re.findall(r'"/static/([\w.-]+)\?v=([0-9a-f]+)"', page))


def _static(web, url: str, **kwargs):
    """A static file's answer, read whole (so the file it came from is closed)."""
    return web.get(url, buffered=True, **kwargs)


def _fingerprint(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def test_pages_link_to_static_files_by_their_content(web):
    links = _asset_links(web.get("/login").get_data(as_text=True))
    assert {"polka.css", "polka.js", "polka.svg"} <= set(links)
    for name, digest in links.items():
        assert digest == _fingerprint(name), name


def test_a_fingerprinted_file_is_cached_for_a_year(web):
    answer = _static(web, f"/static/polka.css?v={_fingerprint('polka.css')}")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == IMMUTABLE
    assert answer.get_data() == (STATIC / "polka.css").read_bytes()


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_plain_or_stale_address_is_checked_again_before_use(web, query):
    answer = _static(web, f"/static/polka.js{query}")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == REVALIDATE
    again = _static(web, f"/static/polka.js{query}", headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304


def test_a_missing_static_file_is_not_found_and_not_cached(web):
    answer = _static(web, "/static/no-such-file.css?v=0123456789ab")
    assert answer.status_code == 404
    assert "immutable" not in answer.headers.get("Cache-Control", "")


def test_the_module_polka_js_imports_is_preloaded_at_the_address_it_imports(web):
    page = web.get("/login").get_data(as_text=True)
    assert 'import { initAll } from "./govuk-frontend.min.js"' in (STATIC / "polka.js").read_text()
    assert '<link rel="modulepreload" href="/static/govuk-frontend.min.js">' in page
    assert "govuk-frontend.min.js?v=" not in page


def test_templates_are_not_checked_on_disk_after_their_first_use(app, web, monkeypatch):
    assert app.jinja_env.auto_reload is False
    assert web.get("/login").status_code == 200

    def no_disk(_path: object) -> float:
        raise AssertionError("a template was checked on disk")

    monkeypatch.setattr(os.path, "getmtime", no_disk)
    assert web.get("/login").status_code == 200


def test_in_debug_mode_templates_are_checked_on_disk(app):
    app.debug = True
    assert app.jinja_env.auto_reload is True


def test_compiled_templates_are_kept_for_the_next_process(settings_overrides):
    # an app as POLKA makes it (the ``app`` fixture shares compiled templates between tests instead)
    app = create_app(**settings_overrides)
    try:
        assert app.test_client().get("/login").status_code == 200
    finally:
        app.extensions["polka.engine"].dispose()
    assert any((Path(settings_overrides["data_dir"]) / "cache" / "templates").iterdir())
