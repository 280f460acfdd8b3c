"""CSV exports people open in a spreadsheet (the audit log, an event's attendance list): every cell
shown, never run, and UTF-8 that spreadsheets read as such."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

#: Cells a spreadsheet would run as a formula: prefixed with ' in exports.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Written first, so spreadsheets read the file as UTF-8.
BOM = "\ufeff"


def csv_cell(value: object) -> str:
    """A value as a CSV cell a spreadsheet will show, never run: formula starts get a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(rows: Iterable[Iterable[object]]) -> str:
    """Rows as CSV lines (CRLF, as RFC 4180 has them), each cell made safe with ``csv_cell``."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([csv_cell(v) for v in row] for row in rows)
    return buffer.getvalue()
