"""``/account/following``: the things one follows, kind by kind, each with a button to stop."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from polka.accounts.web import signed_in
from polka.db import transaction
from polka.http import db
from polka.ids import parse_page
from polka.subscriptions import services

bp = Blueprint("subscriptions", __name__)

#: What the list says of an object the user may no longer see: nothing of its title or place.
UNSEEN = "An item you can no longer see"


@bp.get("/account/following")
def following() -> Any:
    page = services.my_subscriptions(db(), signed_in(), parse_page(request.args.get("page")))
    return render_template(
        "subscriptions/following.html",
        results=page,
        groups=services.by_kind(page.items),
        unseen=UNSEEN,
        page_title="What you follow" if page.pages == 1 else f"What you follow (page {page.page})",
    )


@bp.post("/account/following/<int:subscription_id>/remove")
def remove(subscription_id: int) -> Response:
    with transaction(db()) as session:
        gone = services.remove(session, signed_in(), subscription_id)
    what = f"“{gone.shown.title}”" if gone.shown is not None else "that item"
    flash(f"You are no longer following {what}.", "success")
    return redirect(url_for("subscriptions.following", page=parse_page(request.args.get("page"))))
