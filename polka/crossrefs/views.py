"""``/o/<kind>/<id>``: the address a link to another feature's object uses (``[[doc:42]]`` in a wiki page
leads to ``/o/doc/42``), sending the user on to the object if they may see it, and 404 otherwise. The
kind is its link name (``doc``) or its full name (``docs.document``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect

from polka.accounts.web import current_user
from polka.content.kinds import kind_linked_as, kind_named, resolve
from polka.errors import NotFound
from polka.http import db

bp = Blueprint("crossrefs", __name__)


def object_path(kind: str, object_id: int) -> str:
    """The address ``follow`` answers at for an object of ``kind`` (by its link name when it has one:
    ``/o/doc/42``). Built as a string, not with ``url_for``: it is written into a wiki page's cached
    HTML, which ``polka wiki rerender`` renders outside any request, and ``crossrefs.shown_links``
    finds it there again by this exact shape."""
    found = kind_named(kind)
    name = found.link_name if found is not None and found.link_name else kind
    return f"/o/{name}/{object_id}"


@bp.get("/o/<kind>/<int:object_id>")
def follow(kind: str, object_id: int) -> Any:
    found = kind_linked_as(kind) or kind_named(kind)
    shown = resolve(db(), current_user(), found.name, object_id) if found is not None else None
    if shown is None:
        raise NotFound()
    return redirect(shown.url)
