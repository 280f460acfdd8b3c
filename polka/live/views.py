"""The participants' pages: a community's sessions, one session (its questions, answers and what is
being answered now), asking, voting and following.

Every page works by reloading, without JavaScript: forms post and come back to the page, and a refresh
link shows what is new. With JavaScript the session page updates itself (``updates``).

Scheduling is in ``schedule_views.py``, moderating in ``moderate_views.py`` and answering in
``answer_views.py``, on the same blueprint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request, url_for

from polka.accounts.web import current_user, signed_in
from polka.communities.web import community_for
from polka.content.kinds import resolve
from polka.db import transaction
from polka.errors import Conflict, Forbidden, ValidationError
from polka.forms import show_errors
from polka.http import db
from polka.live import access, questions, reads
from polka.live.blueprint import bp
from polka.live.forms import QuestionForm
from polka.live.kinds import SESSION_KIND
from polka.live.models import LiveSession, Part
from polka.live.services import EVENT_KIND
from polka.live.transcript import published_page
from polka.live.watching import token_for
from polka.subscriptions.services import is_following
from polka.subscriptions.web import follow_from_form


@bp.get("/c/<slug>/live/")
def index(slug: str) -> Any:
    community = community_for(slug)
    user = current_user()
    return render_template(
        "live/index.html",
        community=community,
        listed=reads.sessions(db(), user, community),
        may_schedule=access.may_schedule(user, community),
        section="communities",
        page_title=f"Question sessions – {community.name}",
    )


def find_live(slug: str, live_id: int) -> LiveSession:
    return access.get_live(db(), current_user(), community_for(slug), live_id)


def session_url(live: LiveSession, anchor: str | None = None) -> str:
    return url_for("live.session", slug=live.community.slug, live=live.id, _anchor=anchor)


def session_screen(live: LiveSession, form: QuestionForm | None = None, *, status: int = 200) -> Any:
    """A session as the current user sees it: ``form`` holds what was typed into a refused question, and
    ``status`` says why it was refused."""
    session, user = db(), current_user()
    shown = reads.shown(session, user, live)
    refusal = access.take_part_refusal(user, live, shown.participant)
    event = resolve(session, user, EVENT_KIND, live.event_id) if live.event_id else None
    return render_template(
        "live/session.html",
        community=live.community,
        live=live,
        shown=shown,
        event=event,
        form=form or QuestionForm(),
        refusal=refusal,
        token=token_for(user, live, shown.participant, refusal),
        panel=access.named(live, Part.PANEL),
        is_panel=access.is_panel(user, live),
        may_set_answering=access.may_set_answering(user, live),
        offers_moderation=access.offers_moderation(user, live),
        may_manage=access.may_manage(user, live),
        following=is_following(session, user, SESSION_KIND, live.id),
        transcript_page=published_page(session, user, live),
        author_shown=lambda question: reads.author_shown(question, user, shown.moderator),
        section="communities",
        page_title=f"{live.title} – {live.community.name}",
    ), status


@bp.get("/c/<slug>/live/<int:live>")
def session(slug: str, live: int) -> Any:
    return session_screen(find_live(slug, live))


@bp.post("/c/<slug>/live/<int:live>/questions")
def ask(slug: str, live: int) -> Any:
    session, user = db(), signed_in()
    found = find_live(slug, live)
    form = QuestionForm()
    if not form.validate():
        return session_screen(found, form, status=400)
    try:
        with transaction(session):
            asked = questions.ask(session, user, found, form.body.data or "", anonymous=form.anonymous.data)
    except ValidationError as error:
        show_errors(form, error)
        return session_screen(found, form, status=400)
    except Forbidden as refused:  # silenced in the community, barred, or the session has closed
        form.form_errors.append(str(refused))
        return session_screen(found, form, status=403)
    if asked.is_public:
        flash("Your question is on the list.", "success")
    else:
        flash("Your question has been sent. It waits for a moderator before others see it.", "success")
    return redirect(session_url(found, f"question-{asked.id}"))


def acted(work: Callable[[], object], done: str, back: str) -> Any:
    """A one-button change run in one transaction: ``done`` said, or why it could not be done (someone
    else's change came first)."""
    try:
        with transaction(db()):
            work()
    except Conflict as error:
        flash(str(error), "success")
    else:
        flash(done, "success")
    return redirect(back)


@bp.post("/c/<slug>/live/<int:live>/questions/<int:question>/vote")
def vote(slug: str, live: int, question: int) -> Any:
    found = find_live(slug, live)
    up = request.form.get("up") != "no"
    return acted(
        lambda: questions.vote(db(), signed_in(), found, question, up=up),
        "Your vote is counted." if up else "Your vote is taken back.",
        session_url(found, f"question-{question}"),
    )


@bp.post("/c/<slug>/live/<int:live>/follow")
def follow(slug: str, live: int) -> Any:
    found = find_live(slug, live)
    return follow_from_form(SESSION_KIND, found.id, session_url(found))
