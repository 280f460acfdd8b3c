"""Sign-in, sign-out, registration, verification, password reset, two-factor and account settings."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from polka.accounts import sessions
from polka.accounts.forms import LoginForm
from polka.accounts.services import find_user_by_email
from polka.accounts.web import current_user, public, sign_in, sign_out
from polka.db import transaction
from polka.http import client_ip, db, safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        session = db()
        user = find_user_by_email(session, form.email.data or "")
        hasher = current_app.extensions["polka.passwords"]
        if user is not None and user.is_active_account and hasher.verify(user.password_hash, form.password.data):
            with transaction(session):
                token = sessions.start_session(
                    session, user, ip=client_ip(), user_agent=request.user_agent.string
                )
            sign_in(user, token)
            return redirect(safe_next(request.args.get("next")))
        form.password.errors = ["Enter a correct email address and password"]
    return render_template("accounts/login.html", form=form, page_title="Sign in")


@bp.post("/logout")
def logout() -> Any:
    token = sign_out()
    if token:
        session = db()
        with transaction(session):
            sessions.end_session(session, token)
    flash("You have signed out.", "success")
    return redirect(url_for("accounts.login"))


@bp.get("/account")
def settings() -> Any:
    return render_template("accounts/settings.html", user=current_user(), page_title="Your account")
