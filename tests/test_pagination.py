"""paginate: counting a query's rows, clamping the page number and fetching one page in order."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.audit.models import AuditEntry
from polka.audit.services import record
from polka.db import transaction
from polka.pagination import Page, paginate


def add_rows(session, count):
    with transaction(session):
        for n in range(count):
            record(session, None, f"paged.{n:02d}")


def paged(order=AuditEntry.action):
    return select(AuditEntry).where(AuditEntry.action.startswith("paged.")).order_by(order)


def actions(page):
    return [entry.action for entry in page.items]


def test_an_empty_query_is_one_empty_first_page(session):
    page = paginate(session, paged(), 1, 10)
    assert (page.items, page.page, page.pages, page.total) == ([], 1, 1, 0)
    assert not page.has_previous
    assert not page.has_next


def test_an_exact_multiple_fills_every_page(session):
    add_rows(session, 6)
    first = paginate(session, paged(), 1, 3)
    last = paginate(session, paged(), 2, 3)
    assert (first.total, first.pages, first.has_previous, first.has_next) == (6, 2, False, True)
    assert (last.page, last.has_previous, last.has_next) == (2, True, False)
    assert actions(last) == ["paged.03", "paged.04", "paged.05"]


def test_the_last_page_holds_what_is_left(session):
    add_rows(session, 7)
    page = paginate(session, paged(), 3, 3)
    assert (page.pages, actions(page)) == (3, ["paged.06"])


@pytest.mark.parametrize(("asked", "shown"), [(999, 3), (4, 3), (0, 1), (-5, 1)])
def test_a_page_out_of_range_is_clamped_to_the_nearest_page(session, asked, shown):
    add_rows(session, 7)
    page = paginate(session, paged(), asked, 3)
    assert page.page == shown
    assert actions(page) == actions(paginate(session, paged(), shown, 3))


def test_the_query_order_is_kept_across_pages(session):
    add_rows(session, 5)
    newest_first = paged(AuditEntry.action.desc())
    pages = [paginate(session, newest_first, n, 2) for n in (1, 2, 3)]
    assert [actions(page) for page in pages] == [
        ["paged.04", "paged.03"],
        ["paged.02", "paged.01"],
        ["paged.00"],
    ]


def test_the_count_ignores_rows_outside_the_query(session):
    add_rows(session, 2)
    with transaction(session):
        record(session, None, "other.thing")
    assert paginate(session, paged(), 1, 10).total == 2


def test_a_page_size_below_one_is_refused(session):
    with pytest.raises(ValueError, match="per_page"):
        paginate(session, paged(), 1, 0)


def test_map_changes_the_items_and_keeps_the_place():
    page = Page([1, 2], page=2, per_page=2, total=5).map(str)
    assert (page.items, page.page, page.pages, page.has_next) == (["1", "2"], 2, 3, True)
