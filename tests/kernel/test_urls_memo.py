"""``url_for`` remembers the addresses it built (``polka.http.PolkaFlask``): every answer is the one
Flask itself gives, the first time and every time after, whatever the request it is asked in."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.routing import BuildError

from polka import http
from polka.http import PolkaFlask


def _same_as_flask(app: Flask, endpoint: str, **values: Any) -> str:
    """The remembered answer, asked twice (built, then kept), checked against Flask's own."""
    flask_says = Flask.url_for(app, endpoint, **dict(values))
    first = url_for(endpoint, **dict(values))
    again = url_for(endpoint, **dict(values))
    assert first == again == flask_says
    return first


CASES = [
    ("home.index", {}),
    ("communities.index", {}),
    ("communities.index", {"q": "a b&c", "page": 2}),
    ("communities.index", {"page": 2, "q": "a b&c"}),  # the query keeps the order asked
    ("communities.index", {"page": True}),
    ("communities.index", {"page": 1}),
    ("communities.index", {"tag": ["a", "b"]}),
    ("communities.index", {"_anchor": "waiting list"}),
    ("accounts.logout", {"_method": "POST"}),
    ("static", {"filename": "polka.css"}),
    ("static", {"filename": "govuk-frontend.min.js", "v": None}),
    ("static", {"filename": "no-such-file.css"}),
    ("accounts.login", {"next": "/c/?q=x"}),
]


@pytest.mark.parametrize(("endpoint", "values"), CASES, ids=[f"{e}-{sorted(v)}" for e, v in CASES])
def test_every_address_is_the_one_flask_builds(app: Flask, endpoint: str, values: dict[str, Any]) -> None:
    with app.test_request_context("/c/"):
        _same_as_flask(app, endpoint, **values)


def test_the_app_is_built_with_the_remembering_class(app: Flask) -> None:
    assert isinstance(app, PolkaFlask)


def test_a_static_address_carries_the_fingerprint(app: Flask) -> None:
    with app.test_request_context("/"):
        assert "?v=" in _same_as_flask(app, "static", filename="polka.css")
        assert "?v=" not in _same_as_flask(app, "static", filename="polka.css", v=None)


def test_a_blueprint_relative_endpoint_is_resolved_in_each_request(app: Flask) -> None:
    with app.test_request_context("/c/"):
        inside = _same_as_flask(app, ".index")
    with app.test_request_context("/"):
        other = _same_as_flask(app, ".index")
    with app.test_request_context("/c/"):
        assert url_for(".index") == inside
    assert (inside, other) == ("/c/", "/")


def test_an_address_under_a_script_root_keeps_its_prefix(app: Flask) -> None:
    with app.test_request_context("/c/"):
        plain = _same_as_flask(app, "communities.index")
    with app.test_request_context("/c/", base_url="http://localhost/polka"):
        prefixed = _same_as_flask(app, "communities.index")
    assert plain == "/c/"
    assert prefixed == "/polka/c/"


def test_an_external_address_names_the_requests_host(app: Flask) -> None:
    with app.test_request_context("/", base_url="https://one.example"):
        assert url_for("home.index", _external=True) == "https://one.example/"
    with app.test_request_context("/", base_url="https://two.example"):
        assert url_for("home.index", _external=True) == "https://two.example/"
        assert url_for("home.index", _external=True, _scheme="http") == "http://two.example/"


def test_an_unknown_endpoint_raises_every_time(app: Flask) -> None:
    with app.test_request_context("/"):
        for _ in range(2):
            with pytest.raises(BuildError):
                url_for("no.such_endpoint")
        for _ in range(2):
            with pytest.raises(BuildError):
                url_for("communities.view_community")  # its slug is missing


def test_a_new_rule_is_seen_at_once(app: Flask) -> None:
    with app.test_request_context("/"):
        assert url_for("home.index", extra="1") == "/?extra=1"
    app.add_url_rule("/elsewhere/<extra>", "home.index", app.view_functions["home.index"])
    with app.test_request_context("/"):
        assert url_for("home.index", extra="1") == "/elsewhere/1"


def test_the_memory_stays_bounded(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "URL_MEMO_SIZE", 5)
    with app.test_request_context("/"):
        for page in range(12):
            assert _same_as_flask(app, "communities.index", page=page) == f"/c/?page={page}"
    assert isinstance(app, PolkaFlask)
    assert len(app._built_urls) <= 5


def test_an_error_handlers_answer_is_asked_for_every_time(app: Flask) -> None:
    answers = iter(["/first", "/second"])
    app.url_build_error_handlers.append(lambda _error, _endpoint, _values: next(answers))
    with app.test_request_context("/"):
        assert url_for("no.such_endpoint") == "/first"
        assert url_for("no.such_endpoint") == "/second"
