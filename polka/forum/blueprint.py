"""The forum's blueprint. Its routes are added by the ``*_views`` modules, which the forum's manifest
(``polka/forum/feature.py``) imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("forum", __name__, url_prefix="/c/<slug>/forum")
