"""Communities: the index, home pages, joining and leaving, members and managing them."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from polka.accounts.web import current_user
from polka.communities.services import get_community, members_count
from polka.http import db

bp = Blueprint("communities", __name__, url_prefix="/c")


@bp.get("/")
def index() -> Any:
    return render_template("communities/index.html", section="communities", page_title="Communities")


@bp.get("/<slug>/")
def home(slug: str) -> Any:
    session = db()
    community = get_community(session, current_user(), slug)
    return render_template(
        "communities/home.html",
        community=community,
        members_count=members_count(session, community),
        section="communities",
        page_title=community.name,
    )
