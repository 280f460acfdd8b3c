"""The document library's long form that keeps drafts (``polka.drafts``): a document's details."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.docs import access
from polka.docs.models import DESCRIPTION_MAX, TITLE_MAX
from polka.docs.web import document_url
from polka.drafts.services import DraftKind
from polka.tags import TAGS_MAX


def _details_form(session: Session, user: User, document_id: int) -> str:
    document = access.find_document(session, user, document_id)
    access.require_edit(user, document)
    return document_url(document, "docs.edit_details")


#: Editing a document's details (the object is the document).
DETAILS = DraftKind(
    "docs.details",
    {"title": TITLE_MAX, "description": DESCRIPTION_MAX, "tags": TAGS_MAX, "marking": 40},
    _details_form,
    multiline=frozenset({"description"}),
)
KINDS = (DETAILS,)
