"""The home page: my communities, recent activity I may see, and things waiting for me."""

from __future__ import annotations

from flask import Blueprint, render_template

from polka.accounts.web import current_user
from polka.activity.services import recent_activity
from polka.communities.services import my_communities, pending_for_manager
from polka.http import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index() -> str:
    user = current_user()
    session = db()
    return render_template(
        "home/index.html",
        section="home",
        communities=my_communities(session, user),
        activity=recent_activity(session, user, limit=20),
        waiting=pending_for_manager(session, user),
    )
