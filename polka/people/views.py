"""The people directory and profiles: how new adopters find the practitioner who has done it before."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
def directory() -> Any:
    return render_template("people/directory.html", section="people", page_title="People")
