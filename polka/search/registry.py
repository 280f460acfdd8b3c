"""Where features say how their objects become search documents.

A feature registers one ``SearchAdapter`` per content kind it indexes (in ``polka.web``, never on
import). The kernel uses ``documents`` to index and ``all_ids`` to rebuild. Who may see a hit is not
the adapter's business: the search page re-checks every hit through the kind's resolver
(``polka.content.kinds``), so nothing the index still holds about an object a user may no longer see
can leak.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from polka.search.documents import SearchDocument
from polka.search.outbox import queue_changes


class SearchAdapter(Protocol):
    #: The content kind's name (``wiki.page``), used in the index's keys and the ``kind`` filter.
    kind: str

    def documents(self, session: Session, ids: Sequence[int]) -> dict[int, SearchDocument]:
        """The current searchable state of each object; an id left out is removed from the index."""
        ...

    def all_ids(self, session: Session) -> Iterator[list[int]]:
        """Every indexable object's id, in batches (for a rebuild)."""
        ...

    def in_community(self, community_id: int) -> Select[Any]:
        """A select of the ids of the community's indexable objects (its name is part of each one's
        document, so a rename rewrites them all)."""
        ...


_adapters: dict[str, SearchAdapter] = {}


def register_adapter(adapter: SearchAdapter) -> None:
    _adapters[adapter.kind] = adapter


def adapter_for(kind: str) -> SearchAdapter | None:
    return _adapters.get(kind)


def adapters() -> list[SearchAdapter]:
    return list(_adapters.values())


def queue_community(session: Session, community_id: int) -> None:
    """Have every indexed object of the community rewritten once this transaction commits (a change of
    its name, which every one of their documents holds as a weak field)."""
    for adapter in _adapters.values():
        queue_changes(session, adapter.kind, adapter.in_community(community_id))


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
