"""The choice offered for an uploaded file that is already in its folder: add it as a new version of the
document holding it, or keep both (routes on the library's blueprint). Works as a plain form; a choice
takes effect once, however often it is sent."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for

from polka.accounts.web import signed_in
from polka.communities.web import community_for
from polka.db import transaction
from polka.docs import uploads
from polka.docs.blueprint import bp
from polka.docs.forms import OfferForm
from polka.docs.web import document_url, folder_for, limits, read_offer
from polka.errors import Conflict, ValidationError
from polka.http import db, file_store
from polka.permissions import Action


@bp.post("/upload/already-here")
def choose_duplicate(slug: str) -> Any:
    community = community_for(slug, Action.CONTRIBUTE)
    session, user = db(), signed_in()
    form = OfferForm()
    offer = read_offer(form.offer.data or "") if form.validate() else None
    upload_page = url_for("docs.upload", slug=community.slug)
    if offer is None:
        flash("That choice has lapsed or could not be read. Upload the file again.", "error")
        return redirect(upload_page)
    folder = folder_for(community, offer.folder_id)
    try:
        with transaction(session):
            decided = uploads.decide(
                session,
                user,
                community,
                file_store(),
                offer,
                uploads.Choice(form.choice.data),
                folder=folder,
                limits=limits(),
            )
    except (Conflict, ValidationError) as error:
        flash(f"{offer.filename} was not added. {error}", "error")
        return redirect(upload_page)
    title = decided.document.title
    if decided.again:
        flash(f"This was done already: {offer.filename} is in “{title}”. Nothing more was stored.", "success")
    elif decided.version is not None:
        flash(f"{offer.filename} has been added as version {decided.version} of “{title}”.", "success")
    else:
        flash(
            f"{offer.filename} has been uploaded as a new document, “{title}”, beside the other.", "success"
        )
    return redirect(document_url(decided.document))
