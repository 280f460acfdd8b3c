"""``/drafts/<kind>/<id>``: where an editor page's script saves the author's draft (answering JSON,
also when it refuses), and where the author discards it (a form without JavaScript, or the script)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, request

from polka.accounts.web import current_user, public, signed_in
from polka.answers import Refusals, json_error, json_only, wants_json, word_refusals
from polka.db import transaction
from polka.drafts.services import discard_draft, draft_kind, locate, save_draft
from polka.drafts.web import clock
from polka.errors import ValidationError
from polka.http import db

bp = Blueprint("drafts", __name__, url_prefix="/drafts")

NOT_SAVED = "Your draft was not saved"
#: What the script is told when a refusal came from elsewhere (the CSRF check, the policy).
REFUSALS = {
    400: f"{NOT_SAVED}: this page has expired. Your text is still here: save the page to keep it.",
    401: f"{NOT_SAVED}: you have been signed out. Your text is still here.",
    403: f"{NOT_SAVED}: you may no longer change this.",
    404: f"{NOT_SAVED}: this is no longer there, or you may no longer change it.",
    413: f"{NOT_SAVED}: it is too long.",
}
word_refusals(bp, Refusals(REFUSALS, f"{NOT_SAVED}. Try again later.", {"saved": False}))


def _refused(status: int, message: str) -> tuple[Response, int]:
    return json_error(status, message, saved=False)


@bp.post("/<kind>/<int:object_id>")
@json_only  # sendBeacon cannot ask for JSON
@public  # a script asks, not a person who could be sent to sign in: it is told 401 instead
def autosave(kind: str, object_id: int) -> Any:
    user = current_user()
    if user is None:
        return _refused(401, REFUSALS[401])
    session, form = db(), draft_kind(kind)
    locate(session, user, form, object_id)
    try:
        with transaction(session):
            saved_at = save_draft(session, user, form, object_id, request.form)
    except ValidationError as error:
        return _refused(400, str(error))
    return jsonify(
        saved=True,
        saved_at=saved_at.isoformat(timespec="seconds"),
        message=f"Draft saved at {clock(saved_at)}",
    )


@bp.post("/<kind>/<int:object_id>/discard")
def discard(kind: str, object_id: int) -> Any:
    session, user, form = db(), signed_in(), draft_kind(kind)
    form_url = locate(session, user, form, object_id)
    with transaction(session):
        discard_draft(session, user, form, object_id)
    if wants_json():
        return jsonify(discarded=True)
    flash("Your draft has been discarded.", "success")
    return redirect(form_url)
