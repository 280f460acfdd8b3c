"""Auditing what a request showed: the need-to-know reads of OFFICIAL-SENSITIVE content."""

from __future__ import annotations

from polka.accounts.web import signed_in
from polka.audit.reads import Part, audit_sensitive_read
from polka.content.mixins import CommunityContent
from polka.db import transaction_after_reads
from polka.http import client_ip, db


def audit_read(item: CommunityContent, action: str, *, part: Part | None = None, **detail: object) -> None:
    """Write this request's read of an OFFICIAL-SENSITIVE ``item`` (or ``part`` of it) to the audit log,
    once it has been shown; an OFFICIAL one costs nothing (no write transaction is begun)."""
    if not item.marking.sensitive:
        return
    with transaction_after_reads(db()) as session:
        audit_sensitive_read(
            session, signed_in(), item, action, ip=client_ip(), detail=dict(detail) or None, part=part
        )
