"""The interface every search backend implements, and the values that cross it.

Two backends implement it: Whoosh (``polka.search.whoosh_backend``: an index in the data directory,
for one machine) and PostgreSQL full-text search (``polka.search.pg_backend``: tables of the database,
for any number of app nodes). Nothing outside a backend may depend on its engine.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from polka.locks import LockBusy
from polka.search.documents import SearchDocument
from polka.search.query import Query


class LockTimeout(LockBusy):
    """Another process held the index's writer for longer than the timeout; nothing was written."""


@dataclass(frozen=True)
class Access:
    """Which documents a search may return, decided by the caller from the database, by the document's
    ``audience`` (``polka.search.documents.Audience``):

    - content (``READERS``): its community is in ``communities`` and, if it is sensitive, also in
      ``sensitive_communities`` (the searcher is a member there);
    - a community (``LISTERS``): its community is in ``listed`` (the searcher may see it exists);
    - a person (``DIRECTORY``): ``directory`` is true (the searcher may see the people directory);
    - content open to everyone signed in (``SIGNED_IN``): ``signed_in`` is true (the searcher is an active
      account), and it is not sensitive.
    """

    communities: frozenset[int]
    sensitive_communities: frozenset[int]
    listed: frozenset[int] = frozenset()
    directory: bool = False
    signed_in: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.communities and not self.listed and not self.directory and not self.signed_in


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    DATE = "date"  # most recently updated first


#: The facets a search counts, by name: kind, community, organisation (of the author), tag.
FACETS = ("kind", "community", "organisation", "tag")


@dataclass(frozen=True)
class SearchRequest:
    """One search: the parsed query, what the searcher may see, the chosen filters and the page.

    Every filter narrows: ``kinds`` / ``communities`` / ``organisations`` / ``tags`` match any of their
    values (empty: no restriction); ``updated_from`` / ``updated_to`` bound ``updated_at`` (inclusive).
    """

    query: Query
    access: Access
    kinds: frozenset[str] = frozenset()
    communities: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    tags: frozenset[str] = frozenset()
    updated_from: datetime | None = None
    updated_to: datetime | None = None
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    facets: bool = True


@dataclass(frozen=True)
class Hit:
    """One matching document. ``snippet`` is HTML: escaped text with matches in ``<mark>``; ``missing``
    are the query's words (as ``format_query`` writes them) that a partial match does not contain."""

    kind: str
    object_id: int
    score: float
    snippet: str
    missing: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResults:
    """A page of hits, the total number of allowed matches, and per-facet counts over all of them
    (facet name -> value -> count; community and organisation values are ids as strings).

    When fewer than ``PARTIAL_BELOW`` allowed documents match every word of a query of two or more
    words, the documents matching at least half of its words (``PARTIAL_SHARE``) are added after them:
    those matching all words first, then those missing one, and so on, best first within each. Quoted
    phrases and excluded words stay strict. ``complete`` then says how many of ``total`` match every
    word; it is None when every result does.
    """

    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    complete: int | None = None


#: A search adds partial matches when fewer than this many documents match all its words …
PARTIAL_BELOW = 5
#: … and then shows those matching at least this share of its words (rounded up).
PARTIAL_SHARE = 0.5


@dataclass(frozen=True)
class Change:
    """An object to (re)index, or, with ``document`` None, to remove from the index."""

    kind: str
    object_id: int
    document: SearchDocument | None


#: Loads the current documents of (kind, id) pairs: missing from the answer means "remove".
Loader = Callable[[Sequence[tuple[str, int]]], dict[tuple[str, int], SearchDocument]]


class SearchBackend(Protocol):
    def apply(self, changes: Sequence[Change], *, timeout: float) -> None:
        """Write every change in one commit, waiting at most ``timeout`` seconds for the writer
        (``LockTimeout``). Safe to repeat: adding a document replaces the one with its key."""
        ...

    def search(self, request: SearchRequest) -> SearchResults: ...

    def count(self, request: SearchRequest) -> int:
        """How many allowed documents match every word (no partial matches, hits or facets)."""
        ...

    def suggest(self, request: SearchRequest, keep: frozenset[str] = frozenset()) -> Query | None:
        """A respelling of the request's query from the words of the documents it may return (its
        access and filters: a word only hidden documents hold is never offered, nor counted), or None
        if none is closer; words in ``keep`` (the thesaurus's terms) are never respelt. Callers check
        that the respelling finds more results before offering it."""
        ...

    def rebuild(self, documents: Iterable[SearchDocument], reload: Loader) -> int:
        """Build a complete new index from ``documents`` beside the live one, then swap it in.

        Searches keep answering from the old index meanwhile. Changes applied while the rebuild ran
        are replayed into the new index before the swap by reloading their objects with ``reload``.
        Returns the number of documents indexed.
        """
        ...

    def document_count(self) -> int: ...

    def needs_rebuild(self) -> bool:
        """Whether the live index was built by an older version of how this backend indexes, so that
        only ``rebuild`` brings it up to date."""
        ...
