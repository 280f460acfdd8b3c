"""Site administration: accounts, communities, organisations and the audit log.

Only site administrators get in (everyone else gets a 404: the area does not exist for them); the
pages also need two-factor authentication (``two_factor_required``).
"""

from __future__ import annotations

from typing import Any

from flask import render_template

from polka.accounts.web import current_user, two_factor_required
from polka.admin import reads
from polka.admin.blueprint import bp
from polka.http import db


@bp.get("/")
@two_factor_required
def index() -> Any:
    return render_template(
        "admin/index.html",
        counts=reads.dashboard(db(), current_user()),
        section="admin",
        page_title="Administration",
    )
