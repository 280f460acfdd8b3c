"""Database ids and page numbers read from URLs, forms and query strings: one parser for all of them.

Every table's id is an ``Integer`` column, so a real id is a whole number from 1 to ``ID_MAX`` (the
largest a PostgreSQL ``integer`` holds; SQLite's driver already overflows at 2**63). Anything else —
a number beyond that, zero, a sign, an exponent, a leading zero, a digit from another script — cannot
name a row: a URL holding one is not found, and a form or query value holding one is a form error,
before any of it reaches the database.
"""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import BaseConverter, Map, ValidationError

#: The largest id an ``Integer`` column holds on PostgreSQL (and so on every database POLKA runs on).
ID_MAX = 2**31 - 1
#: Page numbers of a paged list past this are typing mistakes (and would overflow an OFFSET).
PAGE_MAX = 1_000_000
_ID = re.compile(r"[1-9][0-9]{0,9}")


def parse_id(value: Any) -> int | None:
    """The id ``value`` spells (ASCII digits, no sign or leading zero, 1 to ``ID_MAX``), or None."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number <= ID_MAX else None


def parse_page(value: Any) -> int:
    """A list's page number from a query value; 1 for anything that is not one (the first page)."""
    number = parse_id(value)
    return number if number is not None and number <= PAGE_MAX else 1


class IdConverter(BaseConverter):
    """The ``int`` URL converter for POLKA: a segment matches only if it is an id (``parse_id``), so
    any other number is a 404 before the view runs."""

    regex = r"[1-9][0-9]{0,9}"
    weight = 50
    part_isolating = True

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            raise TypeError("the id converter takes no arguments: every id is 1 to ID_MAX")
        super().__init__(map)

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))
