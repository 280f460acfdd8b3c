"""The audit log: an append-only record of security-relevant events. Never updated, never deleted.

There is no update or delete path in the code, and a guard on every ORM session refuses to flush a
changed or deleted entry, or to run a bulk UPDATE/DELETE on the table, should one ever be written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from polka.db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_users.id", ondelete="SET NULL"), index=True
    )
    actor_label: Mapped[str] = mapped_column(String(254), default="")  # email at the time, or "system"
    action: Mapped[str] = mapped_column(String(60), index=True)  # "login.failed", "membership.role_changed"
    target_type: Mapped[str] = mapped_column(String(40), default="", index=True)
    target_id: Mapped[str] = mapped_column(String(64), default="")
    target_label: Mapped[str] = mapped_column(String(300), default="")
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="SET NULL")
    )
    ip: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class AuditLogIsAppendOnly(RuntimeError):
    """Something tried to change or delete an audit entry."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_audit_entries(session: Session, _context: Any, _instances: Any) -> None:
    """The audit log is append-only: refuse to flush an edited or deleted entry."""
    for obj in session.deleted:
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEntry) and session.is_modified(obj, include_collections=False):
            raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_audit_entries(state: ORMExecuteState) -> None:
    """The same for ``update(AuditEntry)`` / ``delete(AuditEntry)`` statements run through a session."""
    if (state.is_update or state.is_delete) and any(m.class_ is AuditEntry for m in state.all_mappers):
        raise AuditLogIsAppendOnly("audit entries cannot be changed or deleted")
