"""``/o/<kind>/<id>``: the address a link to another feature's object uses (``[[doc:42]]`` in a wiki page
leads here), sending the user on to the object if they may see it, and 404 otherwise."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect

from polka.accounts.web import current_user
from polka.crossrefs.services import resolve
from polka.errors import NotFound
from polka.http import db

bp = Blueprint("crossrefs", __name__)


def object_path(kind: str, object_id: int) -> str:
    return f"/o/{kind}/{object_id}"


@bp.get("/o/<kind>/<int:object_id>")
def follow(kind: str, object_id: int) -> Any:
    shown = resolve(db(), current_user(), kind, object_id)
    if shown is None:
        raise NotFound()
    return redirect(shown.url)
