"""Request plumbing shared by every blueprint: the app class, the request's database session and form
helpers.

A request gets one session. Write requests (anything but GET/HEAD/OPTIONS) begin it as a write
transaction, so on SQLite the whole request holds the write lock from its first statement and a
read-then-write cannot lose an update. The view commits once, with ``transaction(db())``.
"""

from __future__ import annotations

from typing import IO, Any, cast
from urllib.parse import quote, urlsplit

from flask import Flask, Request, current_app, g, request, url_for
from flask.globals import _cv_request
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.routing import BuildError

from polka.config import Settings
from polka.db import begin_write
from polka.storage import FileStore

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Argument types whose value alone decides the address built from them (anything else, a list, an
#: enum or an object with its own ``__str__``, is built afresh every time; so are floats, since 0.0 and
#: -0.0 are equal keys but different addresses).
_PLAIN = frozenset({str, int, bool, type(None)})
#: How many built addresses a process keeps: the links of many pages' worth (then it starts again).
URL_MEMO_SIZE = 4096
_ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"  # as Flask quotes an ``_anchor``


class PolkaFlask(Flask):
    """Flask, remembering the addresses ``url_for`` built in a request: a page asks for the same
    few dozen links on every view (header, navigation, static files), each a walk of the URL map.

    Only addresses on this site (not ``_external``) with plain arguments are kept, keyed by all
    that decides them: the endpoint (a blueprint-relative ``.name`` resolved first), the arguments in
    order after the ``url_defaults`` functions ran (a static file's fingerprint), ``_method``,
    ``_anchor``, and the request's script root, host and scheme. An unknown endpoint still raises as
    Flask does (failures are never kept), and adding a URL rule forgets everything.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._built_urls: dict[tuple[Any, ...], str] = {}
        super().__init__(*args, **kwargs)

    def add_url_rule(self, *args: Any, **kwargs: Any) -> None:
        self._built_urls.clear()
        super().add_url_rule(*args, **kwargs)

    def url_for(
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        req_ctx = _cv_request.get(None)
        if req_ctx is None or _external or _scheme is not None or req_ctx.url_adapter is None:
            return super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
            )
        adapter = req_ctx.url_adapter
        if endpoint[:1] == ".":
            blueprint = req_ctx.request.blueprint
            endpoint = f"{blueprint}{endpoint}" if blueprint is not None else endpoint[1:]
        self.inject_url_defaults(endpoint, values)
        key = None
        if all(type(value) in _PLAIN for value in values.values()):
            key = (
                endpoint,
                _anchor,
                _method,
                adapter.script_name,
                adapter.server_name,
                adapter.subdomain,
                adapter.url_scheme,
                *[(name, type(value), value) for name, value in values.items()],
            )
            built = self._built_urls.get(key)
            if built is not None:
                return built
        # What Flask.url_for builds inside a request for an address on this site:
        try:
            built = adapter.build(endpoint, values, method=_method, url_scheme=None, force_external=False)
        except BuildError as error:
            values.update(_anchor=_anchor, _method=_method, _scheme=None, _external=False)
            answer: str = self.handle_url_build_error(error, endpoint, values)
            return answer  # raised again, or a handler's answer: never kept
        if _anchor is not None:
            built = f"{built}#{quote(_anchor, safe=_ANCHOR_SAFE)}"
        if key is not None:
            if len(self._built_urls) >= URL_MEMO_SIZE:
                self._built_urls.clear()
            self._built_urls[key] = built
        return built


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
