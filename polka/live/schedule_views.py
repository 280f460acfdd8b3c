"""Scheduling a session, changing its details, closing it early and deleting it. A refused form comes
back with what was typed and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import signed_in
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.db import transaction
from polka.errors import Forbidden, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.live import access, services
from polka.live.blueprint import bp
from polka.live.forms import MARKING_HINTS, SessionForm
from polka.live.models import LiveSession, Part
from polka.live.views import acted, find_live, session_url
from polka.markings import parse_marking
from polka.permissions import Action, require
from polka.templating import LONDON


@dataclass(frozen=True)
class FormScreen:
    community: Community
    heading: str
    action: str
    button: str
    back: str


def _form_screen(screen: FormScreen, form: SessionForm, status: int = 200) -> Any:
    return render_template(
        "live/session_form.html",
        community=screen.community,
        form=form,
        screen=screen,
        marking_hints=MARKING_HINTS,
        section="communities",
        page_title=f"{screen.heading} – {screen.community.name}",
    ), status


def fields_of(form: SessionForm) -> services.SessionFields:
    return services.SessionFields(
        title=form.title.data or "",
        date=form.date.data or "",
        opens=form.opens.data or "",
        closes=form.closes.data or "",
        description=form.description.data or "",
        panel=form.panel.data or "",
        moderators=form.moderators.data or "",
        event=form.event.data or "",
        marking=parse_marking(form.marking.data),
        advance_questions=bool(form.advance_questions.data),
        anonymous_allowed=bool(form.anonymous_allowed.data),
    )


def _saved(screen: FormScreen, form: SessionForm, save: Callable[[], LiveSession], done: str) -> Any:
    if not form.validate():
        return _form_screen(screen, form, 400)
    try:
        with transaction(db()):
            saved = save()
    except ValidationError as error:
        show_errors(form, error)
        return _form_screen(screen, form, 400)
    flash(done, "success")
    return redirect(session_url(saved))


@bp.route("/c/<slug>/live/new", methods=["GET", "POST"])
def new_session(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    require(user, Action.CONTRIBUTE, community)
    screen = FormScreen(
        community,
        "Schedule a question session",
        url_for("live.new_session", slug=community.slug),
        "Schedule the session",
        url_for("live.index", slug=community.slug),
    )
    if request.method == "GET":
        return _form_screen(
            screen,
            SessionForm(data={"moderators": f"@{user.handle}", "event": request.args.get("event", "")}),
        )
    form = SessionForm()
    return _saved(
        screen,
        form,
        lambda: services.create_session(session, user, community, fields_of(form)),
        f"“{form.title.data}” is scheduled.",
    )


def _handles(live: LiveSession, part: Part) -> str:
    return ", ".join(f"@{person.handle}" for person in access.named(live, part))


def initial(live: LiveSession) -> dict[str, Any]:
    opens, closes = live.opens_at.astimezone(LONDON), live.closes_at.astimezone(LONDON)
    return {
        "title": live.title,
        "description": live.description,
        "date": f"{opens:%Y-%m-%d}",
        "opens": f"{opens:%H:%M}",
        "closes": f"{closes:%H:%M}",
        "panel": _handles(live, Part.PANEL),
        "moderators": _handles(live, Part.MODERATOR),
        "event": f"event:{live.event_id}" if live.event_id else "",
        "marking": live.marking.value,
        "advance_questions": live.advance_questions,
        "anonymous_allowed": live.anonymous_allowed,
    }


@bp.route("/c/<slug>/live/<int:live>/edit", methods=["GET", "POST"])
def edit_session(slug: str, live: int) -> Any:
    found = find_live(slug, live)
    session, user = db(), signed_in()
    if not access.may_manage(user, found):
        require(user, Action.EDIT, found)
        raise Forbidden("Only the session's organiser and the community's moderators change it.")
    screen = FormScreen(
        found.community,
        "Change the session",
        url_for("live.edit_session", slug=found.community.slug, live=found.id),
        "Save the changes",
        session_url(found),
    )
    if request.method == "GET":
        return _form_screen(screen, SessionForm(data=initial(found)))
    form = SessionForm()
    return _saved(
        screen,
        form,
        lambda: services.edit_session(session, user, found, fields_of(form)),
        "The session's details are saved.",
    )


@bp.post("/c/<slug>/live/<int:live>/close")
def close_session(slug: str, live: int) -> Any:
    found = find_live(slug, live)
    return acted(
        lambda: services.close_now(db(), signed_in(), found),
        "The session is closed: its page is now its transcript.",
        session_url(found),
    )


@bp.post("/c/<slug>/live/<int:live>/delete")
def delete_session(slug: str, live: int) -> Any:
    found = find_live(slug, live)
    session = db()
    with transaction(session):
        services.delete_session(session, signed_in(), found)
    flash(
        f"“{found.title}” has been deleted. The community's managers can restore it for 30 days.", "success"
    )
    return redirect(url_for("live.index", slug=found.community.slug))
