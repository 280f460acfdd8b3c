"""Request helpers shared by the library's view modules: reaching the community, folder and document in
the URL through the access functions, and the rule settings."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from polka.accounts.web import current_user
from polka.answers import json_error
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.docs import access
from polka.docs.models import Document, Folder
from polka.docs.services import Details
from polka.docs.uploads import Offer
from polka.docs.versions import Limits
from polka.errors import ValidationError
from polka.http import db, settings
from polka.markings import parse_marking


def document_for(slug: str, document_id: int) -> tuple[Community, Document]:
    """The community and document in the URL, through the policy (404 for anything the user cannot see)."""
    community = community_for(slug)
    return community, access.get_document(db(), current_user(), community, document_id)


def folder_for(community: Community, folder_id: int | None) -> Folder | None:
    if folder_id is None:
        return None
    return access.get_folder(db(), current_user(), community, folder_id)


def limits() -> Limits:
    return Limits(checkout=timedelta(hours=settings().docs_checkout_hours))


def max_upload_bytes() -> int:
    return settings().max_upload_mb * 1024 * 1024


def document_url(document: Document, endpoint: str = "docs.view_document", **values: Any) -> str:
    return url_for(endpoint, slug=document.community.slug, document_id=document.id, **values)


def folder_url(community: Community, folder: Folder | None, **values: Any) -> str:
    if folder is None:
        return url_for("docs.library", slug=community.slug, **values)
    return url_for("docs.folder", slug=community.slug, folder_id=folder.id, **values)


def refused_as_json(form: Any, file_errors: list[str], status: int) -> Any:
    """A refused upload, answered to the upload script: every message, the file's first."""
    messages = [*file_errors, *(str(field.errors[0]) for field in form if field.errors), *form.form_errors]
    return json_error(status, " ".join(messages) or "The upload was refused.")


def offered_as_json(document: Document, token: str) -> Any:
    """A file already in its folder, answered to the upload script: the document and the two choices."""
    return json_error(
        409,
        f"This file is already here as “{document.title}”.",
        duplicate={
            "title": document.title,
            "url": document_url(document),
            "offer": token,
            "action": url_for("docs.choose_duplicate", slug=document.community.slug),
        },
    )


#: How long the choice offered for a file already in its folder stays open.
OFFER_SECONDS = 24 * 60 * 60


def _offers() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="polka.docs.offer")


def sign_offer(offer: Offer) -> str:
    """The offer as a signed token for the choice's form (nothing of it can be changed by the browser)."""
    details = offer.details
    return _offers().dumps(
        {
            "u": offer.user_id,
            "c": offer.community_id,
            "f": offer.folder_id,
            "d": offer.document_id,
            "h": offer.seen_head,
            "s": offer.sha256,
            "n": offer.filename,
            "t": [details.title, details.description, details.tags, details.marking.value],
            "at": offer.issued_at.isoformat(),
        }
    )


def read_offer(token: str) -> Offer | None:
    """The offer a token carries, or None when it was changed, is malformed or has lapsed."""
    try:
        data = _offers().loads(token, max_age=OFFER_SECONDS)
        title, description, tags, marking = data["t"]
        return Offer(
            user_id=int(data["u"]),
            community_id=int(data["c"]),
            folder_id=int(data["f"]) if data["f"] is not None else None,
            document_id=int(data["d"]),
            seen_head=int(data["h"]),
            sha256=str(data["s"]),
            filename=str(data["n"]),
            details=Details(str(title), str(description), str(tags), parse_marking(str(marking))),
            issued_at=datetime.fromisoformat(str(data["at"])),
        )
    except (BadSignature, KeyError, TypeError, ValueError, ValidationError):
        return None
