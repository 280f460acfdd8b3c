"""The audit log: an append-only record of security-relevant events. Never updated, never deleted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from polka.db import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"), index=True)
    actor_label: Mapped[str] = mapped_column(String(254), default="")  # email at the time, or "system"
    action: Mapped[str] = mapped_column(String(60), index=True)  # "login.failed", "membership.role_changed"
    target_type: Mapped[str] = mapped_column(String(40), default="", index=True)
    target_id: Mapped[str] = mapped_column(String(64), default="")
    target_label: Mapped[str] = mapped_column(String(300), default="")
    community_id: Mapped[int | None] = mapped_column(ForeignKey("community_communities.id", ondelete="SET NULL"))
    ip: Mapped[str] = mapped_column(String(45), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
