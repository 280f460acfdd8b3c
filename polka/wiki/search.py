"""How wiki pages become search documents: the current approved revision of every live page.

The wiki's services call ``reindex`` in the same transaction as every change a search could notice
(a published revision, a re-marking, a move, a delete or restore, a purge).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session, aliased

from polka.accounts.models import User
from polka.communities.models import Community
from polka.markings import Marking
from polka.markup import plain_text, render_document
from polka.search.documents import SearchDocument
from polka.search.outbox import queue_change, queue_changes
from polka.search.registry import ids_in_batches
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiPage, WikiRendering, WikiRevision


def reindex(session: Session, page: WikiPage) -> None:
    """Have the page's search document rewritten (or removed) when this transaction commits."""
    queue_change(session, PAGE_KIND, page.id)


def reindex_subpages(session: Session, page: WikiPage) -> None:
    """Have the documents of the page's subpages rewritten when this transaction commits (each holds
    its parent's title)."""
    queue_changes(session, PAGE_KIND, select(WikiPage.id).where(WikiPage.parent_id == page.id))


def _rendered(source: str) -> str:
    """A page's HTML when no kept rendering has it (only where links lead is left out, which the text
    does not need)."""
    return str(render_document(source, lambda _target: "#").html)


def _live() -> Any:
    return and_(WikiPage.deleted_at.is_(None), WikiPage.head_number > 0)


class WikiSearch:
    kind = PAGE_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        parent = aliased(WikiPage)
        rows = session.execute(
            select(
                WikiPage,
                WikiRevision.body,
                WikiRendering.html,
                User.organisation_id,
                Community.name,
                parent.title,
            )
            .join(
                WikiRevision,
                and_(WikiRevision.page_id == WikiPage.id, WikiRevision.number == WikiPage.head_number),
            )
            .join(Community, Community.id == WikiPage.community_id)
            .outerjoin(WikiRendering, WikiRendering.revision_id == WikiRevision.id)
            .outerjoin(User, User.id == WikiPage.updated_by_id)
            .outerjoin(parent, parent.id == WikiPage.parent_id)
            .where(WikiPage.id.in_(ids), _live())
        ).all()
        return {
            page.id: SearchDocument(
                kind=PAGE_KIND,
                object_id=page.id,
                community_id=page.community_id,
                marking=page.marking.value,
                sensitive=Marking(page.marking).sensitive,
                title=page.title,
                body=plain_text(rendered if rendered is not None else _rendered(source)),
                created_at=page.created_at,
                updated_at=page.updated_at,
                author_id=page.updated_by_id,
                organisation_id=organisation_id,
                context="\n".join(name for name in (community_name, parent_title) if name),
            )
            for page, source, rendered, organisation_id, community_name, parent_title in rows
        }

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, WikiPage.id, _live())

    def in_community(self, community_id: int) -> Select[Any]:
        return select(WikiPage.id).where(WikiPage.community_id == community_id, _live())
