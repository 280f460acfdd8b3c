"""The timeout warning's two questions: how long the session has left, and "stay signed in".

Signed-in pages carry the limits (``session_timeout``, for ``accounts/_timeout_warning.html``) and a
script (``static/timeout.js``) that asks ``/session`` before warning, since activity in another tab
extends the session too; asking never extends it.
"""

from __future__ import annotations

from typing import Any

from flask import g, jsonify, render_template, url_for
from flask_wtf.csrf import generate_csrf

from polka.accounts import sessions
from polka.accounts.blueprint import bp
from polka.accounts.models import UserSession
from polka.accounts.web import public, signed_in, untouched
from polka.db import transaction
from polka.http import db, settings


def session_timeout() -> dict[str, Any]:
    """What the timeout warning on a signed-in page needs to know: the limits and where to ask."""
    conf = settings()
    idle = int(conf.session_idle.total_seconds())
    return {
        "idle_seconds": idle,
        "warn_seconds": max(0, min(conf.session_warning_seconds, idle)),
        "status_url": url_for("accounts.session_status"),
        "extend_url": url_for("accounts.extend_session"),
        "sign_in_url": url_for("accounts.login", next=url_for("accounts.signed_in_again")),
    }


def _answer(user_session: UserSession | None) -> Any:
    if user_session is None:
        return jsonify(signed_in=False)
    conf = settings()
    idle, absolute = conf.session_idle, conf.session_absolute
    return jsonify(
        signed_in=True,
        seconds_left=sessions.seconds_left(user_session, idle=idle, absolute=absolute),
        can_extend=sessions.can_extend(user_session, idle=idle, absolute=absolute),
        # A page whose forms carry a token from before signing in again (in another tab) takes this one.
        csrf_token=generate_csrf(),
    )


def _live_session() -> UserSession | None:
    session_id = g.get("user_session_id")
    return sessions.session_by_id(db(), session_id) if session_id is not None else None


@bp.get("/session")
@public
@untouched
def session_status() -> Any:
    """How long this browser's session has left (JSON); asking does not count as activity."""
    return _answer(_live_session())


@bp.post("/session/extend")
def extend_session() -> Any:
    """Stay signed in: the session's idle time starts again (JSON)."""
    user_session = _live_session()
    if user_session is not None:
        with transaction(db()):
            sessions.touch_session(db(), user_session.id)
    return _answer(user_session)


@bp.get("/session/signed-in")
def signed_in_again() -> Any:
    """Where signing in again from the timeout warning (in a new tab) lands."""
    signed_in()
    return render_template("accounts/signed_in_again.html", page_title="You are signed in again")
