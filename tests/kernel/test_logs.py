"""Log lines an operator can search, tied to requests by an id every answer carries and every error
page shows, and naming nobody."""

from __future__ import annotations

import ipaddress
import json
import logging
import re

import pytest

from polka.logs import JsonFormatter, configure_logging, handler_for

PROXY = "10.9.0.4"


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "trusted_proxies": (ipaddress.ip_network(f"{PROXY}/32"),)}


@pytest.fixture
def lines(app, capsys):
    """The JSON lines POLKA's loggers write to standard error during the test, as a process whose
    logging POLKA set up would."""
    handler = handler_for("json")
    polka = logging.getLogger("polka")
    previous = polka.level
    polka.setLevel(logging.INFO)
    polka.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        polka.removeHandler(handler)
        polka.setLevel(previous)


def test_every_answer_carries_its_own_request_id(client):
    answers = [client.get(path) for path in ("/login", "/login", "/no-such-page", "/static/polka.css")]
    for answer in answers:
        answer.close()
    ids = [answer.headers["X-Request-Id"] for answer in answers]
    assert all(re.fullmatch(r"[0-9a-f]{16}", each) for each in ids)
    assert len(set(ids)) == 4


def test_a_trusted_proxys_id_is_kept_and_anyone_elses_replaced(client):
    given = {"X-Request-Id": "nginx-5f2a9c0d1e"}
    assert (
        client.get("/login", headers=given, environ_base={"REMOTE_ADDR": PROXY}).headers["X-Request-Id"]
        == "nginx-5f2a9c0d1e"
    )
    assert client.get("/login", headers=given).headers["X-Request-Id"] != "nginx-5f2a9c0d1e"
    odd = {"X-Request-Id": "<script>"}
    assert (
        client.get("/login", headers=odd, environ_base={"REMOTE_ADDR": PROXY}).headers["X-Request-Id"]
        != "<script>"
    )


def test_an_error_page_shows_the_reference_to_quote(client):
    answer = client.get("/no-such-page")
    assert answer.status_code == 404
    reference = answer.headers["X-Request-Id"]
    assert f'quote the reference <span class="polka-reference">{reference}</span>' in answer.get_data(
        as_text=True
    )


def test_each_request_is_one_line_naming_nobody_and_no_search_words(client, login, make, lines):
    user = make.user("Pat Reader")
    login(user)
    answer = client.get("/search?q=covert+tasking")
    [line] = [each for each in lines() if each["logger"] == "polka.requests" and each["path"] == "/search"]
    assert line["message"] == "request"
    assert line["method"] == "GET"
    assert line["status"] == answer.status_code == 200
    assert line["request_id"] == answer.headers["X-Request-Id"]
    assert line["ms"] > 0
    text = json.dumps(line)
    assert "covert" not in text
    assert user.email not in text
    assert str(user.name) not in text


def test_a_failure_is_logged_with_its_traceback_and_request(app, client, login, make, lines):
    @app.get("/broken-for-test")
    def broken() -> str:
        raise RuntimeError("the disk went away")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is answered as in production
    login(make.user("Pat Reader"))
    answer = client.get("/broken-for-test")
    assert answer.status_code == 500
    [failure] = [each for each in lines() if each["level"] == "error"]
    assert "RuntimeError: the disk went away" in failure["error"]
    assert failure["request_id"] == answer.headers["X-Request-Id"]
    assert answer.headers["X-Request-Id"] in answer.get_data(as_text=True)  # the page shows it


def test_logging_is_set_up_once_unless_the_process_set_it_up_itself(monkeypatch):
    polka = logging.getLogger("polka")
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    monkeypatch.setattr(polka, "handlers", [])
    monkeypatch.setattr(polka, "level", logging.NOTSET)
    configure_logging("text")
    configure_logging("json")
    [handler] = polka.handlers
    assert isinstance(handler.formatter, JsonFormatter)
    assert polka.level == logging.INFO

    monkeypatch.setattr(logging.getLogger(), "handlers", [logging.NullHandler()])  # an operator's own
    monkeypatch.setattr(polka, "handlers", [])
    configure_logging("json")
    assert polka.handlers == []
