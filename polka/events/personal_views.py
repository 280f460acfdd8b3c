"""A person's own calendar: the events of every community they belong to, as an agenda or a month
grid, with a filter per community."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from polka.accounts.web import signed_in
from polka.communities.models import Community
from polka.db import utcnow
from polka.events import reads, wording
from polka.events.blueprint import bp
from polka.events.views import (
    SHOWS,
    agenda_for,
    minuted_among,
    month_asked,
    month_occurrences,
    occurrence_url,
)
from polka.http import db


def _communities() -> tuple[list[Community], Community | None]:
    """The user's communities, and the one ``?community=`` narrows the calendar to (if any)."""
    mine = reads.member_communities(db(), signed_in())
    wanted = request.args.get("community", "")
    chosen = next((c for c in mine if c.slug == wanted), None)
    return mine, chosen


@bp.get("/calendar/")
def personal() -> Any:
    user = signed_in()
    mine, chosen = _communities()
    shown = request.args.get("show", "upcoming")
    shown = shown if shown in SHOWS else "upcoming"
    agenda = agenda_for([c.id for c in ([chosen] if chosen else mine)], user, shown)
    return render_template(
        "events/personal.html",
        communities=mine,
        chosen=chosen,
        agenda=agenda,
        minuted=minuted_among(agenda.occurrences),
        shown=shown,
        shows=SHOWS,
        by_day=wording.by_day,
        time_of_day=wording.time_of_day,
        url_of=occurrence_url,
        section="calendar",
        page_title="My calendar",
    )


@bp.get("/calendar/month")
def personal_month() -> Any:
    user = signed_in()
    mine, chosen = _communities()
    year, number = month_asked()
    shown = reads.month(
        db(), user, [c.id for c in ([chosen] if chosen else mine)], year, number, reads.uk_day(utcnow())
    )
    return render_template(
        "events/personal_month.html",
        communities=mine,
        chosen=chosen,
        month=shown,
        minuted=minuted_among(month_occurrences(shown)),
        time_of_day=wording.time_of_day,
        url_of=occurrence_url,
        section="calendar",
        page_title=f"{shown.first:%B %Y} – my calendar",
    )
