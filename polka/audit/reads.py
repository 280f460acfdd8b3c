"""Need-to-know reads: each time someone reads or downloads an OFFICIAL-SENSITIVE item, the audit log
says who, what and when (DESIGN.md, protective marking). Every feature's pages, versions, histories,
attachments and downloads are audited through ``audit_sensitive_read``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.content.kinds import kind_of
from polka.content.mixins import CommunityContent


@dataclass(frozen=True)
class Part:
    """A part of an item read on its own (a page's attachment): the audit entry names the part."""

    kind: str
    id: int
    label: str


def audit_sensitive_read(
    session: Session,
    user: User,
    item: CommunityContent,
    action: str,
    *,
    ip: str,
    detail: dict[str, object] | None = None,
    part: Part | None = None,
) -> bool:
    """Write a read of ``item`` (or of a ``part`` of it) to the audit log when it is OFFICIAL-SENSITIVE;
    whether it was written. Flushed with the caller's transaction, never committed here."""
    if not item.marking.sensitive:
        return False
    target = part if part is not None else _whole(item)
    record(
        session,
        user,
        action,
        target_type=target.kind,
        target_id=target.id,
        target_label=target.label,
        community_id=item.community_id,
        ip=ip,
        detail=detail,
    )
    return True


def _whole(item: CommunityContent) -> Part:
    """The item itself as the audit log names it: its kind, id and title."""
    kind = kind_of(item)
    name = kind.name if kind is not None else type(item).__name__.lower()
    return Part(kind=name, id=int(getattr(item, "id", 0)), label=str(getattr(item, "title", "")))
