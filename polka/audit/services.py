"""Writing and reading the audit log. There is deliberately no update or delete here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from polka.audit.models import AuditEntry
from polka.db import utcnow

if TYPE_CHECKING:
    from polka.accounts.models import User

#: Keys that must never reach the audit log, whatever a caller passes.
_SECRET_KEYS = frozenset({"password", "token", "reset_link", "secret", "totp", "code", "link"})


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    target_type: str = "",
    target_id: object = "",
    target_label: str = "",
    community_id: int | None = None,
    ip: str = "",
    actor_label: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log (flushed with the caller's transaction)."""
    clean = {k: v for k, v in (detail or {}).items() if k.lower() not in _SECRET_KEYS}
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label if actor_label is not None else (actor.email if actor is not None else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:64] if target_id != "" else "",
        target_label=target_label[:300],
        community_id=community_id,
        ip=ip[:45],
        detail=json.dumps(clean, default=str, sort_keys=True) if clean else "",
    )
    session.add(entry)
    session.flush()
    return entry
