"""Request plumbing shared by every blueprint: the request's database session and form helpers.

A request gets one session. Write requests (anything but GET/HEAD/OPTIONS) begin it as a write
transaction, so on SQLite the whole request holds the write lock from its first statement and a
read-then-write cannot lose an update. The view commits once, with ``transaction(db())``.
"""

from __future__ import annotations

from typing import IO, Any, cast
from urllib.parse import urlsplit

from flask import Request, current_app, g, request, url_for
from sqlalchemy.orm import Session, sessionmaker

from polka.config import Settings
from polka.db import begin_write
from polka.storage import FileStore

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class PolkaRequest(Request):
    """Uploaded files are written straight into the file store's temporary directory as they arrive
    (``IncomingFile``): once to disk, never into memory or ``/tmp``, and removed when the request ends
    unless a service kept them."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        settings = current_app.extensions["polka.settings"]
        incoming = file_store().incoming(settings.max_upload_mb * 1024 * 1024)
        self.__dict__.setdefault("_polka_incoming", []).append(incoming)
        return cast(IO[bytes], incoming)  # the parser needs only write, read, seek

    def close(self) -> None:
        super().close()
        for incoming in self.__dict__.get("_polka_incoming", ()):
            incoming.close()


def settings() -> Settings:
    """The app's settings (``polka.config``)."""
    value: Settings = current_app.extensions["polka.settings"]
    return value


def session_factory() -> sessionmaker[Session]:
    factory: sessionmaker[Session] = current_app.extensions["polka.sessions"]
    return factory


def file_store() -> FileStore:
    """The app's file store (uploads, attachments), under the data directory."""
    store: FileStore = current_app.extensions["polka.files"]
    return store


def db() -> Session:
    """The request's database session, opened on first use."""
    if "db" not in g:
        session = session_factory()()
        if request.method not in SAFE_METHODS:
            begin_write(session)
        g.db = session
    session_: Session = g.db
    return session_


def close_db(_exc: BaseException | None = None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()  # rolls back anything not committed


def safe_next(target: str | None, default: str = "home.index") -> str:
    """Return ``target`` if it is a path on this site, else the URL of ``default`` (no open redirects)."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
            and not any(ord(ch) < 32 for ch in target)
        ):
            return target
    return url_for(default)


def client_ip() -> str:
    """The client address, as worked out by the trusted-proxy middleware."""
    return request.remote_addr or ""


def form_data(form: Any) -> dict[str, Any]:
    """The submitted values of a WTForms form, without the CSRF token."""
    return {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
