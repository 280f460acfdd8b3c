"""One page of a query's results: counting the rows, clamping the page number and fetching the page.

Every paged list (the people directory, the communities index, the users and the audit log) goes
through ``paginate`` and renders with ``macros/pagination.html``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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
    """A query with its count and its page statements, built once (``paged``) for a query built once
    with bind parameters, so that ``paginate`` only binds values."""

    counted: Select[Any]
    page: Select[T]


def paged(query: Select[T]) -> Paged[T]:
    """``query`` with its count and page statements built once."""
    return Paged(_counted(query), query.limit(bindparam(LIMIT)).offset(bindparam(OFFSET)))


def _counted(query: Select[T]) -> Select[Any]:
    return select(func.count()).select_from(query.order_by(None).subquery())


def paginate(
    session: Session,
    query: Select[T] | Paged[T],
    page: int,
    per_page: int,
    params: Mapping[str, Any] | None = None,
) -> Page[T]:
    """Page ``page`` of ``query``'s rows (in its order), its bind parameters given ``params``; a page
    past the last gives the last page."""
    return _paginate(session, query, page, per_page, params, session.scalars)


def paginate_rows(
    session: Session,
    query: Select[Any] | Paged[Any],
    page: int,
    per_page: int,
    params: Mapping[str, Any] | None = None,
) -> Page[Row[Any]]:
    """``paginate`` for a query of several columns read as rows."""
    return _paginate(session, query, page, per_page, params, session.execute)


def _paginate(
    session: Session,
    query: Select[Any] | Paged[Any],
    page: int,
    per_page: int,
    params: Mapping[str, Any] | None,
    read: Callable[..., Iterable[Any]],
) -> Page[Any]:
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    built = query if isinstance(query, Paged) else paged(query)
    total = int(session.scalar(built.counted, params) or 0)
    page = min(max(1, page), page_count(total, per_page))
    bound = {**(params or {}), LIMIT: per_page, OFFSET: (page - 1) * per_page}
    return Page(list(read(built.page, bound)), page, per_page, total)
