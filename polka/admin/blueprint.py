"""The administration area's blueprint, closed to everyone but site administrators (a 404 for others:
the area does not exist for them). Its routes are added by ``views`` and the modules beside it, which
the composition layer (``polka.web``) imports."""

from __future__ import annotations

from flask import Blueprint

from polka.accounts.web import current_user
from polka.permissions import SITE, Action, require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def administrators_only() -> None:
    require(current_user(), Action.ADMINISTER, SITE)
