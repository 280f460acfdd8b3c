"""Sign-in (password, then two-factor when enrolled) and sign-out.

Registration and verification, password reset and the account pages add their routes to the same
blueprint (``blueprint.py``) from their own modules; ``polka.web`` imports them all.
"""

from __future__ import annotations

import time
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask import session as cookie
from werkzeug.wrappers import Response

from polka.accounts import recovery, sessions, signin
from polka.accounts.blueprint import bp
from polka.accounts.forms import LoginForm, RecoveryCodeLoginForm, TwoFactorLoginForm
from polka.accounts.models import User
from polka.accounts.signin import Outcome
from polka.accounts.web import SESSION_KEY, hasher, public, sign_in, sign_out
from polka.db import transaction
from polka.http import client_ip, db, safe_next, settings

#: The Flask-session key holding a sign-in that passed the password and waits for a code.
PENDING_KEY = "pending_login"
PENDING_SECONDS = 300
WRONG_CREDENTIALS = "Enter a correct email address and password"


def _finish(user: User, *, two_factor: bool, next_url: str | None) -> Response:
    """Start the server-side session (rotating the cookie) and go where the person was heading."""
    session = db()
    with transaction(session):
        token = signin.start_signed_in_session(
            session,
            user,
            settings(),
            ip=client_ip(),
            user_agent=request.user_agent.string,
            two_factor=two_factor,
            replacing=cookie.get(SESSION_KEY),
        )
    sign_in(user, token)
    return redirect(safe_next(next_url))


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm()
    status = 200
    unconfirmed = False  # the right password, an address not confirmed: offer a new link
    if request.method == "POST":
        status = 400
        if form.validate():
            session = db()
            with transaction(session):
                attempt = signin.check_password(
                    session,
                    hasher(),
                    form.email.data or "",
                    form.password.data or "",
                    ip=client_ip(),
                    settings=settings(),
                )
            next_url = request.args.get("next")
            if attempt.outcome is Outcome.SIGNED_IN and attempt.user is not None:
                return _finish(attempt.user, two_factor=False, next_url=next_url)
            if attempt.outcome is Outcome.TWO_FACTOR and attempt.user is not None:
                cookie[PENDING_KEY] = {
                    "uid": attempt.user.id,
                    "at": int(time.time()),
                    "next": safe_next(next_url),
                }
                return redirect(url_for("accounts.two_factor_login"))
            if attempt.outcome is Outcome.UNCONFIRMED:
                unconfirmed = True
                status = 403
            elif attempt.outcome is Outcome.AWAITING_APPROVAL:
                form.email.errors = [
                    "Your account is waiting for an administrator to approve it. We will email you."
                ]
                status = 403
            elif attempt.outcome is Outcome.LOCKED:
                form.email.errors = [signin.locked_message(settings())]
                status = 429
            else:
                form.password.errors = [WRONG_CREDENTIALS]
    return render_template(
        "accounts/login.html", form=form, unconfirmed=unconfirmed, page_title="Sign in"
    ), status


def _pending_login() -> tuple[int, str] | None:
    pending = cookie.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        uid, started, next_url = int(pending["uid"]), int(pending["at"]), str(pending["next"])
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 <= time.time() - started <= PENDING_SECONDS:
        return None
    return uid, next_url


@bp.route("/login/two-factor", methods=["GET", "POST"])
@public
def two_factor_login() -> Any:
    pending = _pending_login()
    if pending is None:
        cookie.pop(PENDING_KEY, None)
        flash("Sign in again: the sign-in had expired.", "info")
        return redirect(url_for("accounts.login"))
    uid, next_url = pending
    form = TwoFactorLoginForm()
    status = 200
    if request.method == "POST":
        status = 400
        session = db()
        user = signin.user_signing_in(session, uid)
        if user is None:
            cookie.pop(PENDING_KEY, None)
            return redirect(url_for("accounts.login"))
        if form.validate():
            with transaction(session):
                attempt = signin.check_code(
                    session, user, form.code.data or "", ip=client_ip(), settings=settings()
                )
            if attempt.outcome is Outcome.SIGNED_IN:
                cookie.pop(PENDING_KEY, None)
                return _finish(user, two_factor=True, next_url=next_url)
            if attempt.outcome is Outcome.LOCKED:
                cookie.pop(PENDING_KEY, None)
                form.code.errors = [signin.locked_message(settings())]
                status = 429
            else:
                form.code.errors = ["Enter a correct code from your authenticator app"]
    return render_template(
        "accounts/two_factor_login.html", form=form, page_title="Enter your two-factor code"
    ), status


@bp.route("/login/recovery-code", methods=["GET", "POST"])
@public
def recovery_code_login() -> Any:
    """The two-factor step with a recovery code instead, for someone without their authenticator app."""
    pending = _pending_login()
    if pending is None:
        return redirect(url_for("accounts.two_factor_login"))
    uid, next_url = pending
    form = RecoveryCodeLoginForm()
    if request.method == "GET" or not form.validate():
        return _recovery_page(form, 200 if request.method == "GET" else 400)
    session = db()
    user = signin.user_signing_in(session, uid)
    if user is None:
        return redirect(url_for("accounts.two_factor_login"))
    with transaction(session):
        attempt = signin.check_recovery_code(
            session, user, form.code.data or "", ip=client_ip(), settings=settings()
        )
        left = recovery.remaining(session, user)
    if attempt.outcome is Outcome.SIGNED_IN:
        cookie.pop(PENDING_KEY, None)
        response = _finish(user, two_factor=True, next_url=next_url)
        flash(_codes_left(left), "info")
        return response
    if attempt.outcome is Outcome.LOCKED:
        cookie.pop(PENDING_KEY, None)
        form.code.errors = [signin.locked_message(settings())]
        return _recovery_page(form, 429)
    form.code.errors = ["Enter one of your recovery codes that has not been used"]
    return _recovery_page(form, 400)


def _codes_left(left: int) -> str:
    if left == 0:
        return "You have used your last recovery code. Get new ones on your two-factor page now."
    return (
        f"You signed in with a recovery code; {left} of your codes {'is' if left == 1 else 'are'} left. "
        "If you have lost your authenticator app, set up a new device on your two-factor page."
    )


def _recovery_page(form: RecoveryCodeLoginForm, status: int) -> Any:
    return render_template(
        "accounts/recovery_code_login.html", form=form, page_title="Enter a recovery code"
    ), status


@bp.post("/logout")
@public  # signing out after the session ended (another tab, the timeout warning) just says so
def logout() -> Any:
    token = sign_out()
    if token:
        session = db()
        with transaction(session):
            sessions.end_session(session, token)
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))
