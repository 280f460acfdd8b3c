"""Saying whether one is coming, the attendance list (on the page and as CSV) and invitations."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for

from polka.accounts.web import signed_in
from polka.db import transaction
from polka.errors import Conflict, Forbidden, ValidationError
from polka.events import attendance, wording
from polka.events.blueprint import bp
from polka.events.forms import AnswerForm, InviteForm
from polka.events.models import Answer, Event
from polka.events.schedule import Occurrence
from polka.events.views import event_screen, find_event, find_occurrence, occurrence_url
from polka.forms import show_errors
from polka.http import db
from polka.spreadsheets import BOM, csv_lines


@bp.post("/c/<slug>/events/<int:event>/<key>/answer")
def answer(slug: str, event: int, key: str) -> Any:
    found, chosen = find_occurrence(slug, event, key)
    session, user = db(), signed_in()
    form = AnswerForm()
    given = form.answer.data if form.answer.data in {a.value for a in Answer} else None
    if not form.validate() or given is None:
        if given is None:
            form.answer.errors = ["Choose going, maybe or not going"]
        return event_screen(found, chosen, [], answer_form=form, status=400)
    try:
        with transaction(session):
            answered = attendance.answer(session, user, found, chosen, Answer(given), form.note.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return event_screen(found, chosen, [], answer_form=form, status=400)
    except (Forbidden, Conflict) as error:
        form.form_errors.append(str(error))
        return event_screen(
            found, chosen, [], answer_form=form, status=403 if isinstance(error, Forbidden) else 409
        )
    mine = answered.answer
    if mine.waiting:
        flash(
            "Every place is taken: you are on the waiting list, and get a place as soon as one is free.",
            "success",
        )
    else:
        flash(
            {
                Answer.GOING: "You are going.",
                Answer.MAYBE: "You might go.",
                Answer.NOT_GOING: "You are not going.",
            }[mine.answer],
            "success",
        )
    return redirect(occurrence_url(chosen))


def _attendance_for(slug: str, event: int, key: str) -> tuple[Event, Occurrence]:
    found, chosen = find_occurrence(slug, event, key)
    if not attendance.may_see_attendance(signed_in(), found):
        raise Forbidden("Only the organiser and the community's managers see the attendance list.")
    return found, chosen


@bp.get("/c/<slug>/events/<int:event>/<key>/attendance")
def attendance_list(slug: str, event: int, key: str) -> Any:
    found, chosen = _attendance_for(slug, event, key)
    everyone = attendance.answers(db(), found, chosen.original)
    return render_template(
        "events/attendance.html",
        community=found.community,
        event=found,
        occurrence=chosen,
        answers=everyone,
        by_organisation=attendance.by_organisation(everyone),
        counts=attendance.counts(db(), found, chosen.original),
        when=wording.when,
        occurrence_url=occurrence_url(chosen),
        section="communities",
        page_title=f"Who is coming – {found.title}",
    )


@bp.get("/c/<slug>/events/<int:event>/<key>/attendance.csv")
def attendance_csv(slug: str, event: int, key: str) -> Response:
    found, chosen = _attendance_for(slug, event, key)
    rows = attendance.csv_rows(attendance.answers(db(), found, chosen.original))
    name = f"attendance-{found.id}-{chosen.key}.csv"
    return Response(
        BOM + csv_lines(rows),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


def _invitations_screen(found: Event, form: InviteForm, status: int = 200) -> Any:
    return render_template(
        "events/invitations.html",
        community=found.community,
        event=found,
        form=form,
        invited=attendance.invitations(db(), found),
        section="communities",
        page_title=f"Invitations – {found.title}",
    ), status


@bp.route("/c/<slug>/events/<int:event>/invitations", methods=["GET", "POST"])
def invitations(slug: str, event: int) -> Any:
    found = find_event(slug, event)
    session, user = db(), signed_in()
    if not attendance.may_see_attendance(user, found):
        raise Forbidden("Only the organiser and the community's managers invite people.")
    form = InviteForm()
    if request.method == "GET":
        return _invitations_screen(found, form)
    if not form.validate():
        return _invitations_screen(found, form, 400)
    try:
        with transaction(session):
            invited = attendance.invite(session, user, found, form.handles.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return _invitations_screen(found, form, 400)
    flash(f"Invited {len(invited)} {'person' if len(invited) == 1 else 'people'}.", "success")
    return redirect(url_for("events.invitations", slug=found.community.slug, event=found.id))


@bp.post("/c/<slug>/events/<int:event>/invitations/<int:person>/remove")
def uninvite(slug: str, event: int, person: int) -> Any:
    found = find_event(slug, event)
    session = db()
    with transaction(session):
        attendance.uninvite(session, signed_in(), found, person)
    flash("The invitation has been withdrawn.", "success")
    return redirect(url_for("events.invitations", slug=found.community.slug, event=found.id))
