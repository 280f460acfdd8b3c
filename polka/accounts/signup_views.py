"""Registration, email verification and asking for a new verification link.

Every answer is the same whether or not the address already has an account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from polka.accounts import services
from polka.accounts.blueprint import bp
from polka.accounts.forms import ActionForm, EmailForm, RegisterForm
from polka.accounts.models import AccountStatus, TokenPurpose
from polka.accounts.tokens import TokenState, check_token
from polka.accounts.web import hasher, public
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import client_ip, db, settings
from polka.organisations.services import suggest_organisation

AUTO = ""


def _organisation_choices() -> list[SelectChoice]:
    choices = [SelectChoice(AUTO, "Work it out from my email address")]
    choices += [SelectChoice(str(org.id), org.name) for org in services.organisation_choices(db())]
    return choices


@bp.route("/register", methods=["GET", "POST"])
@public
def register() -> Any:
    form = RegisterForm()
    form.organisation.choices = _organisation_choices()
    conf = settings()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate():
            registration = services.Registration(
                name=form.name.data or "",
                email=form.email.data or "",
                password=form.password.data or "",
                organisation_id=int(form.organisation.data) if form.organisation.data else None,
                sponsor_email=form.sponsor_email.data or "",
                reason=form.reason.data or "",
            )
            try:
                with transaction(db()) as session:
                    services.register(session, hasher(), registration, conf, ip=client_ip())
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                return redirect(url_for("accounts.registered"))
        suggested = _suggestion(form)
        if suggested is not None and not form.organisation.data:
            form.organisation.data = str(suggested)
    return render_template(
        "accounts/register.html",
        form=form,
        allowed_domains=conf.allowed_email_domains,
        require_approval=conf.require_approval,
        page_title="Register for POLKA",
    ), status


def _suggestion(form: RegisterForm) -> int | None:
    """The organisation matching the typed address, to preselect when the form is shown again."""
    email = form.email.data or ""
    if "@" not in email or form.email.errors:
        return None
    organisation = suggest_organisation(db(), email)
    return organisation.id if organisation is not None else None


@bp.get("/register/check-your-email")
@public
def registered() -> Any:
    return render_template(
        "accounts/check_email.html",
        page_title="Check your email",
        purpose="register",
        hours=settings().token_hours,
    )


def token_problem(state: TokenState, again_url: str, again_text: str) -> Any:
    status = 404 if state is TokenState.UNKNOWN else 400
    return render_template(
        "accounts/token_problem.html",
        state=state.value,
        again_url=again_url,
        again_text=again_text,
        page_title="This link is not valid" if status == 404 else "This link has expired or has been used",
    ), status


@bp.get("/verify/<token>")
@public
def verify(token: str) -> Any:
    state, _found = check_token(db(), token, TokenPurpose.VERIFY_EMAIL)
    if state is not TokenState.VALID:
        return token_problem(state, url_for("accounts.resend_verification"), "Send me a new link")
    return render_template("accounts/verify.html", form=ActionForm(), page_title="Confirm your email address")


@bp.post("/verify/<token>")
@public
def verify_confirm(token: str) -> Any:
    with transaction(db()) as session:
        state, user = services.verify_email(session, token, settings(), ip=client_ip())
    if state is not TokenState.VALID or user is None:
        return token_problem(state, url_for("accounts.resend_verification"), "Send me a new link")
    if user.status is AccountStatus.ACTIVE:
        flash("Your email address is confirmed. You can now sign in.", "success")
    else:
        flash(
            "Your email address is confirmed. An administrator will now review your account; "
            "we will email you when they have decided.",
            "success",
        )
    return redirect(url_for("accounts.login"))


def email_form_page(
    send: Callable[[Session, str], object], *, done: str, page_title: str, intro: str, button: str
) -> Any:
    """A page asking for an email address: on a valid POST, ``send`` to it and go to ``done``.

    The same answer whether or not the address has an account; a POST with a bad address is 400.
    """
    form = EmailForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate():
            with transaction(db()) as session:
                send(session, form.email.data or "")
            return redirect(url_for(done))
    return render_template(
        "accounts/email_form.html", form=form, page_title=page_title, intro=intro, button=button
    ), status


@bp.route("/verify/resend", methods=["GET", "POST"])
@public
def resend_verification() -> Any:
    return email_form_page(
        lambda session, email: services.resend_verification(session, email, settings()),
        done="accounts.resent",
        page_title="Get a new confirmation link",
        intro="Enter the email address you registered with. If it needs confirming, we will send a new link.",
        button="Send a new link",
    )


@bp.get("/verify/resend/sent")
@public
def resent() -> Any:
    return render_template(
        "accounts/check_email.html",
        page_title="Check your email",
        purpose="resend",
        hours=settings().token_hours,
    )
