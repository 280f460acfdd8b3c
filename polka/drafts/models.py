"""The table of drafts: what one author has typed into one long form and not saved yet."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from polka.db import Base

KIND_MAX = 40


class Draft(Base):
    """One author's unsaved typing in one form: which form (its kind and the object it edits), every
    field of it, and when it was last saved."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    object_id: Mapped[int]
    #: field name → what was typed, for the fields the kind keeps
    fields: Mapped[dict[str, str]] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(index=True)
