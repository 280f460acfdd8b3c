"""Who is signed in: flask-login's user, loaded from POLKA's server-side session, and the decorators
views use.

flask-login keeps the signed-in user of each request (``flask_login.current_user``); its
``user_loader`` reads the revocable ``account_sessions`` row named by the token in the cookie, so
revocation, idle and absolute expiry work as they always have. Every endpoint needs a signed-in,
active user unless its view is marked ``@public``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import flask_login
from flask import Flask, current_app, flash, g, has_request_context, redirect, request, session, url_for
from werkzeug.wrappers import Response

from polka.accounts import sessions
from polka.accounts.models import User
from polka.accounts.passwords import PasswordHashing
from polka.db import begin_write, transaction
from polka.errors import ENROL_FIRST, TwoFactorNeeded
from polka.http import SAFE_METHODS, db, session_factory, settings

#: The cookie-session key holding the server-side session's token (flask-login's own key for the id
#: its ``user_loader`` receives; POLKA's id is the session token, never the user id).
SESSION_KEY = "_user_id"
#: Where the token was kept before flask-login: moved on the first request, so nobody is signed out
#: by the upgrade (such cookies are gone once every session has passed its absolute limit).
OLD_SESSION_KEY = "sid"

F = TypeVar("F", bound=Callable[..., Any])


class PolkaLoginManager(flask_login.LoginManager):  # type: ignore[misc]
    """flask-login without its remember-me cookie.

    POLKA has no "remember me": a sign-in lasts as long as its server-side session, which ends when
    idle, at its absolute limit or when revoked. A remember cookie would outlive all three, so it is
    never read, and setting one is a programming error that fails loudly.
    """

    def _load_user_from_remember_cookie(self, cookie: str) -> None:
        return None

    def _set_cookie(self, response: Response) -> None:
        raise RuntimeError("POLKA never sets flask-login's remember-me cookie")

    def _session_protection_failed(self) -> bool:
        """flask-login's session protection check, skipped while it is off (``init_login``): flask-login
        would hash the visitor's address and browser on every request before looking at the mode."""
        mode = current_app.config.get("SESSION_PROTECTION", self.session_protection)
        if mode not in ("basic", "strong"):
            return False
        return bool(super()._session_protection_failed())


def init_login(app: Flask) -> None:
    """Attach flask-login to the app: the user comes from the server-side session, nothing else."""
    manager = PolkaLoginManager()
    # Off, deliberately. "strong" would sign someone out whenever their address or browser string
    # changes (a phone between networks, a proxy in front); "basic" only marks the sign-in not
    # "fresh", which POLKA never asks, and writes that mark into anonymous visitors' cookies. The
    # server-side session is what POLKA trusts: revocable, with idle and absolute limits.
    manager.session_protection = None
    manager.user_loader(_user_for_token)
    manager.unauthorized_handler(_send_to_sign_in)
    # No ``request_loader``: a key in a URL (feeds) is read by its own decorator for that one request
    # and never signs anyone in. And no context processor: templates call POLKA's ``current_user()``.
    manager.init_app(app, add_context_processor=False)
    app.config["REMEMBER_COOKIE_REFRESH_EACH_REQUEST"] = False


def hasher() -> PasswordHashing:
    """The app's argon2id password hashing (its cost comes from the settings)."""
    value: PasswordHashing = current_app.extensions["polka.passwords"]
    return value


def current_user() -> User | None:
    """The signed-in user of this request (flask-login's ``current_user``), or None.

    Once flask-login has decided for this request it keeps the answer in ``g._login_user`` (and
    ``login_user``/``logout_user`` replace it there), so that is read first: templates ask this many
    times a page, and flask-login's own proxy takes several lookups to reach the same object.
    """
    if not has_request_context():
        return None
    user = g.get("_login_user")
    if user is None:
        user = flask_login.current_user._get_current_object()  # flask-login loads the user now
    if not user.is_authenticated:
        return None
    signed: User = user
    return signed


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
    """Before each request, once it has passed the network and CSRF checks: who is signed in.

    Until then nobody is (``_user_for_token``), so a refused request neither extends a session nor
    shows whose it is.
    """
    if g.get("sign_in_checked"):
        return  # already decided for this request (flask-login keeps the answer)
    g.user_session_id = None
    g.sign_in_checked = True
    if OLD_SESSION_KEY in session:
        session.setdefault(SESSION_KEY, session.pop(OLD_SESSION_KEY))
    current_user()  # flask-login loads the user now, through ``_user_for_token``


def _user_for_token(token: str) -> User | None:
    """flask-login's ``user_loader``: the user of the live session behind the cookie's token."""
    if not g.get("sign_in_checked"):
        return None
    conf = settings()
    found = sessions.find_session(db(), token, idle=conf.session_idle, absolute=conf.session_absolute)
    if found is None:
        session.pop(SESSION_KEY, None)
        g.ended_session_token = token  # whose typed values a form arriving now carries (expiry.py)
        return None
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
    g.user_session_id = found.id
    # Held for the request, so asking for the session again (the timeout warning's status) finds it in
    # the ORM's identity map, which holds objects only while something else does, instead of reading it again.
    g.user_session = found
    found.user.signed_in_through(token)
    return found.user


def require_signed_in() -> Response | None:
    """Before each request: send anonymous visitors of non-public endpoints to the sign-in page.

    The same check as flask-login's ``login_required`` on every view at once, except that it lets no
    OPTIONS request through either; the answer is flask-login's ``unauthorized()`` (``_send_to_sign_in``).
    """
    if is_public_endpoint() or current_user() is not None:
        return None
    answer: Response = current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    return answer


def _send_to_sign_in() -> Response:
    """flask-login's unauthorized handler: sign in, then back to this page."""
    flash("Sign in to continue.", "info")
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def sign_in(user: User, token: str) -> None:
    """Rotate the cookie session and sign ``user`` in through the new session's token."""
    session.clear()
    user.signed_in_through(token)
    # remember=False, always: POLKA has no remember-me cookie (PolkaLoginManager refuses to set one).
    if not flask_login.login_user(user, remember=False):
        raise RuntimeError("only an active account can be signed in")
    # flask-login's address-and-browser fingerprint, for session protection, which is off: keep a
    # hash of the person's address out of the cookie.
    session.pop("_id", None)


def sign_out() -> str | None:
    """Sign the browser out and empty its cookie session; return the session token it held."""
    token: str | None = session.get(SESSION_KEY)
    user = current_user()
    flask_login.logout_user()
    session.clear()
    if user is not None:
        user.signed_in_through(None)
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
