"""The live sessions' blueprint. Its routes are added by the ``*_views`` modules, which the feature's
manifest (``polka/live/feature.py``) imports. A community's sessions are at ``/c/<slug>/live/``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("live", __name__)
