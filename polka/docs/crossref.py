"""How other features link to a document (``[[doc:42]]``) and show it: only to users who may see it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.crossrefs.services import Shown
from polka.db import contains_text, starts_with_text
from polka.docs import access
from polka.docs.models import Document
from polka.docs.search import KIND

__all__ = ["KIND", "document_path", "find_documents", "resolve_documents"]

#: A number typed into the picker may be a document's id (``42`` or ``doc:42``); longer is no id.
_ID = re.compile(rf"(?:{KIND}:)?([1-9][0-9]{{0,8}})")


def document_path(community: Community, document_id: int) -> str:
    return f"/c/{community.slug}/docs/{document_id}"


def resolve_documents(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The documents among ``ids`` (not in the bin) that ``user`` may see."""
    rows = session.execute(
        select(Document, Community)
        .join(Community, Community.id == Document.community_id)
        .where(Document.id.in_(ids), access.live_documents(user))
    ).all()
    return {document.id: _shown(document, community) for document, community in rows}


def find_documents(session: Session, user: User | None, words: str, limit: int) -> list[tuple[int, Shown]]:
    """The documents ``user`` may see whose title holds ``words`` (or whose id they are), titles that
    start with them first."""
    matches = contains_text(Document.title, words)
    number = _ID.fullmatch(words.strip())
    if number is not None:
        matches = or_(matches, Document.id == int(number[1]))
    starts = case((starts_with_text(Document.title, words), 0), else_=1)
    rows = session.execute(
        select(Document, Community)
        .join(Community, Community.id == Document.community_id)
        .where(matches, access.live_documents(user))
        .order_by(starts, Document.title, Document.id)
        .limit(limit)
    ).all()
    return [(document.id, _shown(document, community)) for document, community in rows]


def _shown(document: Document, community: Community) -> Shown:
    return Shown(
        kind_label="Document",
        title=document.title,
        url=document_path(community, document.id),
        marking=document.marking.value,
        place=community.name,
    )
