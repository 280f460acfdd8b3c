"""The wiki's blueprint. Its routes are added by the ``*_views`` modules, which the wiki's manifest
(``polka/wiki/feature.py``) imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("wiki", __name__, url_prefix="/c/<slug>/wiki")
