"""Communities: the index, home pages, settings and asking for a new community.

Membership pages (members, joining, leaving, requests, invitations) are in ``membership_views.py``,
on the same blueprint.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from polka.accounts.web import current_user, signed_in
from polka.activity.stream import Cursor, read_stream
from polka.communities import requests, services
from polka.communities.blueprint import bp
from polka.communities.forms import (
    CEILING_HINTS,
    VISIBILITY_HINTS,
    CommunityRequestForm,
    CommunitySettingsForm,
    MessageForm,
    SearchForm,
)
from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Community, Visibility
from polka.db import transaction
from polka.errors import ValidationError
from polka.forms import show_errors
from polka.http import db, form_data
from polka.markings import Marking
from polka.permissions import Action, can
from polka.subscriptions.services import set_following


def enrol_first(next_url: str) -> Response | None:
    """Managers' powers need two-factor: send an unenrolled user to enrol (after the permission check)."""
    if signed_in().has_two_factor:
        return None
    flash("Set up two-factor authentication before you use a manager's powers.", "info")
    return redirect(url_for("accounts.two_factor_setup", next=next_url))


def managing(view: Callable[..., Any]) -> Callable[..., Any]:
    """For managers' pages: the community (MANAGE, else 404/403), then two-factor, then the view."""

    @wraps(view)
    def wrapper(slug: str, **kwargs: Any) -> Any:
        community = services.get_community(db(), current_user(), slug, Action.MANAGE)
        back = (
            request.full_path.rstrip("?")
            if request.method == "GET"
            else url_for("communities.home", slug=community.slug)
        )
        detour = enrol_first(back)
        if detour is not None:
            return detour
        return view(community, **kwargs)

    return wrapper


@bp.get("/")
def index() -> Any:
    user = current_user()
    form = SearchForm(request.args)
    if not form.validate():
        return render_template(
            "communities/index.html", form=form, result=None, section="communities", page_title="Communities"
        ), 400
    index = services.list_communities(
        db(),
        user,
        query=form.q.data or "",
        region=form.region.data or None,
        mine=form.mine.data == "1",
        page=form.page.data or 1,
    )
    chosen = form.region.data
    form.region.choices = [
        ("", "All regions"),
        *((name, f"{name} ({count})") for name, count in index.regions),
    ]
    if chosen and chosen not in dict(index.regions):
        form.region.choices.append((chosen, f"{chosen} (0)"))
    return render_template(
        "communities/index.html",
        form=form,
        result=index.results,
        section="communities",
        page_title="Communities",
    )


def render_home(community: Community, join_form: MessageForm | None = None, status: int = 200) -> Any:
    session, user = db(), current_user()
    readable = can(user, Action.READ, community)
    standing = services.standing(session, user, community)
    return render_template(
        "communities/home.html",
        community=community,
        members_count=services.members_count(session, community),
        managers=services.managers_shown(session, community),
        parent=services.visible_parent(user, community),
        children=services.visible_children(session, user, community),
        stream=read_stream(
            session, user, community=community, before=Cursor.parse(request.args.get("before"))
        )
        if readable
        else None,
        older_page=request.args.get("before") is not None,
        readable=readable,
        pending=standing.pending,
        following=standing.following,
        # the form to ask to join, only for someone who may ask (what it says back after a refusal)
        join_form=join_form or (MessageForm() if can(user, Action.REQUEST_JOIN, community) else None),
        section="communities",
        page_title=community.name,
    ), status


@bp.get("/<slug>/")
def home(slug: str) -> Any:
    return render_home(services.get_community(db(), current_user(), slug))


@bp.post("/<slug>/follow")
def follow(slug: str) -> Response:
    """Follow the community, or stop: open to anyone who may see its home page (not only members)."""
    session, user = db(), signed_in()
    community = services.get_community(session, user, slug)
    following = request.form.get("follow") == "1"
    with transaction(session):
        set_following(session, user, COMMUNITY_KIND, community.id, following)
    what = "You are following" if following else "You are no longer following"
    flash(f"{what} “{community.name}”.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


def _settings_page(community: Community, form: CommunitySettingsForm, status: int = 200) -> Any:
    return render_template(
        "communities/settings.html",
        community=community,
        form=form,
        visibility_hints=VISIBILITY_HINTS,
        ceiling_hints=CEILING_HINTS,
        section="communities",
        page_title=f"Settings – {community.name}",
    ), status


@bp.route("/<slug>/settings", methods=["GET", "POST"])
@managing
def settings(community: Community) -> Any:
    session, user = db(), signed_in()
    if request.method == "GET":
        form = CommunitySettingsForm(
            data={
                "second_approver": "no" if community.self_approval_allowed else "yes",
                "name": community.name,
                "summary": community.summary,
                "description": community.description,
                "visibility": community.visibility.value,
                "marking_ceiling": community.marking_ceiling.value,
                "region": community.region or "",
                "parent": str(community.parent_id) if community.parent_id else "",
            }
        )
        form.set_parents(services.parent_choices(session, user, community))
        return _settings_page(community, form)
    form = CommunitySettingsForm()
    form.set_parents(services.parent_choices(session, user, community))
    if not form.validate():
        return _settings_page(community, form, 400)
    values = form_data(form)
    try:
        with transaction(session):
            services.update_settings(
                session,
                user,
                community,
                name=values["name"],
                summary=values["summary"] or "",
                description=values["description"] or "",
                visibility=Visibility(values["visibility"]),
                marking_ceiling=Marking(values["marking_ceiling"]),
                region=values["region"] or None,
                parent_id=form.parent_id(),
                self_approval_allowed={"no": True, "yes": False}.get(values["second_approver"]),
            )
    except ValidationError as error:
        show_errors(form, error)
        return _settings_page(community, form, 400)
    flash("The community's settings have been saved.", "success")
    return redirect(url_for("communities.home", slug=community.slug))


def _request_page(form: CommunityRequestForm, status: int = 200) -> Any:
    session, user = db(), signed_in()
    return render_template(
        "communities/request.html",
        form=form,
        requests=requests.my_community_requests(session, user),
        visibility_hints=VISIBILITY_HINTS,
        ceiling_hints=CEILING_HINTS,
        section="communities",
        page_title="Ask for a new community",
    ), status


@bp.route("/request", methods=["GET", "POST"])
def request_new() -> Any:
    session, user = db(), signed_in()
    form = CommunityRequestForm()
    form.set_parents(services.parent_choices(session, user))
    if request.method == "GET":
        return _request_page(form)
    if not form.validate():
        return _request_page(form, 400)
    values = form_data(form)
    try:
        with transaction(session):
            community = requests.request_community(
                session,
                user,
                name=values["name"],
                summary=values["summary"] or "",
                description=values["description"] or "",
                visibility=Visibility(values["visibility"]),
                marking_ceiling=Marking(values["marking_ceiling"]),
                region=values["region"] or None,
                parent_id=form.parent_id(),
                reason=values["reason"],
            )
    except ValidationError as error:
        show_errors(form, error)
        return _request_page(form, 400)
    flash(f"Your request for {community.name} has been sent to the administrators.", "success")
    return redirect(url_for("communities.request_new"))
