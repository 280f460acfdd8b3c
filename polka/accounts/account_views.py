"""The account page: details, password change, two-factor enrolment, and signed-in sessions."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, request, url_for
from flask import session as cookie
from werkzeug.wrappers import Response

from polka.accounts import credentials, recovery, services, sessions, twofactor
from polka.accounts.blueprint import bp
from polka.accounts.feed_keys import feed_key_of
from polka.accounts.forms import (
    ActionForm,
    ChangePasswordForm,
    PasswordCheckForm,
    PasswordOrCodeForm,
    TwoFactorConfirmForm,
)
from polka.accounts.models import User
from polka.accounts.web import SESSION_KEY, current_user, hasher, sign_in
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import client_ip, db, safe_next, session_factory, settings


def _user() -> User:
    user = current_user()
    assert user is not None  # every page here needs a signed-in user (require_signed_in)
    return user


def _account_page(password_form: ChangePasswordForm | None = None, status: int = 200) -> Any:
    user = _user()
    conf = settings()
    live = sessions.live_sessions(db(), user, idle=conf.session_idle, absolute=conf.session_absolute)
    return render_template(
        "accounts/settings.html",
        user=user,
        password_form=password_form or ChangePasswordForm(formdata=None),
        action_form=ActionForm(formdata=None),
        sessions=live,
        current_session_id=g.get("user_session_id"),
        two_factor_required=twofactor.is_required(user),
        recovery_codes_left=recovery.remaining(db(), user),
        page_title="Your account",
    ), status


@bp.get("/account", endpoint="settings")
def account() -> Any:
    return _account_page()


@bp.post("/account/password")
def change_password() -> Any:
    user = _user()
    form = ChangePasswordForm()
    if form.validate():
        session = db()
        with transaction(session):
            confirmed = credentials.confirm_current_password(
                session, hasher(), user, form.current_password.data or "", settings(), ip=client_ip()
            )
        if not confirmed:
            form.current_password.errors = [credentials.WRONG_CURRENT_PASSWORD]
            return _account_page(form, 400)
        try:
            with transaction(session):
                credentials.change_password(
                    session,
                    hasher(),
                    user,
                    form.current_password.data or "",
                    form.new_password.data or "",
                    settings(),
                    ip=client_ip(),
                )
                token = sessions.start_session(
                    session, user, ip=client_ip(), user_agent=request.user_agent.string
                )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            sign_in(user, token)
            flash("Your password has been changed. Every other session has been signed out.", "success")
            return redirect(url_for("accounts.settings"))
    return _account_page(form, 400)


@bp.post("/account/sessions/end-others")
def end_other_sessions() -> Response:
    user = _user()
    token = cookie.get(SESSION_KEY) or ""
    with transaction(db()) as session:
        had_feed_key = feed_key_of(session, user) is not None
        ended = services.end_other_sessions(session, user, token, ip=client_ip())
    message = (
        "You have signed out of every other session."
        if ended
        else "There were no other sessions to sign out of."
    )
    if had_feed_key:
        message += " Your feed key has been reset: feed links with the old key no longer work."
    flash(message, "success")
    return redirect(url_for("accounts.settings"))


# --- Two-factor authentication -------------------------------------------------------------------


def _next() -> str:
    return safe_next(request.values.get("next"), "accounts.settings")


def _two_factor_page(
    secret: str | None,
    form: TwoFactorConfirmForm | None = None,
    disable_form: PasswordCheckForm | None = None,
    status: int = 200,
    codes_form: PasswordOrCodeForm | None = None,
) -> Any:
    user = _user()
    return render_template(
        "accounts/two_factor.html",
        user=user,
        secret=secret,
        grouped_secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) if secret else "",
        qr=twofactor.qr_data_uri(twofactor.provisioning_uri(user, secret)) if secret else None,
        form=form or TwoFactorConfirmForm(formdata=None),
        disable_form=disable_form or PasswordCheckForm(formdata=None),
        codes_form=codes_form or PasswordOrCodeForm(formdata=None, prefix="codes"),
        recovery_codes_left=recovery.remaining(db(), user),
        recovery_codes_issued=recovery.COUNT,
        action_form=ActionForm(formdata=None),
        required=twofactor.is_required(user),
        next_url=_next(),
        page_title="Two-factor authentication",
    ), status


@bp.get("/account/two-factor", endpoint="two_factor_setup")
def two_factor_setup() -> Any:
    user = _user()
    secret = user.totp_pending_secret
    if secret is None and not user.has_two_factor:
        # A GET that writes: a secret to enrol is needed to show the QR code. It is harmless until
        # confirmed with a code, and kept across reloads.
        with session_factory()() as side, transaction(side):
            secret = twofactor.begin_enrolment_of(side, user.id)
    return _two_factor_page(secret)


@bp.post("/account/two-factor/start")
def two_factor_start() -> Response:
    user = _user()
    with transaction(db()) as session:
        twofactor.begin_enrolment(session, user)
    return redirect(url_for("accounts.two_factor_setup", next=_next()))


@bp.post("/account/two-factor")
def two_factor_confirm() -> Any:
    user = _user()
    form = TwoFactorConfirmForm()
    if form.validate():
        try:
            with transaction(db()) as session:
                codes = twofactor.confirm_enrolment(session, user, form.code.data or "", ip=client_ip())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            if codes:
                flash("Two-factor authentication is on.", "success")
                return _recovery_codes_page(codes, first=True)
            flash("Two-factor authentication is on.", "success")
            return redirect(_next())
    return _two_factor_page(user.totp_pending_secret, form=form, status=400)


@bp.post("/account/two-factor/disable")
def two_factor_disable() -> Any:
    user = _user()
    form = PasswordCheckForm()
    if form.validate():
        try:
            with transaction(db()) as session:
                twofactor.disable(session, user, hasher(), form.password.data or "", ip=client_ip())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash("Two-factor authentication is off.", "success")
            return redirect(url_for("accounts.settings"))
    return _two_factor_page(user.totp_pending_secret, disable_form=form, status=400)


# --- Recovery codes ---------------------------------------------------------------------------------


def _recovery_codes_page(codes: list[str], *, first: bool) -> Any:
    """The codes just issued: the only time they are shown (every page is sent ``no-store``)."""
    return render_template(
        "accounts/recovery_codes.html",
        codes=codes,
        first=first,
        next_url=_next(),
        page_title="Save your recovery codes",
    )


@bp.post("/account/two-factor/recovery-codes")
def replace_recovery_codes() -> Any:
    user = _user()
    form = PasswordOrCodeForm(prefix="codes")
    if form.validate():
        session = db()
        with transaction(session):  # committed either way: a wrong answer counts toward the lock
            codes = credentials.replace_recovery_codes(
                session, hasher(), user, form.password.data or "", settings(), ip=client_ip()
            )
        if codes is not None:
            return _recovery_codes_page(codes, first=False)
        form.password.errors = [credentials.WRONG_PASSWORD_OR_CODE]
    return _two_factor_page(user.totp_pending_secret, codes_form=form, status=400)
