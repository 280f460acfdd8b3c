"""The insights' derived tables: each community's words, counted a month at a time.

Derived data, always rebuildable from the writings (``polka insights rebuild --month 2026-11``). Each
community's month is counted twice over: ``everything`` it holds (what its members read) and the
``open`` part, without what is marked sensitive (what a reader who is not a member reads), so each
viewer's figures are counted only over what they may see. A term only one person used in a month is not
kept (no topic; see ``polka.insights.terms``); tags are always kept.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from polka.db import Base, str_enum, utcnow
from polka.insights.terms import LONGEST


class Scope(enum.StrEnum):
    EVERYTHING = "everything"  # what the community's members read
    OPEN = "open"  # without what is marked sensitive: what a reader who is not a member reads


class InsightsMonth(Base):
    """How much was written in one community in one month, within one scope."""

    __tablename__ = "insights_months"
    #: a month is counted again whole: its rows are found by month
    __table_args__ = (Index("ix_insights_months_month", "month"),)

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), primary_key=True
    )
    #: ``yyyymm``, the UK month
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[Scope] = mapped_column(str_enum(Scope), primary_key=True)
    writings: Mapped[int] = mapped_column(Integer, default=0)
    #: how many different people wrote them
    authors: Mapped[int] = mapped_column(Integer, default=0)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class InsightsTerm(Base):
    """One term's use in one community's month, within one scope: by how many people, in how many
    writings."""

    __tablename__ = "insights_terms"
    __table_args__ = (Index("ix_insights_terms_month", "month"),)

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[Scope] = mapped_column(str_enum(Scope), primary_key=True)
    #: a stem, or ``#`` and a tag
    term: Mapped[str] = mapped_column(String(LONGEST), primary_key=True)
    #: the word it was most often written as
    shown: Mapped[str] = mapped_column(String(LONGEST))
    authors: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer)
