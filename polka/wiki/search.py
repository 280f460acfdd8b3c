"""How wiki pages become search documents: the current approved revision of every live page.

The wiki's services call ``reindex`` in the same transaction as every change a search could notice
(a published revision, a re-marking, a move, a delete or restore, a purge).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.markings import Marking
from polka.search.documents import SearchDocument
from polka.search.outbox import queue_change
from polka.search.registry import ids_in_batches
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiPage, WikiRendering, WikiRevision

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def reindex(session: Session, page: WikiPage) -> None:
    """Have the page's search document rewritten (or removed) when this transaction commits."""
    queue_change(session, PAGE_KIND, page.id)


def plain_text(rendered_html: str) -> str:
    """The words of a rendered page, without markup (block boundaries become spaces)."""
    return _SPACE.sub(" ", html.unescape(_TAG.sub(" ", rendered_html))).strip()


def _live() -> Any:
    return and_(WikiPage.deleted_at.is_(None), WikiPage.head_number > 0)


class WikiSearch:
    kind = PAGE_KIND

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        rows = session.execute(
            select(WikiPage, WikiRevision.body, WikiRendering.html, User.organisation_id)
            .join(
                WikiRevision,
                and_(WikiRevision.page_id == WikiPage.id, WikiRevision.number == WikiPage.head_number),
            )
            .outerjoin(WikiRendering, WikiRendering.revision_id == WikiRevision.id)
            .outerjoin(User, User.id == WikiPage.updated_by_id)
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
                body=plain_text(rendered) if rendered is not None else source,
                created_at=page.created_at,
                updated_at=page.updated_at,
                author_id=page.updated_by_id,
                organisation_id=organisation_id,
            )
            for page, source, rendered, organisation_id in rows
        }

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        return ids_in_batches(session, WikiPage.id, _live())
