"""The deleted events of a community, for its managers to restore (the rules are in ``bin.py``)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from polka.accounts.web import signed_in
from polka.communities.web import community_for
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction
from polka.errors import ValidationError
from polka.events import bin
from polka.events.blueprint import bp
from polka.http import db


@bp.get("/c/<slug>/events/deleted")
def deleted(slug: str) -> Any:
    community = community_for(slug)
    return render_template(
        "events/deleted.html",
        community=community,
        events=bin.deleted_events(db(), signed_in(), community),
        restore_days=RESTORE_DAYS,
        section="communities",
        page_title=f"Deleted events – {community.name}",
    )


@bp.post("/c/<slug>/events/deleted/<int:event>/restore")
def restore(slug: str, event: int) -> Any:
    community = community_for(slug)
    session = db()
    try:
        with transaction(session):
            found = bin.get_deleted_event(session, signed_in(), community, event)
            bin.restore_event(session, signed_in(), found)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("events.deleted", slug=community.slug))
    flash(f"“{found.title}” is back on the calendar.", "success")
    return redirect(url_for("events.event", slug=community.slug, event=found.id))
