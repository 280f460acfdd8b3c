"""The library's blueprint. Its routes are added by the ``*_views`` modules, which the library's manifest
(``polka/docs/feature.py``) imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("docs", __name__, url_prefix="/c/<slug>/docs")
