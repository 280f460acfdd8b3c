"""The communities' blueprint. Its routes are added by ``views`` and ``membership_views``, which the
composition layer (``polka.web``) imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("communities", __name__, url_prefix="/c")
