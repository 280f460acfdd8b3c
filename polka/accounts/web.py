"""Who is signed in: loading the user for each request, and the decorators views use.

Every endpoint needs a signed-in, active user unless its view is marked ``@public``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request, session, url_for
from werkzeug.wrappers import Response

from polka.accounts import sessions
from polka.accounts.models import User
from polka.accounts.passwords import PasswordHashing
from polka.db import begin_write, transaction
from polka.errors import ENROL_FIRST, TwoFactorNeeded
from polka.http import SAFE_METHODS, db, session_factory, settings

SESSION_KEY = "sid"

F = TypeVar("F", bound=Callable[..., Any])


def hasher() -> PasswordHashing:
    """The app's argon2id password hashing (its cost comes from the settings)."""
    value: PasswordHashing = current_app.extensions["polka.passwords"]
    return value


def current_user() -> User | None:
    """The signed-in user of this request, or None."""
    user: User | None = g.get("user")
    return user


def signed_in() -> User:
    """The signed-in user, in a view that ``require_signed_in`` only lets signed-in users reach."""
    user = current_user()
    assert user is not None
    return user


def public(view: F) -> F:
    """Mark a view as reachable without signing in (sign-in, registration, password reset)."""
    view.polka_public = True  # type: ignore[attr-defined]
    return view


def untouched(view: F) -> F:
    """Mark a view whose requests do not count as activity: they never extend the session."""
    view.polka_untouched = True  # type: ignore[attr-defined]
    return view


def _endpoint_marked(mark: str) -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and bool(getattr(view, mark, False))


def is_public_endpoint() -> bool:
    """Whether this request's endpoint is reachable without signing in (static files are)."""
    return request.endpoint is None or request.endpoint == "static" or _endpoint_marked("polka_public")


def load_user() -> None:
    """Before each request: find the live session behind the cookie and its user."""
    g.user = None
    g.user_session_id = None
    token = session.get(SESSION_KEY)
    if not token:
        return
    conf = settings()
    found = sessions.find_session(db(), token, idle=conf.session_idle, absolute=conf.session_absolute)
    if found is None:
        session.pop(SESSION_KEY, None)
        g.ended_session_token = token  # whose typed values a form arriving now carries (expiry.py)
        return
    if sessions.needs_touch(found) and not _endpoint_marked("polka_untouched"):
        if request.method in SAFE_METHODS:
            # A short write of its own, so read-only requests stay read-only transactions.
            with session_factory()() as side, transaction(side):
                sessions.touch_session(side, found.id)
        else:
            # A write request already holds the write lock (SQLite), so a second session would wait
            # on it for ever: touch in the request's own session, before the request does any work.
            sessions.touch_session(db(), found.id)
            db().commit()
            begin_write(db())
    g.user = found.user
    g.user_session_id = found.id


def require_signed_in() -> Response | None:
    """Before each request: send anonymous visitors of non-public endpoints to the sign-in page."""
    if is_public_endpoint():
        return None
    if current_user() is None:
        flash("Sign in to continue.", "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return None


def sign_in(user: User, token: str) -> None:
    """Rotate the cookie session and store the new session token in it."""
    session.clear()
    session[SESSION_KEY] = token
    g.user = user


def sign_out() -> str | None:
    token: str | None = session.get(SESSION_KEY)
    session.clear()
    g.user = None
    return token


def send_to_enrol(message: str = ENROL_FIRST) -> Response:
    """Send the user to set up two-factor authentication, then back: to this page, or after a form
    to the page the form was on (a form sent before enrolling is not sent again)."""
    flash(message, "info")
    back = request.full_path.rstrip("?")
    if request.method not in SAFE_METHODS:
        referrer = urlsplit(request.referrer or "")
        same_site = referrer.netloc == request.host and referrer.path.startswith("/")
        back = referrer.path + (f"?{referrer.query}" if referrer.query else "") if same_site else "/"
    return redirect(url_for("accounts.two_factor_setup", next=back))


def two_factor_required(view: F) -> F:
    """For powers that need two-factor authentication: an unenrolled user is sent to enrol first (a script
    is told so; ``TwoFactorNeeded`` is answered by ``polka.error_pages``)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = current_user()
        if user is not None and not user.has_two_factor:
            raise TwoFactorNeeded()
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
