"""The deleted question sessions of a community, for its managers to restore (``polka.content.bin``)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for

from polka.accounts.web import signed_in
from polka.communities.web import community_for
from polka.content import bin
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction
from polka.errors import ValidationError
from polka.http import db
from polka.live import services
from polka.live.blueprint import bp
from polka.live.models import LiveSession


@bp.get("/c/<slug>/live/deleted")
def deleted(slug: str) -> Any:
    community = community_for(slug)
    return render_template(
        "live/deleted.html",
        community=community,
        sessions=bin.deleted_in(db(), signed_in(), community, LiveSession),
        restore_days=RESTORE_DAYS,
        section="communities",
        page_title=f"Deleted question sessions – {community.name}",
    )


@bp.post("/c/<slug>/live/deleted/<int:live>/restore")
def restore(slug: str, live: int) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    try:
        with transaction(session):
            found = bin.get_deleted(session, user, community, LiveSession, live)
            services.restore_session(session, user, found)
    except ValidationError as error:
        flash(str(error), "error")
        return redirect(url_for("live.deleted", slug=community.slug))
    flash(f"“{found.title}” is back, with its questions and answers.", "success")
    return redirect(url_for("live.session", slug=community.slug, live=found.id))
