"""How documents become search documents: title, description, tags, file name and the text read from the
current version (once the background job has read it), for every document not in the bin.

The library's services call ``reindex`` in the same transaction as every change a search could notice
(a new or restored version, its text read, details, approval, a move, the bin, a purge).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import Document, DocumentExtract, ExtractStatus, Folder, Version
from polka.markings import Marking
from polka.search.documents import SearchDocument
from polka.search.outbox import queue_change, queue_changes
from polka.search.registry import ids_in_batches


def reindex(session: Session, document: Document) -> None:
    """Have the document's search entry rewritten (or removed) when this transaction commits."""
    queue_change(session, DOCUMENT_KIND, document.id)


def reindex_folder(session: Session, folder: Folder) -> None:
    """Have the search entries of the documents in the folder rewritten when this transaction commits
    (each holds its folder's name)."""
    queue_changes(session, DOCUMENT_KIND, select(Document.id).where(Document.folder_id == folder.id))


def _live() -> Any:
    return and_(Document.deleted_at.is_(None), Document.head_number > 0)


class DocumentSearch:
    kind = DOCUMENT_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        rows = session.execute(
            select(
                Document,
                Version.filename,
                DocumentExtract.text,
                DocumentExtract.status,
                User.organisation_id,
                Community.name,
                Folder.name,
            )
            .join(Version, and_(Version.document_id == Document.id, Version.number == Document.head_number))
            .join(Community, Community.id == Document.community_id)
            .outerjoin(Folder, Folder.id == Document.folder_id)
            .outerjoin(DocumentExtract, DocumentExtract.version_id == Version.id)
            .outerjoin(User, User.id == Document.updated_by_id)
            .where(Document.id.in_(ids), _live())
        ).all()
        found: dict[int, SearchDocument] = {}
        for document, filename, text, status, organisation_id, community_name, folder_name in rows:
            parts = [document.description, filename, text if status is ExtractStatus.DONE else ""]
            found[document.id] = SearchDocument(
                kind=DOCUMENT_KIND,
                object_id=document.id,
                community_id=document.community_id,
                marking=document.marking.value,
                sensitive=Marking(document.marking).sensitive,
                title=document.title,
                body="\n".join(part for part in parts if part),
                created_at=document.created_at,
                updated_at=document.updated_at,
                author_id=document.updated_by_id,
                organisation_id=organisation_id,
                tags=tuple(document.tag_list),
                context="\n".join(name for name in (community_name, folder_name) if name),
            )
        return found

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, Document.id, _live())

    def in_community(self, community_id: int) -> Select[Any]:
        return select(Document.id).where(Document.community_id == community_id, _live())
