"""One page of a query's results: counting the rows, clamping the page number and fetching the page.

Every paged list (the people directory, the communities index, the users and the audit log) goes
through ``paginate`` and renders with ``macros/pagination.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy import Select, func, select
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


def paginate(session: Session, query: Select[T], page: int, per_page: int) -> Page[T]:
    """Page ``page`` of ``query``'s rows (in its order); a page past the last gives the last page."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    total = int(session.scalar(counted) or 0)
    page = min(max(1, page), page_count(total, per_page))
    items = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items, page, per_page, total)
