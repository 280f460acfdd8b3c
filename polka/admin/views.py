"""Site administration: accounts, communities, organisations and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from polka.accounts.web import current_user
from polka.permissions import SITE, Action, require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def administrators_only() -> None:
    require(current_user(), Action.ADMINISTER, SITE)


@bp.get("/")
def index() -> Any:
    return render_template("admin/index.html", section="admin", page_title="Administration")
