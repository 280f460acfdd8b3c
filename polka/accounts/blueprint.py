"""The accounts' blueprint. Its routes are added by ``views`` (signing in and out) and the other
``*_views`` modules, which the composition layer (``polka.web``) imports."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accounts", __name__)
