"""A meeting's pack on its event page: uploading a paper into the library, linking a document already
there, taking one out; the actions from its minutes; and "minutes due", a coordinator's past meetings
still without minutes. The rules are in ``packs.py``."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request

from polka.accounts.web import signed_in
from polka.content.filing import Paper
from polka.db import transaction, utcnow
from polka.errors import ValidationError
from polka.events import packs, wording
from polka.events.blueprint import bp
from polka.events.forms import ActionForm, LinkForm, PaperForm
from polka.events.models import Event, PaperRole
from polka.events.schedule import Occurrence
from polka.events.views import (
    PackForms,
    acted,
    editing_occurrence,
    event_screen,
    find_occurrence,
    occurrence_url,
)
from polka.forms import show_errors
from polka.http import db, file_store, settings
from polka.markings import parse_marking
from polka.storage import FileTooLarge


def _role(written: str | None) -> PaperRole:
    return PaperRole(written) if written in {role.value for role in PaperRole} else PaperRole.PAPER


def _pack_url(occurrence: Occurrence) -> str:
    return f"{occurrence_url(occurrence)}#pack"


def _again(event: Event, occurrence: Occurrence, forms: PackForms, status: int = 400) -> Any:
    """The event's page again, with the form that failed showing why and what was typed."""
    return event_screen(event, occurrence, [], pack_forms=forms, status=status)


@bp.post("/c/<slug>/events/<int:event>/<key>/papers")
def upload_paper(slug: str, event: int, key: str) -> Any:
    found, user, chosen = editing_occurrence(slug, event, key)
    form = PaperForm(prefix="paper")
    sent = request.files.get("paper-file")
    if not form.validate() or sent is None or not sent.filename:
        if sent is None or not sent.filename:
            form.form_errors.append("Select the file to upload")
        return _again(found, chosen, PackForms(paper=form))
    paper = Paper(
        stream=sent.stream,
        filename=sent.filename,
        max_bytes=settings().max_upload_mb * 1024 * 1024,
        title=form.title.data or "",
        marking=parse_marking(form.marking.data),
    )
    session = db()
    try:
        with transaction(session):
            filed = packs.upload_paper(
                session, user, file_store(), found, chosen, paper, _role(form.role.data)
            )
    except ValidationError as error:
        if set(error.field_errors) <= {"file"}:  # the library's whole reason ("…it accepts PDF, …")
            form.form_errors.append(str(error))
        else:
            show_errors(form, error)
        return _again(found, chosen, PackForms(paper=form), 413 if isinstance(error, FileTooLarge) else 400)
    if filed.already_there:
        flash(
            f"That file was already in the meeting's folder as “{filed.title}”: it is in the pack.", "success"
        )
    else:
        flash(
            f"“{filed.title}” is in the pack, and in the library's folder for this meeting. "
            "It is a draft until a moderator approves it.",
            "success",
        )
    return redirect(_pack_url(chosen))


@bp.post("/c/<slug>/events/<int:event>/<key>/papers/link")
def link_paper(slug: str, event: int, key: str) -> Any:
    found, user, chosen = editing_occurrence(slug, event, key)
    form = LinkForm(prefix="link")
    session = db()
    if not form.validate():
        return _again(found, chosen, PackForms(link=form))
    try:
        if form.choice.data:
            target = packs.linkable(session, user, form.choice.data)
        else:
            matches = packs.find_linkable(session, user, form.target.data or "")
            if not matches:
                message = "No document you can see has that title or number: check it in the library"
                raise ValidationError(message, {"target": message})
            if len(matches) > 1:
                return _again(found, chosen, PackForms(link=form, choices=matches), 200)
            target = matches[0]
        with transaction(session):
            packs.link_paper(session, user, found, chosen, target, _role(form.role.data))
    except ValidationError as error:
        show_errors(form, error)
        return _again(found, chosen, PackForms(link=form))
    flash(f"“{target.title}” is in the pack.", "success")
    return redirect(_pack_url(chosen))


@bp.post("/c/<slug>/events/<int:event>/<key>/papers/<int:paper>/remove")
def remove_paper(slug: str, event: int, key: str, paper: int) -> Any:
    found, chosen = find_occurrence(slug, event, key)
    return acted(
        lambda: packs.remove_paper(db(), signed_in(), found, paper),
        "The paper is out of the pack. It is still in the library.",
        _pack_url(chosen),
    )


@bp.post("/c/<slug>/events/<int:event>/<key>/actions")
def add_action(slug: str, event: int, key: str) -> Any:
    found, user, chosen = editing_occurrence(slug, event, key)
    form = ActionForm(prefix="action")
    if not form.validate():
        return _again(found, chosen, PackForms(action=form))
    fields = packs.ActionFields(what=form.what.data or "", who=form.who.data or "", due=form.due.data or "")
    session = db()
    try:
        with transaction(session):
            action = packs.add_action(session, user, found, chosen, fields)
    except ValidationError as error:
        show_errors(form, error)
        return _again(found, chosen, PackForms(action=form))
    flash(f"The action is on {action.assignee.name}’s home page until it is done.", "success")
    return redirect(f"{occurrence_url(chosen)}#actions")


@bp.post("/c/<slug>/events/<int:event>/<key>/actions/<int:action>/done")
def action_done(slug: str, event: int, key: str, action: int) -> Any:
    found, chosen = find_occurrence(slug, event, key)
    done = request.form.get("done", "yes") == "yes"
    return acted(
        lambda: packs.set_done(db(), signed_in(), found, action, done=done),
        "The action is marked done." if done else "The action is open again.",
        f"{occurrence_url(chosen)}#actions",
    )


@bp.post("/c/<slug>/events/<int:event>/<key>/actions/<int:action>/remove")
def remove_action(slug: str, event: int, key: str, action: int) -> Any:
    found, chosen = find_occurrence(slug, event, key)
    return acted(
        lambda: packs.remove_action(db(), signed_in(), found, action),
        "The action has been removed.",
        f"{occurrence_url(chosen)}#actions",
    )


@bp.get("/calendar/minutes-due")
def minutes_due() -> Any:
    user = signed_in()
    return render_template(
        "events/minutes_due.html",
        due=packs.minutes_due(db(), user, utcnow()),
        when=wording.when,
        url_of=occurrence_url,
        section="calendar",
        page_title="Minutes due",
    )
