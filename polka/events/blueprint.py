"""The events' blueprint. Its routes are added by the ``*_views`` modules, which the events' manifest
(``polka/events/feature.py``) imports. Its routes name their whole path: a community's calendar is at
``/c/<slug>/events/``, a person's own at ``/calendar/``."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("events", __name__)
