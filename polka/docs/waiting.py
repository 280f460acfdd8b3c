"""What waits for a library's moderators: documents whose current version waits for approval (see
polka.content.waiting)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.waiting import Waiting, count_by_community, per_community, plural
from polka.docs.models import Document, DocumentStatus, Version
from polka.permissions import Action, community_ids_offering

DOCUMENTS = "docs.documents"


def documents_waiting(session: Session, user: User) -> list[Waiting]:
    """Documents (not in the bin) whose current version waits for approval in the libraries ``user``
    moderates, per community — leaving out their own uploads where approval needs a second person."""
    communities = community_ids_offering(user, Action.MODERATE)
    if not communities:
        return []  # no statement for someone with nothing to deal with
    query = (
        count_by_community(Document.id)
        .join(Document, Document.community_id == Community.id)
        .join(Version, and_(Version.document_id == Document.id, Version.number == Document.head_number))
        .where(
            Document.status == DocumentStatus.DRAFT,
            Document.deleted_at.is_(None),
            Community.id.in_(communities),
            or_(
                Community.self_approval_allowed,
                Version.uploaded_by_id.is_(None),
                Version.uploaded_by_id != user.id,
            ),
        )
    )
    return per_community(
        session,
        query,
        DOCUMENTS,
        what=lambda count: f"{plural(count, 'document waits', 'documents wait')} for approval in",
        action="See the library",
        url=lambda slug: url_for("docs.library", slug=slug),
    )
