"""Where features say how their objects become search documents and who may see them.

A feature registers one ``SearchAdapter`` per kind of object (in ``polka.web``, never on import). The
kernel uses ``documents`` to index and ``ids`` to rebuild; the search page uses ``visible`` to re-check
every hit through the feature's own access rules before showing it, so nothing the index still holds
about an object a user may no longer see can leak.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.search.documents import SearchDocument


@dataclass(frozen=True)
class Shown:
    """What a search result shows about an object, read fresh from the database for one user."""

    title: str
    url: str
    community_id: int
    marking: str
    updated_at: datetime
    author_id: int | None


class SearchAdapter(Protocol):
    #: The kind's name in keys, URLs and filters (``wiki``) and as users read it (``Wiki page``).
    kind: str
    label: str

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        """The current searchable state of each object; an id left out is removed from the index."""
        ...

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        """Every indexable object's id, in batches (for a rebuild)."""
        ...

    def visible(self, session: Session, user: Any, ids: Sequence[int]) -> dict[int, Shown]:
        """The objects among ``ids`` that ``user`` may see now, with what to show about them."""
        ...


_adapters: dict[str, SearchAdapter] = {}


def register_adapter(adapter: SearchAdapter) -> None:
    _adapters[adapter.kind] = adapter


def adapter_for(kind: str) -> SearchAdapter | None:
    return _adapters.get(kind)


def adapters() -> list[SearchAdapter]:
    return list(_adapters.values())


def ids_in_batches(session: Session, id_column: Any, condition: Any, size: int = 500) -> Iterator[list[int]]:
    """The ids of the rows meeting ``condition``, ascending, ``size`` at a time (for ``all_ids``)."""
    last = 0
    while True:
        ids = list(
            session.scalars(
                select(id_column).where(condition, id_column > last).order_by(id_column).limit(size)
            )
        )
        if not ids:
            return
        yield ids
        last = ids[-1]
