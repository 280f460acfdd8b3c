"""``/c/<c>/wiki/-/pick``: what the editor's pickers ask while the writer types (JSON)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from polka.accounts.web import signed_in
from polka.answers import json_error
from polka.communities.web import community_for
from polka.errors import ValidationError
from polka.http import db
from polka.permissions import Action
from polka.wiki import picker
from polka.wiki.blueprint import bp


@bp.get("/-/pick")
def pick(slug: str) -> Any:
    """Pages of this community (``kind=page``, the default) or documents (``kind=doc``) matching ``q``."""
    community = community_for(slug, Action.CONTRIBUTE)
    try:
        found = picker.choices(
            db(), signed_in(), community, request.args.get("kind", picker.PAGE), request.args.get("q", "")
        )
    except ValidationError as error:
        return json_error(400, str(error))
    response = jsonify(
        kind=found.kind,
        query=found.words,
        count=len(found.items),
        more=found.more,
        results=[{"id": c.id, "title": c.title, "detail": c.detail, "insert": c.insert} for c in found.items],
    )
    response.headers["Cache-Control"] = "no-store"
    return response
