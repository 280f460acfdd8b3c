"""Reading a search from its query string: text is cleaned, never refused; a filter value that cannot
be used is a message naming its field."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict

from polka.search.backend import Sort
from polka.site_search.forms import MAX_QUERY, as_query, read_params
from polka.site_search.params import SearchParams


def read(**args: str | list[str]) -> tuple[SearchParams, dict[str, str]]:
    return read_params(MultiDict(args))


def test_a_full_search_is_read_into_params() -> None:
    params, errors = read(
        q="  vehicle checks ",
        kind=["wiki.page", ""],
        community=["3", "7"],
        mine="1",
        organisation="12",
        tag=["anpr", "pnc"],
        sort="date",
        page="2",
        **{"from": "2026-03-01", "to": "27/03/2026"},
    )
    assert errors == {}
    assert params == SearchParams(
        q="vehicle checks",
        kinds=frozenset({"wiki.page"}),
        communities=frozenset({3, 7}),
        mine=True,
        organisations=frozenset({12}),
        tags=frozenset({"anpr", "pnc"}),
        updated_from=date(2026, 3, 1),
        updated_to=date(2026, 3, 27),
        sort=Sort.DATE,
        page=2,
    )


def test_control_characters_become_spaces_and_a_long_query_is_cut() -> None:
    assert read(q="road\x00side\tchecks\n")[0].q == "road side checks"
    assert len(read(q="a" * 10_000)[0].q) == MAX_QUERY


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"from": "2026-02-30"}, "from", "Date from must be a real date"),
        ({"to": "yesterday"}, "to", "Date to must be a real date, like 2026-03-27"),
        ({"from": "0001-01-01"}, "from", "Date from must be between 1900 and 2100"),
        ({"from": "2026-05-01", "to": "2026-04-30"}, "to", "Date to must be the same as or after date from"),
        ({"community": "pnc"}, "community", "Choose a community from the list"),
        ({"community": "9" * 5000}, "community", "Choose a community from the list"),
        ({"organisation": "-1"}, "organisation", "Choose an organisation from the list"),
        ({"kind": "<script>"}, "kind", "Choose a type from the list"),
        ({"tag": [str(n) for n in range(51)]}, "tag", "Choose 50 or fewer"),
    ],
)
def test_a_value_that_cannot_be_used_is_an_error_on_its_field(
    args: dict[str, str | list[str]], field: str, message: str
) -> None:
    assert read(**args)[1] == {field: message}


@pytest.mark.parametrize("page", ["", "abc", "0", "-2", "1e3", "٣", "9" * 5000])
def test_a_page_that_is_not_a_positive_number_is_the_first(page: str) -> None:
    assert read(page=page) == (SearchParams(page=1), {})


def test_a_link_saved_with_a_former_type_name_filters_by_the_kind_it_meant() -> None:
    params, errors = read(kind=["wiki", "doc"])
    assert errors == {}
    assert params.kinds == frozenset({"wiki.page", "docs.document"})


@pytest.mark.parametrize("kind", ["wiki.", ".page", "wiki..page", "Wiki.page", "wiki.page.x"])
def test_a_type_that_is_no_kind_name_is_refused(kind: str) -> None:
    assert read(kind=kind)[1] == {"kind": "Choose a type from the list"}


def test_an_unknown_sort_is_by_relevance() -> None:
    assert read(sort="price")[0].sort is Sort.RELEVANCE


def test_links_carry_every_filter_and_leave_out_the_defaults() -> None:
    params, _ = read(q="checks", kind="wiki.page", community=["7", "3"], **{"from": "1/2/2026"})
    assert as_query(params, page=2) == {
        "q": "checks",
        "kind": ["wiki.page"],
        "community": [3, 7],
        "from": "2026-02-01",
        "page": 2,
    }
    assert as_query(SearchParams()) == {}


def test_a_link_to_the_first_page_has_no_page_number() -> None:
    params, _ = read(q="checks", page="3")
    assert as_query(params, page=1) == {"q": "checks"}
