"""The panel's side of a session: answering a question in writing, changing one's answer, marking a
question answered, and saying which question is being answered now. A refused answer comes back with
what was typed and why."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request

from polka.accounts.web import signed_in
from polka.db import transaction
from polka.errors import Forbidden, NotFound, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.ids import parse_id
from polka.live import access, answering, reads
from polka.live.blueprint import bp
from polka.live.forms import AnswerForm
from polka.live.models import LiveQuestion, LiveSession, Status
from polka.live.views import acted, find_live, session_url
from polka.permissions import Action, require


def _panel(slug: str, live: int) -> LiveSession:
    found = find_live(slug, live)
    user = signed_in()
    if not access.is_panel(user, found):
        require(user, Action.VIEW, found)
        raise Forbidden("Only the session's panel answers its questions.")
    return found


def _answer_screen(
    live: LiveSession,
    question: LiveQuestion,
    form: AnswerForm,
    action: str,
    *,
    editing: bool,
    status: int = 200,
) -> Any:
    return render_template(
        "live/answer.html",
        community=live.community,
        live=live,
        question=question,
        form=form,
        action=action,
        editing=editing,
        section="communities",
        page_title=f"Answer a question – {live.title}",
    ), status


@bp.route("/c/<slug>/live/<int:live>/questions/<int:question>/answer", methods=["GET", "POST"])
def answer(slug: str, live: int, question: int) -> Any:
    found = _panel(slug, live)
    asked = reads.question_of(db(), found, question, Status.APPROVED)
    form = AnswerForm()
    action = request.path
    if not form.is_submitted():
        return _answer_screen(found, asked, form, action, editing=False)
    if not form.validate():
        return _answer_screen(found, asked, form, action, editing=False, status=400)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            answering.answer(
                session, user, found, asked.id, form.body.data or "", answered=bool(form.answered.data)
            )
    except ValidationError as error:
        show_errors(form, error)
        return _answer_screen(found, asked, form, action, editing=False, status=400)
    flash("Your answer is published: everyone in the session sees it.", "success")
    return redirect(session_url(found, f"question-{asked.id}"))


@bp.route("/c/<slug>/live/<int:live>/answers/<int:answer>/edit", methods=["GET", "POST"])
def edit_answer(slug: str, live: int, answer: int) -> Any:
    found = _panel(slug, live)
    written = reads.answer_of(db(), found, answer)
    form = AnswerForm(data={"body": written.body})
    action = request.path
    if not form.is_submitted():
        return _answer_screen(found, written.question, form, action, editing=True)
    if not form.validate():
        return _answer_screen(found, written.question, form, action, editing=True, status=400)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            answering.edit_answer(session, user, found, written.id, form.body.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return _answer_screen(found, written.question, form, action, editing=True, status=400)
    flash("Your answer is changed.", "success")
    return redirect(session_url(found, f"question-{written.question_id}"))


@bp.post("/c/<slug>/live/<int:live>/questions/<int:question>/answered")
def answered(slug: str, live: int, question: int) -> Any:
    found = find_live(slug, live)
    yes = request.form.get("answered") != "no"
    return acted(
        lambda: answering.mark_answered(db(), signed_in(), found, question, answered=yes),
        "Marked answered." if yes else "Marked not answered: it is back on the list.",
        session_url(found, f"question-{question}"),
    )


@bp.post("/c/<slug>/live/<int:live>/answering")
def set_answering(slug: str, live: int) -> Any:
    found = find_live(slug, live)
    written = request.form.get("question", "")
    chosen = parse_id(written)
    if written and chosen is None:
        raise NotFound()
    return acted(
        lambda: answering.set_answering(db(), signed_in(), found, chosen),
        "Everyone sees which question is being answered now."
        if chosen
        else "No question is shown as being answered.",
        session_url(found),
    )
