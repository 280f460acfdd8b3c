"""How other features link to a document (``[[doc:42]]``) and show it: only to users who may see it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.crossrefs.services import Shown
from polka.docs import access
from polka.docs.models import Document
from polka.docs.search import KIND

__all__ = ["KIND", "document_path", "resolve_documents"]


def document_path(community: Community, document_id: int) -> str:
    return f"/c/{community.slug}/docs/{document_id}"


def resolve_documents(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The documents among ``ids`` (not in the bin) that ``user`` may see."""
    rows = session.execute(
        select(Document, Community)
        .join(Community, Community.id == Document.community_id)
        .where(Document.id.in_(ids), access.live_documents(user))
    ).all()
    return {
        document.id: Shown(
            kind_label="Document",
            title=document.title,
            url=document_path(community, document.id),
            marking=document.marking.value,
        )
        for document, community in rows
    }
