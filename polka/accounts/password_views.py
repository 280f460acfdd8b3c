"""Forgotten passwords: asking for a reset link (same answer for any address) and using it."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts import credentials
from polka.accounts.blueprint import bp
from polka.accounts.forms import NewPasswordForm
from polka.accounts.models import TokenPurpose
from polka.accounts.signup_views import email_form_page, token_problem
from polka.accounts.tokens import TokenState, check_token
from polka.accounts.web import hasher, public, sign_out
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import client_ip, db, settings


@bp.route("/reset", methods=["GET", "POST"])
@public
def reset_request() -> Any:
    return email_form_page(
        lambda session, email: credentials.request_password_reset(session, email, settings(), ip=client_ip()),
        done="accounts.reset_sent",
        page_title="Reset your password",
        intro="Enter the email address of your POLKA account. We will email you a link to choose a new password.",
        button="Send me a link",
    )


@bp.get("/reset/sent")
@public
def reset_sent() -> Any:
    return render_template(
        "accounts/check_email.html",
        page_title="Check your email",
        purpose="reset",
        hours=settings().token_hours,
    )


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str) -> Any:
    state, _found = check_token(db(), token, TokenPurpose.RESET_PASSWORD)
    if state is not TokenState.VALID:
        return token_problem(state, url_for("accounts.reset_request"), "Ask for a new link")
    form = NewPasswordForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate():
            try:
                with transaction(db()) as session:
                    state, user = credentials.reset_password(
                        session, hasher(), token, form.password.data or "", settings(), ip=client_ip()
                    )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                if state is not TokenState.VALID or user is None:
                    return token_problem(state, url_for("accounts.reset_request"), "Ask for a new link")
                sign_out()
                flash("Your password has been changed. Sign in with your new password.", "success")
                return redirect(url_for("accounts.login"))
    return render_template(
        "accounts/reset_password.html", form=form, page_title="Choose a new password"
    ), status
