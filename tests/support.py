"""Test helpers: a test client that fills in CSRF tokens, HTML assertions, the statements a block runs
and a transaction that fails after a change."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from polka.db import transaction

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(page: str) -> str:
    found = _CSRF.search(page)
    assert found, "no CSRF token on the page"
    return html.unescape(found.group(1))


class Web:
    """A user's browser: GETs pages and submits forms with the page's CSRF token, like a person would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def token(self, page_url: str = "/login") -> str:
        """A CSRF token for this browser's session, read from a page that has a form."""
        response = self.client.get(page_url)
        if response.status_code in (301, 302, 303):
            response = self.client.get("/account")
        return csrf_from(response.get_data(as_text=True))

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, token_from: str | None = None, **kwargs: Any
    ) -> TestResponse:
        """Submit a form to ``url`` with a valid CSRF token (read from ``token_from`` or a known page)."""
        fields = dict(data or {})
        if "csrf_token" not in fields:
            fields["csrf_token"] = self.token(token_from or "/login")
        return self.client.post(url, data=fields, **kwargs)


def text(response: TestResponse) -> str:
    """The page's visible text, tags stripped and white space folded (for 'the page says …')."""
    body = response.get_data(as_text=True)
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = body.replace("<wbr>", "")  # a place a line may break, not a space
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def profile_link(user: Any) -> str:
    """The HTML of a link to ``user``'s profile, as pages that name people write it."""
    return f'<a class="govuk-link" href="/people/{user.id}">{html.escape(user.name)}</a>'


@contextmanager
def statements_run(app: Flask, keep: Callable[[str], bool] | None = None) -> Iterator[list[str]]:
    """The SQL statements the app's engine runs inside the block, in order (only those ``keep`` accepts,
    when given: a test that counts queries leaves out ``BEGIN`` and the like)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if keep is None or keep(statement):
            seen.append(statement)

    engine = app.extensions["polka.engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def fail_after(session: Session, change: Callable[[], None]) -> None:
    """Make ``change`` in a transaction that then fails (and so rolls back), as a failed request would:
    raises ``RuntimeError``."""
    with transaction(session):
        change()
        raise RuntimeError("the request failed after the change")


def writing_as_a_request(session: Session) -> Any:
    """A transaction for a test's write, as a request makes one: any read the test's session has open
    is ended first (on SQLite a read that turns into a write fails if a request wrote since)."""
    if session.in_transaction() and not (session.new or session.dirty):
        session.rollback()
    return transaction(session)
