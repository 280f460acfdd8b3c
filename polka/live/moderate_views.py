"""The moderators' side of a session: the queue of questions waiting, and approving, editing, merging and
rejecting them, and barring participants. A refused decision (a reason left out) comes back on the
queue with what was typed; a decision another moderator made first is said, not repeated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.db import transaction
from polka.errors import Conflict, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.live import access, moderating, reads, transcript
from polka.live.blueprint import bp
from polka.live.forms import MergeForm, ReasonForm, WordingForm
from polka.live.models import LiveSession, Status
from polka.live.views import acted, find_live, session_url
from polka.live.watching import queue_token

T = TypeVar("T")


def queue_url(live: LiveSession, anchor: str | None = None) -> str:
    return url_for("live.moderate", slug=live.community.slug, live=live.id, _anchor=anchor)


def queue_screen(
    live: LiveSession,
    *,
    failed: tuple[int, ReasonForm | MergeForm] | None = None,
    bar_failed: tuple[int, ReasonForm] | None = None,
    status: int = 200,
) -> Any:
    """The session's queue: ``failed`` holds a refused decision's form for one question, ``bar_failed``
    a refused bar's for one participant."""
    user = current_user()
    queue = reads.queue(db(), signed_in(), live)
    return render_template(
        "live/moderate.html",
        community=live.community,
        live=live,
        queue=queue,
        state=access.state(live),
        token=queue_token(live),
        failed=failed,
        bar_failed=bar_failed,
        author_shown=lambda question: reads.author_shown(question, user, True),
        section="communities",
        page_title=f"Moderate: {live.title} – {live.community.name}",
    ), status


def _seen() -> Status:
    """What the moderator saw the question as when they decided (the form says): if it is no longer so,
    another moderator came first."""
    return Status.APPROVED if request.form.get("seen") == Status.APPROVED.value else Status.WAITING


def _moderating(slug: str, live: int) -> LiveSession:
    found = find_live(slug, live)
    access.require_moderate(current_user(), found)
    return found


@bp.get("/c/<slug>/live/<int:live>/moderate")
def moderate(slug: str, live: int) -> Any:
    return queue_screen(_moderating(slug, live))


@bp.post("/c/<slug>/live/<int:live>/questions/<int:question>/approve")
def approve(slug: str, live: int, question: int) -> Any:
    found = _moderating(slug, live)
    return acted(
        lambda: moderating.approve(db(), signed_in(), found, question),
        "Approved: every participant sees it now.",
        queue_url(found),
    )


@bp.route("/c/<slug>/live/<int:live>/questions/<int:question>/wording", methods=["GET", "POST"])
def wording(slug: str, live: int, question: int) -> Any:
    """A question's wording, changed by a moderator: approving a waiting one, or editing an approved one."""
    found = _moderating(slug, live)
    asked = reads.question_of(db(), found, question, Status.WAITING, Status.APPROVED)
    waiting = asked.status is Status.WAITING
    form = WordingForm(data={"body": asked.body})

    def screen(status: int = 200) -> Any:
        return render_template(
            "live/wording.html",
            community=found.community,
            live=found,
            question=asked,
            waiting=waiting,
            form=form,
            back=queue_url(found) if waiting else session_url(found, f"question-{asked.id}"),
            section="communities",
            page_title=f"{'Edit and approve' if waiting else 'Edit'} a question – {found.title}",
        ), status

    if not form.is_submitted():
        return screen()
    if not form.validate():
        return screen(400)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            if waiting:
                moderating.approve(session, user, found, asked.id, form.body.data or "")
            else:
                moderating.edit(session, user, found, asked.id, form.body.data or "")
    except ValidationError as error:
        show_errors(form, error)
        return screen(400)
    except Conflict as error:
        flash(str(error), "success")
        return redirect(queue_url(found))
    flash(
        "Approved with your wording: every participant sees it now."
        if waiting
        else "The question is changed.",
        "success",
    )
    return redirect(queue_url(found) if waiting else session_url(found, f"question-{asked.id}"))


def _decided(
    live: LiveSession,
    form: ReasonForm | MergeForm,
    work: Callable[[], T],
    done: Callable[[T], str],
    refused: Callable[[], Any],
) -> Any:
    """A moderator's decision sent from the queue: ``work`` run in one transaction and ``done`` said of
    what it returned; the queue again with what was typed and why (``refused``), when it was refused;
    or what another moderator did first."""
    if not form.validate():
        return refused()
    try:
        with transaction(db()):
            result = work()
    except ValidationError as error:
        show_errors(form, error)
        return refused()
    except Conflict as error:
        flash(str(error), "success")
    else:
        flash(done(result), "success")
    return redirect(queue_url(live))


@bp.post("/c/<slug>/live/<int:live>/questions/<int:question>/reject")
def reject(slug: str, live: int, question: int) -> Any:
    found = _moderating(slug, live)
    form = ReasonForm()
    return _decided(
        found,
        form,
        lambda: moderating.reject(db(), signed_in(), found, question, form.reason.data or "", seen=_seen()),
        lambda _: "Turned down: only its author sees it, with your reason.",
        lambda: queue_screen(found, failed=(question, form), status=400),
    )


@bp.post("/c/<slug>/live/<int:live>/questions/<int:question>/merge")
def merge(slug: str, live: int, question: int) -> Any:
    found = _moderating(slug, live)
    form = MergeForm()

    def merged() -> object:
        into = form.into.selected_id
        if into is None:
            message = "Choose an approved question from the list"
            raise ValidationError(message, {"into": message})
        return moderating.merge(db(), signed_in(), found, question, into, seen=_seen())

    return _decided(
        found,
        form,
        merged,
        lambda _: "Merged: its votes, and its author's, count for the question it joined.",
        lambda: queue_screen(found, failed=(question, form), status=400),
    )


@bp.post("/c/<slug>/live/<int:live>/participants/<int:user_id>/bar")
def bar(slug: str, live: int, user_id: int) -> Any:
    found = _moderating(slug, live)
    form = ReasonForm()
    return _decided(
        found,
        form,
        lambda: moderating.bar(db(), signed_in(), found, user_id, form.reason.data or ""),
        lambda barred: (
            f"{barred.user.name} can no longer take part in this session; "
            "their waiting questions are turned down."
        ),
        lambda: queue_screen(found, bar_failed=(user_id, form), status=400),
    )


@bp.post("/c/<slug>/live/<int:live>/participants/<int:user_id>/unbar")
def unbar(slug: str, live: int, user_id: int) -> Any:
    found = _moderating(slug, live)
    return acted(
        lambda: moderating.unbar(db(), signed_in(), found, user_id),
        "They can take part again.",
        queue_url(found, "barred"),
    )


@bp.post("/c/<slug>/live/<int:live>/transcript")
def publish_transcript(slug: str, live: int) -> Any:
    """Publish a closed session's transcript as a page of the community's wiki."""
    found = find_live(slug, live)
    session = db()
    try:
        with transaction(session):
            written = transcript.publish(session, signed_in(), found)
    except (Conflict, ValidationError) as refused:
        flash(str(refused), "error")
        return redirect(session_url(found))
    if written.pending:
        flash("The transcript is in the wiki, waiting for a reviewer to approve the new page.", "success")
    else:
        flash(f"The transcript is published in the wiki as “{written.title}”.", "success")
    return redirect(session_url(found))
