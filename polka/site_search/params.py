"""What a search asks for, as read from the query string of ``/search``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from polka.search.backend import Sort

PER_PAGE = 20


@dataclass(frozen=True)
class SearchParams:
    """A search as the user asked for it. ``communities`` are community ids; ``mine`` restricts to the
    communities the user belongs to; ``updated_from`` / ``updated_to`` bound the last-changed date."""

    q: str = ""
    kinds: frozenset[str] = frozenset()
    communities: frozenset[int] = frozenset()
    mine: bool = False
    organisations: frozenset[int] = frozenset()
    tags: frozenset[str] = frozenset()
    updated_from: date | None = None
    updated_to: date | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
