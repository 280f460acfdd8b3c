"""Reading a search from the query string of ``/search``.

A search is a GET form, so its parameters arrive from bookmarks, pasted links and hand-edited URLs as
well as from the form itself. Text is cleaned rather than refused (a query can never be wrong); the
values a user picks or types into a filter field are checked, and a wrong one is an error message
naming the field, in the GOV.UK style, so the page can say what to fix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from polka.ids import parse_id, parse_page
from polka.search.backend import Sort
from polka.site_search.params import SearchParams

#: The longest query kept; anything longer is cut here (the parser keeps even fewer terms).
MAX_QUERY = 500
#: The longest tag or type name accepted, and how many values one filter may hold.
MAX_VALUE = 100
MAX_VALUES = 50
#: Dates outside these years are typing mistakes; they would also overflow date arithmetic.
FIRST_YEAR, LAST_YEAR = 1900, 2100

#: A content kind's name (``wiki.page``); an old bookmark's word (``wiki``) has no dot.
_KIND = re.compile(r"[a-z][a-z0-9_-]*(?:\.[a-z][a-z0-9_-]*)?")
#: What the type filter called the kinds before every kind had one name, for links saved then.
_FORMER_KINDS = {"wiki": "wiki.page", "doc": "docs.document"}
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TRUE = frozenset({"1", "y", "yes", "on", "true"})


@dataclass(frozen=True)
class Field:
    """A filter field as the page names it: its query parameter, its id and its label in messages."""

    name: str
    id: str
    label: str


#: The fields an error can be about, in the order the page shows them (the error summary follows it).
FIELDS = {
    "q": Field("q", "search-q", "Search"),
    "kind": Field("kind", "filter-kind", "Type"),
    "community": Field("community", "filter-community", "Community"),
    "organisation": Field("organisation", "filter-organisation", "Organisation"),
    "tag": Field("tag", "filter-tag", "Tag"),
    "from": Field("from", "filter-from", "Date from"),
    "to": Field("to", "filter-to", "Date to"),
}


def read_params(args: MultiDict[str, str]) -> tuple[SearchParams, dict[str, str]]:
    """The search ``args`` ask for, and an error message for each field holding a value that cannot
    be used (by parameter name: ``from``, ``to``, ``community``…). Fields in error keep their default
    in the returned params; the caller shows the messages and does not search."""
    errors: dict[str, str] = {}
    kinds = _strings(args, "kind", errors, "Choose a type from the list", kind=True)
    tags = _strings(args, "tag", errors, "Choose a tag from the list")
    communities = _ids(args, "community", errors, "Choose a community from the list")
    organisations = _ids(args, "organisation", errors, "Choose an organisation from the list")
    updated_from = _date(args, "from", errors)
    updated_to = _date(args, "to", errors)
    if updated_from and updated_to and updated_from > updated_to:
        errors["to"] = "Date to must be the same as or after date from"
    params = SearchParams(
        q=clean_query(args.get("q", "")),
        kinds=kinds,
        communities=communities,
        mine=args.get("mine", "").strip().lower() in _TRUE,
        organisations=organisations,
        tags=tags,
        updated_from=updated_from,
        updated_to=updated_to,
        sort=_sort(args.get("sort", "")),
        page=_page(args.get("page", "")),
    )
    return params, errors


def clean_query(text: str) -> str:
    """The query as the engine should see it: control characters (line breaks, tabs, NUL…) turned
    into spaces, trimmed, and cut to ``MAX_QUERY`` characters."""
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return text.strip()[:MAX_QUERY].strip()


def as_query(params: SearchParams, **changes: Any) -> dict[str, Any]:
    """``params`` as query-string values for ``url_for`` (repeated filters as lists), so a link to
    another page of results — or the same results sorted differently — keeps every filter."""
    values: dict[str, Any] = {
        "q": params.q or None,
        "kind": sorted(params.kinds) or None,
        "community": sorted(params.communities) or None,
        "mine": "1" if params.mine else None,
        "organisation": sorted(params.organisations) or None,
        "tag": sorted(params.tags) or None,
        "from": params.updated_from.isoformat() if params.updated_from else None,
        "to": params.updated_to.isoformat() if params.updated_to else None,
        "sort": params.sort.value if params.sort is not Sort.RELEVANCE else None,
        "page": params.page if params.page > 1 else None,
    }
    values.update(changes)
    if values["page"] == 1:
        values["page"] = None  # the first page is the address without a page number
    return {name: value for name, value in values.items() if value is not None}


def _strings(
    args: MultiDict[str, str], name: str, errors: dict[str, str], message: str, *, kind: bool = False
) -> frozenset[str]:
    values = set()
    for raw in args.getlist(name):
        value = clean_query(raw)
        if not value:
            continue  # an empty choice ("any") narrows nothing
        if len(value) > MAX_VALUE or (kind and not _KIND.fullmatch(value)):
            errors[name] = message
            return frozenset()
        values.add(_FORMER_KINDS.get(value, value) if kind else value)
    if len(values) > MAX_VALUES:
        errors[name] = f"Choose {MAX_VALUES} or fewer"
        return frozenset()
    return frozenset(values)


def _ids(args: MultiDict[str, str], name: str, errors: dict[str, str], message: str) -> frozenset[int]:
    ids = set()
    for raw in args.getlist(name):
        value = raw.strip()
        if not value:
            continue
        number = parse_id(value)
        if number is None:
            errors[name] = message
            return frozenset()
        ids.add(number)
    if len(ids) > MAX_VALUES:
        errors[name] = f"Choose {MAX_VALUES} or fewer"
        return frozenset()
    return frozenset(ids)


def _date(args: MultiDict[str, str], name: str, errors: dict[str, str]) -> date | None:
    """A date typed as ``2026-03-27`` (what the hint asks for) or ``27/03/2026`` (what people in the
    UK often type anyway)."""
    value = args.get(name, "").strip()
    if not value:
        return None
    label = FIELDS[name].label
    if iso := _ISO_DATE.fullmatch(value):
        year, month, day = (int(part) for part in iso.groups())
    elif uk := _UK_DATE.fullmatch(value):
        day, month, year = (int(part) for part in uk.groups())
    else:
        errors[name] = f"{label} must be a real date, like 2026-03-27"
        return None
    try:
        parsed = date(year, month, day)
    except ValueError:
        errors[name] = f"{label} must be a real date"
        return None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:
        errors[name] = f"{label} must be between {FIRST_YEAR} and {LAST_YEAR}"
        return None
    return parsed


def _sort(value: str) -> Sort:
    try:
        return Sort(value.strip().lower())
    except ValueError:
        return Sort.RELEVANCE


def _page(value: str) -> int:
    return parse_page(value.strip())
