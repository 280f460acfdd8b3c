"""The blog's blueprint. Its routes are added by the ``*_views`` modules, which the blog's manifest
(``polka/blog/feature.py``) imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("blog", __name__, url_prefix="/c/<slug>/blog")
