"""Moderation pages: reporting an item, a community's review queue and moderation log (moderators),
and the reports a person made with what became of each."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.communities.web import community_for
from polka.content.kinds import resolve
from polka.db import transaction
from polka.errors import Conflict, NotFound, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.moderation import services
from polka.moderation.forms import DecisionForm, ReportForm
from polka.moderation.models import Outcome, ReportReason
from polka.moderation.registry import moderated
from polka.permissions import Action

bp = Blueprint("moderation", __name__)


def _page_number() -> int:
    return request.args.get("page", 1, type=int) or 1


def _report_screen(kind: str, target_id: int, form: ReportForm, status: int = 200) -> Any:
    shown = resolve(db(), current_user(), kind, target_id) if moderated(kind) else None
    if shown is None:
        raise NotFound()
    return render_template(
        "moderation/report.html",
        shown=shown,
        kind=kind,
        target_id=target_id,
        form=form,
        section="communities",
        page_title=f"Report a post – {shown.title}",
    ), status


@bp.route("/report/<kind>/<int:target_id>", methods=["GET", "POST"])
def report(kind: str, target_id: int) -> Any:
    user = signed_in()
    if request.method == "GET":
        return _report_screen(kind, target_id, ReportForm())
    form = ReportForm()
    if not form.validate():
        return _report_screen(kind, target_id, form, 400)
    session = db()
    try:
        with transaction(session):
            filed = services.report(
                session, user, kind, target_id, ReportReason(form.reason.data), form.text.data or ""
            )
    except ValidationError as error:
        show_errors(form, error)
        return _report_screen(kind, target_id, form, 400)
    except Conflict as error:
        flash(str(error), "success")
        return redirect(url_for("moderation.mine"))
    shown = resolve(session, user, kind, target_id)
    flash(
        "Thank you. The moderators will look at it; your reports page will say what they decided.", "success"
    )
    return redirect(
        shown.url if shown is not None else url_for("moderation.mine", _anchor=f"report-{filed.id}")
    )


def _queue_screen(slug: str, form: DecisionForm | None = None, status: int = 200) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    return render_template(
        "moderation/queue.html",
        community=community,
        reported=services.queue(session, user, community),
        form=form,
        section="communities",
        page_title=f"Reports – {community.name}",
    ), status


@bp.get("/c/<slug>/moderation/")
def queue(slug: str) -> Any:
    return _queue_screen(slug)


@bp.post("/c/<slug>/moderation/decide")
def decide(slug: str) -> Any:
    community = community_for(slug, Action.MODERATE)
    session, user = db(), signed_in()
    form = DecisionForm()
    if not form.validate():
        return _queue_screen(slug, form, 400)
    outcome = Outcome(form.outcome.data)
    try:
        with transaction(session):
            closed = services.decide(
                session,
                user,
                community,
                form.kind.data or "",
                form.target.data or 0,
                outcome,
                form.reason.data or "",
            )
    except ValidationError as error:
        show_errors(form, error)
        return _queue_screen(slug, form, 400)
    except Conflict as error:
        flash(str(error), "success")
        return redirect(url_for("moderation.queue", slug=community.slug))
    done = "kept" if outcome is Outcome.KEPT else "hidden"
    flash(f"The post has been {done}; {closed} {'report' if closed == 1 else 'reports'} closed.", "success")
    return redirect(url_for("moderation.queue", slug=community.slug))


@bp.get("/c/<slug>/moderation/log")
def log(slug: str) -> Any:
    community = community_for(slug, Action.MODERATE)
    return render_template(
        "moderation/log.html",
        community=community,
        entries=services.moderation_log(db(), signed_in(), community, _page_number()),
        section="communities",
        page_title=f"Moderation log – {community.name}",
    )


@bp.get("/account/reports")
def mine() -> Any:
    return render_template(
        "moderation/mine.html",
        reports=services.my_reports(db(), signed_in(), _page_number()),
        section="account",
        page_title="Your reports",
    )
