"""One page of a query's results: counting the rows, clamping the page number and fetching the page.

Every paged list (the people directory, the communities index, the users and the audit log) goes
through ``paginate`` and renders with ``macros/pagination.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Page(Generic[T]):
    """``items`` of page ``page`` (1 to ``pages``), ``per_page`` a page, out of ``total`` rows."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def map(self, change: Callable[[T], U]) -> Page[U]:
        """The same page with each item changed by ``change`` (a row for a template, say)."""
        return Page([change(item) for item in self.items], self.page, self.per_page, self.total)


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` rows fill: at least one, even when there is nothing to show."""
    return max(1, -(-total // per_page))


def empty_page(per_page: int) -> Page[T]:
    """A first page with nothing on it."""
    return Page([], 1, per_page, 0)


#: The bind parameters of a ``Paged`` query's page: how many rows, after how many.
LIMIT, OFFSET = "page_limit", "page_offset"


@dataclass(frozen=True)
class Paged(Generic[T]):
    """A query's count and page statements, built once (``paged``, ``paged_rows``) for a query built
    once with bind parameters, so that ``paginate`` only binds values."""

    counted: Select[Any]
    page: Select[Any]
    #: whether a page is read as rows of several columns (else as the first column's values)
    rows: bool = False


def paged(query: Select[T]) -> Paged[T]:
    """``query`` with its count and page statements built once; its items are its first column's."""
    return Paged(_counted(query), _page(query))


def paged_rows(query: Select[*tuple[Any, ...]]) -> Paged[Row[Any]]:
    """``paged`` for a query of several columns: its items are its rows."""
    return Paged(_counted(query), _page(query), rows=True)


def _counted(query: Select[Any]) -> Select[Any]:
    return select(func.count()).select_from(query.order_by(None).subquery())


def _page(query: Select[Any]) -> Select[Any]:
    return query.limit(bindparam(LIMIT)).offset(bindparam(OFFSET))


def paginate(
    session: Session,
    query: Select[T] | Paged[T],
    page: int,
    per_page: int,
    params: Mapping[str, Any] | None = None,
) -> Page[T]:
    """Page ``page`` of ``query``'s items (in its order), its bind parameters given ``params``; a page
    past the last gives the last page."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    built = query if isinstance(query, Paged) else paged(query)
    total = int(session.scalar(built.counted, params) or 0)
    page = min(max(1, page), page_count(total, per_page))
    bound = {**(params or {}), LIMIT: per_page, OFFSET: (page - 1) * per_page}
    read = session.execute if built.rows else session.scalars
    return Page(list(read(built.page, bound)), page, per_page, total)
