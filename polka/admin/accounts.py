"""Administration of accounts: pending registrations, and every user (suspend, reactivate, admin).

The admin blueprint lets in only site administrators; these powers also need two-factor.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from polka.accounts import services
from polka.accounts.forms import ActionForm, ReasonForm, UserSearchForm
from polka.accounts.models import AccountStatus, User
from polka.accounts.web import current_user, two_factor_required
from polka.admin.blueprint import bp
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import client_ip, db, settings
from polka.ids import parse_page


def _pending_page(reject_forms: dict[int, ReasonForm] | None = None, status: int = 200) -> Any:
    session = db()
    pending = services.pending_accounts(session, current_user())
    sponsors_active = services.active_emails(session, [u.sponsor_email or "" for u in pending])
    forms = reject_forms or {}
    return render_template(
        "admin/accounts/pending.html",
        pending=pending,
        sponsors_active=sponsors_active,
        reject_forms={
            u.id: forms.get(u.id) or ReasonForm(formdata=None, prefix=f"reject-{u.id}") for u in pending
        },
        action_form=ActionForm(formdata=None),
        section="admin",
        page_title="Accounts waiting for approval",
    ), status


@bp.get("/accounts/pending")
@two_factor_required
def pending_accounts() -> Any:
    return _pending_page()


@bp.post("/accounts/<int:user_id>/approve")
@two_factor_required
def approve_account(user_id: int) -> Response:
    with transaction(db()) as session:
        user = services.get_user(session, current_user(), user_id)
        services.approve_account(session, current_user(), user, settings(), ip=client_ip())
    flash(f"{user.name}'s account is approved. We have emailed them.", "success")
    return redirect(url_for("admin.pending_accounts"))


@bp.post("/accounts/<int:user_id>/reject")
@two_factor_required
def reject_account(user_id: int) -> Any:
    form = ReasonForm(prefix=f"reject-{user_id}")
    session = db()
    user = services.get_user(session, current_user(), user_id)
    if form.validate():
        try:
            with transaction(session):
                services.reject_account(
                    session, current_user(), user, form.reason.data or "", settings(), ip=client_ip()
                )
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(f"{user.name}'s registration is rejected. We have emailed them the reason.", "success")
            return redirect(url_for("admin.pending_accounts"))
    return _pending_page({user_id: form}, 400)


# --- Users -------------------------------------------------------------------------------------------


@bp.get("/users")
@two_factor_required
def users() -> Any:
    form = UserSearchForm(request.args)
    status = 200
    query, state = "", None
    if form.validate():
        query = form.q.data or ""
        state = AccountStatus(form.status.data) if form.status.data else None
    else:
        status = 400
    page = parse_page(request.args.get("page"))
    results = services.search_users(db(), current_user(), query=query, status=state, page=page)
    return render_template(
        "admin/accounts/users.html",
        form=form,
        results=results,
        query=query,
        state=state.value if state else "",
        section="admin",
        page_title="Users",
    ), status


def _user_page(user: User, suspend_form: ReasonForm | None = None, status: int = 200) -> Any:
    return render_template(
        "admin/accounts/user.html",
        user=user,
        suspend_form=suspend_form or ReasonForm(formdata=None, prefix="suspend"),
        action_form=ActionForm(formdata=None),
        is_self=user.id == (current_user() or user).id,
        sponsor_active=bool(services.active_emails(db(), [user.sponsor_email or ""])),
        section="admin",
        page_title=user.name,
    ), status


@bp.get("/users/<int:user_id>")
@two_factor_required
def user_detail(user_id: int) -> Any:
    return _user_page(services.get_user(db(), current_user(), user_id))


@bp.post("/users/<int:user_id>/suspend")
@two_factor_required
def suspend_user(user_id: int) -> Any:
    session = db()
    user = services.get_user(session, current_user(), user_id)
    form = ReasonForm(prefix="suspend")
    if form.validate():
        try:
            with transaction(session):
                services.suspend_user(session, current_user(), user, form.reason.data or "", ip=client_ip())
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            flash(
                f"{user.name} is suspended and signed out everywhere, and their feed links no longer work.",
                "success",
            )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return _user_page(user, form, 400)


@bp.post("/users/<int:user_id>/reactivate")
@two_factor_required
def reactivate_user(user_id: int) -> Response:
    with transaction(db()) as session:
        user = services.get_user(session, current_user(), user_id)
        services.reactivate_user(session, current_user(), user, ip=client_ip())
    flash(f"{user.name} is active again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/grant-admin")
@two_factor_required
def grant_admin(user_id: int) -> Response:
    with transaction(db()) as session:
        user = services.get_user(session, current_user(), user_id)
        services.set_admin(session, current_user(), user, True, ip=client_ip())
    flash(f"{user.name} is now a site administrator.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/revoke-admin")
@two_factor_required
def revoke_admin(user_id: int) -> Response:
    with transaction(db()) as session:
        user = services.get_user(session, current_user(), user_id)
        services.set_admin(session, current_user(), user, False, ip=client_ip())
    flash(f"{user.name} is no longer a site administrator.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/bounce/clear")
@two_factor_required
def clear_bounce(user_id: int) -> Response:
    """The person's mailbox works again: send them notification email again."""
    with transaction(db()) as session:
        user = services.get_user(session, current_user(), user_id)
        services.clear_bounce(session, current_user(), user, ip=client_ip())
    flash(f"POLKA will send email to {user.email} again.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))
