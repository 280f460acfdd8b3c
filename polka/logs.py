"""Logs an operator can search: one line per record, JSON by default (``POLKA_LOG_FORMAT=text`` for
people reading a terminal), each carrying the id of the request it happened in. The id is made for
every request (or taken from a trusted proxy's ``X-Request-Id``, so one id follows a request from the
proxy's log to POLKA's), sent back in that header and shown on error pages, so a person reporting a
problem can quote it. A request's own line says its method, path (never its query: search words stay
anonymous), status and time; it names nobody.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
#: The ``environ`` key holding the request's id.
ENVIRON_KEY = "polka.request_id"
#: What a proxy's id may look like to be kept (anything else is replaced by one of ours).
_GIVEN_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: The formats ``POLKA_LOG_FORMAT`` may name.
LOG_FORMATS = ("json", "text")
#: Fields of a request's line, beside the message.
REQUEST_FIELDS = ("method", "path", "status", "ms")

requests_log = logging.getLogger("polka.requests")


class RequestIds:
    """WSGI middleware: give every request an id (``ENVIRON_KEY``) and send it back in
    ``X-Request-Id``, on every answer (static files and refusals included)."""

    def __init__(self, app: Any, trusted_peer: Callable[[str], bool]) -> None:
        self.app = app
        self.trusted_peer = trusted_peer

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        given = environ.get("HTTP_X_REQUEST_ID", "")
        trusted = given and _GIVEN_ID.fullmatch(given) and self.trusted_peer(environ.get("REMOTE_ADDR", ""))
        request_id = given if trusted else secrets.token_hex(8)
        environ[ENVIRON_KEY] = request_id

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [(name, value) for name, value in headers if name.lower() != "x-request-id"]
            return start_response(status, [*headers, (REQUEST_ID_HEADER, request_id)], exc_info)

        answer: Iterable[bytes] = self.app(environ, start)
        return answer


def request_id() -> str:
    """The id of the request being answered ("" outside one)."""
    return str(request.environ.get(ENVIRON_KEY, "")) if has_request_context() else ""


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, the request's id, its extra fields
    (a request's line: ``REQUEST_FIELDS``) and any exception's traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        found = getattr(record, "request_id", "") or request_id()
        if found:
            entry["request_id"] = found
        for name in REQUEST_FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """A record as one line for a terminal, the request's id in brackets."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = " ".join(
            f"{name}={getattr(record, name)}" for name in REQUEST_FIELDS if hasattr(record, name)
        )
        found = getattr(record, "request_id", "") or request_id()
        return " ".join(part for part in (line, fields, f"[{found}]" if found else "") if part)


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test runner swaps it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def handler_for(log_format: str) -> logging.Handler:
    handler = _StandardError()
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.polka_handler = True  # type: ignore[attr-defined]
    return handler


def configure_logging(log_format: str) -> None:
    """POLKA's loggers at INFO to standard error in ``log_format``, unless the process configured logging
    itself (the root logger has a handler: an operator's ``--log-config``, a test runner): then its
    configuration stands. Safe to call for every app a process makes."""
    if logging.getLogger().handlers:
        return
    polka = logging.getLogger("polka")
    for old in [each for each in polka.handlers if getattr(each, "polka_handler", False)]:
        polka.removeHandler(old)
    polka.addHandler(handler_for(log_format))
    polka.setLevel(logging.INFO)


def elapsed_seconds() -> float | None:
    """How long the request being answered has taken so far (None before it was timed)."""
    started = g.get("request_started")
    return time.perf_counter() - started if started is not None else None


def init_request_logging(app: Flask) -> None:
    """Log one line per request, and show its id on error pages (``request_id`` in templates)."""

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        seconds = elapsed_seconds()
        elapsed = round(seconds * 1000, 1) if seconds is not None else None
        requests_log.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": elapsed,
            },
        )
        return response

    app.jinja_env.globals["request_id"] = request_id
