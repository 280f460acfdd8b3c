"""The thesaurus's table: groups of terms that search treats as the same (``polka.search.thesaurus``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from polka.db import Base, utcnow
from polka.search.thesaurus import split_terms


class SynonymGroup(Base):
    __tablename__ = "search_synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the terms as an administrator wrote them, one a line
    terms: Mapped[str] = mapped_column(Text)
    #: the key of a group POLKA ships (``polka.search.thesaurus_data``), so an upgrade adds it only once
    shipped_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    #: False: an administrator removed this shipped group (kept, so no upgrade brings it back)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None: as shipped, or the administrator's account was removed
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    @property
    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def __repr__(self) -> str:
        return f"<SynonymGroup {self.id} {self.term_list[:2]}>"


class SearchLogEntry(Base):
    """One search someone ran, without who ran it: what was typed, when, where, how many results it
    found and whether one was opened. Kept 13 months (``polka.site_search.log``)."""

    __tablename__ = "search_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    searched_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: the words as typed (spaces folded, at most ``WORDS_MAX`` characters)
    words: Mapped[str] = mapped_column(String(200))
    #: the community the search kept to (its own search page, or one community chosen), if any
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="SET NULL")
    )
    results: Mapped[int]
    opened: Mapped[bool] = mapped_column(default=False)
