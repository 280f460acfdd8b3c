"""The bin: deleted documents wait here for ``RESTORE_DAYS`` days (the restore window of every feature,
``polka.content.mixins``), restorable by the community's managers, then they are removed for good
(``purge_expired``: by the worker's daily purge, ``polka.content.deletion``, or ``polka docs purge-deleted``);
the worker's file collector then removes their bytes, unless something else stores the same bytes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.audit.services import record
from polka.communities.models import Community
from polka.content.mixins import RESTORE_DAYS
from polka.content.rules import require_restore
from polka.db import utcnow
from polka.docs import access
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import Document
from polka.docs.search import reindex
from polka.errors import NotFound
from polka.markings import Marking
from polka.permissions import Action, require
from polka.subscriptions.services import forget


def delete_document(session: Session, user: User, document: Document) -> None:
    """Put a document in the bin (its uploader, or a moderator)."""
    access.require_edit(user, document)
    document.deleted_at = utcnow()
    document.deleted_by_id = user.id
    document.checked_out_by_id = None
    document.checked_out_at = None
    session.flush()
    _audit(session, user, "docs.document_deleted", document)
    reindex(session, document)


def binned(session: Session, user: User, community: Community) -> list[Document]:
    """The community's documents in the bin, newest first (managers only)."""
    require(user, Action.MANAGE, community)
    query = (
        select(Document)
        .where(Document.community_id == community.id, Document.deleted_at.is_not(None))
        .options(joinedload(Document.deleted_by))
        .order_by(Document.deleted_at.desc(), Document.id.desc())
    )
    return list(session.scalars(query))


def get_binned(session: Session, user: User, community: Community, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.community_id != community.id or document.deleted_at is None:
        raise NotFound()
    require(user, Action.MANAGE, community)
    return document


def purge_date(document: Document) -> datetime | None:
    return document.restorable_until


def restore_document(session: Session, user: User, document: Document) -> None:
    """Take a document out of the bin, back into its folder (or the top if the folder has gone)."""
    require_restore(
        user, document, f"Documents can be restored for {RESTORE_DAYS} days after they are deleted."
    )
    document.deleted_at = None
    document.deleted_by_id = None
    session.flush()
    _audit(session, user, "docs.document_restored", document)
    reindex(session, document)


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Delete for good the documents binned longer ago than the restore window; return how many."""
    expired = list(session.scalars(select(Document).where(Document.past_restore_window(now or utcnow()))))
    for document in expired:
        _audit(session, None, "docs.document_purged", document)
        reindex(session, document)
        session.delete(document)
    forget(session, DOCUMENT_KIND, [document.id for document in expired])
    session.flush()
    return len(expired)


def _audit(session: Session, user: User | None, action: str, document: Document) -> None:
    record(
        session,
        user,
        action,
        target_type=DOCUMENT_KIND,
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
    )


def count_above_ceiling(session: Session, community: Community, ceiling: Marking) -> int:
    """Documents (binned ones included: they can be restored) marked above ``ceiling``."""
    above = [m for m in Marking if m.rank > ceiling.rank]
    query = select(func.count()).where(Document.community_id == community.id, Document.marking.in_(above))
    return session.scalar(query) or 0
