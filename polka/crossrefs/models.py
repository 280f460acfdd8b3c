"""The table of links between features' objects (see ``services``)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from polka.content.kinds import NAME_MAX
from polka.db import Base


class ObjectLink(Base):
    """One object (the source) links to another (the target), of any kinds."""

    __tablename__ = "crossref_links"
    __table_args__ = (Index("ix_crossref_links_target", "target_kind", "target_id"),)

    source_kind: Mapped[str] = mapped_column(String(NAME_MAX), primary_key=True)
    source_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_kind: Mapped[str] = mapped_column(String(NAME_MAX), primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True)
