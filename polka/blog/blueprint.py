"""The blog's blueprint. Its routes are added by the ``*_views`` modules, which the blog's manifest
(``polka/blog/feature.py``) imports. Its routes name their whole path: a community's blog is at
``/c/<slug>/blog/``, a person's own at ``/people/<id>/blog/``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("blog", __name__)
