"""Helpers for the search backends' tests: documents built here (no content in the database), put into
a backend and searched. ``EVERYONE`` may see communities 1-3 including sensitive items."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from polka.search.backend import Access, Change, SearchBackend, SearchRequest, SearchResults
from polka.search.documents import SearchDocument
from polka.search.query import parse_query

EVERYONE = Access(frozenset({1, 2, 3}), frozenset({1, 2, 3}))
START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def doc(
    object_id: int,
    title: str = "Note",
    body: str = "",
    *,
    kind: str = "wiki",
    community: int = 1,
    sensitive: bool = False,
    organisation: int | None = None,
    tags: tuple[str, ...] = (),
    days: int = 0,
) -> SearchDocument:
    moment = START + timedelta(days=days)
    return SearchDocument(
        kind=kind,
        object_id=object_id,
        community_id=community,
        marking="OFFICIAL-SENSITIVE" if sensitive else "OFFICIAL",
        sensitive=sensitive,
        title=title,
        body=body,
        created_at=moment,
        updated_at=moment,
        author_id=7,
        organisation_id=organisation,
        tags=tags,
    )


def put(backend: SearchBackend, *documents: SearchDocument) -> None:
    backend.apply([Change(d.kind, d.object_id, d) for d in documents], timeout=5)


def find(backend: SearchBackend, text: str, access: Access = EVERYONE, **options: object) -> SearchResults:
    return backend.search(SearchRequest(parse_query(text), access, **options))  # type: ignore[arg-type]


def ids(results: SearchResults) -> set[int]:
    return {hit.object_id for hit in results.hits}
