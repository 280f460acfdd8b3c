"""Every error a request can end in, answered from this one place: POLKA's own (``polka.errors``), a
refused CSRF token, werkzeug's HTTP errors (a URL or method no route has, an upload over the limit)
and anything unexpected (500).

Each becomes an error page, or for a request answered in JSON (``polka.answers.wants_json``) the one
JSON shape, ``{"error": "…"}`` with the same status. Whatever the answer, a refusal by the permission
policy is written to the audit log, a form sent with a stale token or after the session ended is kept
(``polka.accounts.expiry``), and a power that needs two-factor authentication sends a person to set it
up (a script is told so instead).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from polka.accounts.expiry import csrf_failure
from polka.accounts.web import current_user, send_to_enrol
from polka.answers import json_refusal, wants_json
from polka.audit.services import record
from polka.db import transaction
from polka.errors import Denial, PolkaError, TwoFactorNeeded, ValidationError
from polka.http import client_ip, db, settings

TITLES = {
    400: "There is a problem with the request",
    403: "You do not have permission to do that",
    404: "Page not found",
    405: "That action is not available here",
    409: "That could not be done",
    413: "The upload is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}
CSRF_REFUSED = "The form had expired or was sent from elsewhere. Go back, reload the page and try again."
SERVER_ERROR = "Try again later. The problem has been logged."


def register_error_pages(app: Flask) -> None:
    """Answer every error of ``app`` here."""
    app.register_error_handler(TwoFactorNeeded, _two_factor_needed)
    app.register_error_handler(PolkaError, _polka_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)


def answer(status: int, message: str | None = None, **extra: object) -> Any:
    """The error page for ``status`` (its title, and ``message`` below it), or the error in JSON (the
    message, or the title when there is none, and ``extra`` beside it)."""
    title = TITLES.get(status, "Error")
    if wants_json():
        return json_refusal(status, message or title, **extra)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def _two_factor_needed(exc: TwoFactorNeeded) -> Any:
    # A moderation power (polka.permissions.TWO_FACTOR_ACTIONS) asked for by someone who holds the role
    # but has not set up two-factor: nothing was done (the request is rolled back).
    db().rollback()
    if wants_json():
        return answer(exc.status_code, str(exc))
    return send_to_enrol(str(exc))


def _polka_error(exc: PolkaError) -> Any:
    if exc.denial is not None:
        _audit_denial(exc.denial)
    if exc.status_code == 404:
        return answer(404)  # never says more than "not found": not whether the object exists
    fields = exc.field_errors if isinstance(exc, ValidationError) else {}
    return answer(exc.status_code, str(exc), **({"fields": fields} if fields else {}))


def _csrf_error(exc: CSRFError) -> Any:
    return csrf_failure() or answer(400, CSRF_REFUSED)


def _http_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    if status == 413:
        limit = settings().max_upload_mb
        return answer(
            413,
            f"The request was larger than the {limit} MB limit. Nothing was uploaded. "
            "If you chose several files, go back and upload them a few at a time.",
        )
    return answer(status)


def _server_error(exc: Exception) -> Any:
    if wants_json():
        return answer(500, f"{TITLES[500]}. {SERVER_ERROR}")
    return answer(500, SERVER_ERROR)


def _audit_denial(denial: Denial) -> None:
    """Record a refusal by the permission policy; whatever the request had done is rolled back first."""
    user = current_user()
    if user is None:
        return
    session = db()
    session.rollback()
    with transaction(session):
        record(
            session,
            user,
            "access.denied",
            target_type=denial.target_type,
            target_id=denial.target_id,
            target_label=denial.target_label,
            community_id=denial.community_id,
            ip=client_ip(),
            detail={"action": denial.action, "method": request.method, "path": request.path[:200]},
        )
