"""Need-to-know reads: each time someone reads or downloads an OFFICIAL-SENSITIVE item, the audit log
says who, what and when (DESIGN.md, protective marking)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.db import transaction


def record_sensitive_read(
    session: Session,
    user: User,
    action: str,
    *,
    target_type: str,
    target_id: object,
    target_label: str,
    community_id: int | None,
    ip: str,
    detail: dict[str, object] | None = None,
) -> None:
    """Write a read of an OFFICIAL-SENSITIVE item to the audit log, in its own write transaction.

    Called at the end of a read-only request: the request's read transaction is ended first, because
    on SQLite a read transaction that turns into a write can fail when another writer got in between.
    """
    session.commit()
    with transaction(session):
        record(
            session,
            user,
            action,
            target_type=target_type,
            target_id=target_id,
            target_label=target_label,
            community_id=community_id,
            ip=ip,
            detail=detail,
        )
