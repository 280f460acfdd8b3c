"""Following from a page: the one handler of every feature's "Follow" button."""

from __future__ import annotations

from flask import flash, redirect, request
from werkzeug.wrappers import Response

from polka.accounts.web import signed_in
from polka.db import transaction
from polka.http import db
from polka.subscriptions.services import set_following


def follow_from_form(kind: str, object_id: int, back: str) -> Response:
    """Follow or stop following (``following=yes|no`` in the form) what the page at ``back`` shows."""
    session, user = db(), signed_in()
    following = request.form.get("following") != "no"
    with transaction(session):
        set_following(session, user, kind, object_id, following)
    flash(
        "You follow it now: you will hear of what is new in it." if following else "You no longer follow it.",
        "success",
    )
    return redirect(back)
