"""Membership pages on the communities blueprint: members, join, leave, requests and invitations."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.communities import membership, services
from polka.communities.blueprint import bp
from polka.communities.forms import InviteForm, MessageForm, RoleForm
from polka.communities.models import Community, Role
from polka.communities.views import managing, render_home
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db, settings
from polka.ids import parse_page
from polka.permissions import Action, can

INVITE_SENT = "If the address belongs to a POLKA user, they have been sent an invitation."


def base_url() -> str:
    return settings().base_url


# --- Members ---------------------------------------------------------------------------------------


@bp.get("/<slug>/members")
def members(slug: str) -> Any:
    session, user = db(), current_user()
    community = services.get_community(session, user, slug, Action.READ)
    return render_template(
        "communities/members.html",
        community=community,
        members=membership.list_members(session, user, community, page=parse_page(request.args.get("page"))),
        roles=list(Role),
        manager=can(user, Action.MANAGE, community),
        section="communities",
        page_title=f"Members – {community.name}",
    )


@bp.post("/<slug>/members/<int:membership_id>/role")
@managing
def change_role(community: Community, membership_id: int) -> Any:
    form = RoleForm()
    if not form.validate():
        raise ValidationError("Choose a role from the list: reader, member, moderator or manager.")
    session = db()
    with transaction(session):
        changed = membership.change_role(session, signed_in(), community, membership_id, Role(form.role.data))
    flash(f"{changed.user.name} is now a {changed.role.value}.", "success")
    return redirect(url_for("communities.members", slug=community.slug))


@bp.post("/<slug>/members/<int:membership_id>/remove")
@managing
def remove_member(community: Community, membership_id: int) -> Any:
    session = db()
    with transaction(session):
        removed = membership.remove_member(session, signed_in(), community, membership_id)
    flash(f"{removed.name} has been removed from {community.name}.", "success")
    return redirect(url_for("communities.members", slug=community.slug))


# --- Joining and leaving ---------------------------------------------------------------------------


@bp.post("/<slug>/join")
def join(slug: str) -> Any:
    session, user = db(), signed_in()
    community = services.get_community(session, user, slug, Action.JOIN)
    with transaction(session):
        membership.join(session, user, community)
    flash(f"You have joined {community.name}.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


@bp.post("/<slug>/request")
def request_to_join(slug: str) -> Any:
    session, user = db(), signed_in()
    community = services.get_community(session, user, slug, Action.REQUEST_JOIN)
    form = MessageForm()
    if not form.validate():
        return render_home(community, form, 400)
    try:
        with transaction(session):
            membership.request_to_join(session, user, community, form.message.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return render_home(community, form, 400)
    flash(f"Your request to join {community.name} has been sent to its managers.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


@bp.post("/<slug>/request/withdraw")
def withdraw_request(slug: str) -> Any:
    session, user = db(), signed_in()
    community = services.get_community(session, user, slug)
    with transaction(session):
        membership.withdraw_request(session, user, community)
    flash("Your request has been withdrawn.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


@bp.post("/<slug>/leave")
def leave(slug: str) -> Any:
    session, user = db(), signed_in()
    community = services.get_community(session, user, slug, Action.LEAVE)
    with transaction(session):
        membership.leave(session, user, community)
    flash(f"You have left {community.name}.", "success")
    if can(user, Action.VIEW, community):
        return redirect(url_for("communities.home", slug=community.slug))
    return redirect(url_for("communities.index"))


# --- The managers' queue of join requests ----------------------------------------------------------


def _queue_page(community: Community, form: MessageForm | None = None, failed: int | None = None) -> Any:
    summary: list[tuple[str | None, str]] = []
    if form is not None:
        summary += [(f"message-{failed}", e) for e in form.message.errors]
        summary += [(None, e) for e in form.form_errors]
    return render_template(
        "communities/requests.html",
        community=community,
        requests=membership.join_queue(db(), signed_in(), community),
        form=form,
        failed=failed,
        summary=summary,
        section="communities",
        page_title=f"Requests to join – {community.name}",
    ), 400 if failed is not None else 200


@bp.get("/<slug>/requests")
@managing
def requests(community: Community) -> Any:
    return _queue_page(community)


@bp.post("/<slug>/requests/<int:request_id>")
@managing
def decide_request(community: Community, request_id: int) -> Any:
    decision = request.form.get("decision")
    form = MessageForm()
    if decision not in {"approve", "decline"}:
        form.validate()
        form.form_errors.append("Choose Approve or Decline")
        return _queue_page(community, form, request_id)
    if not form.validate():
        return _queue_page(community, form, request_id)
    session = db()
    try:
        with transaction(session):
            decided = membership.decide_join_request(
                session,
                signed_in(),
                community,
                request_id,
                approve=decision == "approve",
                message=form.message.data or "",
            )
    except ValidationError as error:
        show_errors(form, error)
        return _queue_page(community, form, request_id)
    verb = "approved: they are now a member" if decision == "approve" else "declined"
    flash(f"{decided.user.name}'s request was {verb}.", "success")
    return redirect(url_for("communities.requests", slug=community.slug))


# --- Invitations -----------------------------------------------------------------------------------


def _invite_page(community: Community, form: InviteForm, status: int = 200) -> Any:
    return render_template(
        "communities/invite.html",
        community=community,
        form=form,
        invitations=membership.community_invitations(db(), signed_in(), community),
        section="communities",
        page_title=f"Invite someone – {community.name}",
    ), status


@bp.route("/<slug>/invite", methods=["GET", "POST"])
@managing
def invite(community: Community) -> Any:
    form = InviteForm()
    if request.method == "GET":
        return _invite_page(community, form)
    if not form.validate():
        return _invite_page(community, form, 400)
    session = db()
    try:
        with transaction(session):
            membership.invite(
                session,
                signed_in(),
                community,
                form.email.data or "",
                Role(form.role.data),
                form.message.data or "",
                base_url=base_url(),
            )
    except ValidationError as error:
        show_errors(form, error)
        return _invite_page(community, form, 400)
    flash(INVITE_SENT, "success")
    return redirect(url_for("communities.invite", slug=community.slug))


@bp.post("/<slug>/invitations/<int:invitation_id>/cancel")
@managing
def cancel_invitation(community: Community, invitation_id: int) -> Any:
    session = db()
    with transaction(session):
        cancelled = membership.cancel_invitation(session, signed_in(), community, invitation_id)
    flash(f"The invitation to {cancelled.user.name} has been withdrawn.", "success")
    return redirect(url_for("communities.invite", slug=community.slug))


@bp.get("/invitations")
def invitations() -> Any:
    return render_template(
        "communities/invitations.html",
        invitations=services.pending_invitations(db(), current_user()),
        section="communities",
        page_title="Your invitations",
    )


@bp.post("/invitations/<int:invitation_id>/accept")
def accept_invitation(invitation_id: int) -> Any:
    session, user = db(), signed_in()
    with transaction(session):
        invitation = membership.respond_to_invitation(session, user, invitation_id, accept=True)
    flash(f"You have joined {invitation.community.name}.", "success")
    return redirect(url_for("communities.home", slug=invitation.community.slug))


@bp.post("/invitations/<int:invitation_id>/decline")
def decline_invitation(invitation_id: int) -> Any:
    session, user = db(), signed_in()
    with transaction(session):
        invitation = membership.respond_to_invitation(session, user, invitation_id, accept=False)
    flash(f"You have declined the invitation to {invitation.community.name}.", "success")
    return redirect(url_for("communities.invitations"))
