"""What people searched for and did not find, for administrators (``polka.site_search.log``): the
searches of the last 90 days that found nothing, most frequent first, each a step from a synonym."""

from __future__ import annotations

from typing import Any

from flask import render_template

from polka.accounts.web import current_user, two_factor_required
from polka.admin.blueprint import bp
from polka.http import db
from polka.site_search.log import summary


@bp.get("/search")
@two_factor_required
def searches() -> Any:
    return render_template(
        "admin/search/searches.html",
        summary=summary(db(), current_user()),
        section="admin",
        page_title="Searches that found nothing",
    )
