"""What waits for a library's moderators: documents whose current version waits for approval (see
polka.content.waiting)."""

from __future__ import annotations

from sqlalchemy import Select, and_, or_

from polka.communities.models import Community
from polka.content.waiting import USER_ID, Provider, count_by_community, plural
from polka.docs.models import Document, DocumentStatus, Version
from polka.permissions import Action

DOCUMENTS = "docs.documents"


def _documents() -> Select[str, str, int]:
    """Documents (not in the bin) whose current version waits for approval, counted per community —
    leaving out the user's own uploads where approval needs a second person."""
    return (
        count_by_community(Document.id)
        .join(Document, Document.community_id == Community.id)
        .join(Version, and_(Version.document_id == Document.id, Version.number == Document.head_number))
        .where(
            Document.status == DocumentStatus.DRAFT,
            Document.deleted_at.is_(None),
            or_(
                Community.self_approval_allowed,
                Version.uploaded_by_id.is_(None),
                Version.uploaded_by_id != USER_ID,
            ),
        )
    )


#: Documents waiting for approval in the libraries the user moderates (not their own, unless allowed).
documents_waiting = Provider(
    offered=Action.MODERATE,
    query=_documents,
    what=lambda count: f"{plural(count, 'document waits', 'documents wait')} for approval in",
    action="See the library",
    label="Documents waiting for approval",
    endpoint="docs.library",
)
