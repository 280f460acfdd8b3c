"""The search outbox: one row per object whose search document must be (re)written or removed.

Features call ``queue_change`` in the same transaction as the content change, so the row commits with
the change or not at all; the applier (``polka.search.applier``) turns rows into index writes after
the commit and deletes them only once the index has committed. A crash anywhere in between leaves the
rows for the next applier, and applying a row twice does no harm.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, insert, literal, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from polka.db import Base, utcnow

#: ``Session.info`` key: the (kind, id) pairs the session's transaction queued (see ``changes_queued``).
QUEUED = "polka.search.queued"


class SearchOutbox(Base):
    __tablename__ = "search_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def queue_change(session: Session, kind: str, object_id: int) -> None:
    """Ask for the object's search document to be rewritten (or removed) once this transaction commits."""
    queued: set[tuple[str, int]] = session.info.setdefault(QUEUED, set())
    if (kind, object_id) in queued:
        return  # one row per object and transaction is enough: the applier reads the final state
    queued.add((kind, object_id))
    session.add(SearchOutbox(kind=kind, object_id=object_id, created_at=utcnow()))


def queue_changes(session: Session, kind: str, ids: Select[Any]) -> None:
    """Ask for the search document of every object of ``kind`` that ``ids`` (a one-column select of
    ids) finds to be rewritten once this transaction commits: one ``INSERT … SELECT``, however many
    (the items of a renamed community, the documents of a renamed folder)."""
    session.info.setdefault(QUEUED, set())
    found = ids.subquery()
    session.execute(
        insert(SearchOutbox).from_select(
            ["kind", "object_id", "created_at"],
            select(literal(kind, String(40)), *found.c, literal(utcnow())),
        )
    )


def changes_queued(session: Session) -> bool:
    """Whether the transaction that just ended queued a change; forgets them (call after commit or
    rollback)."""
    return session.info.pop(QUEUED, None) is not None
