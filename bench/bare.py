"""The bare framework for the side-by-side benchmark: a minimal Flask app whose one route answers a
static HTML page of a given size, served by the same gunicorn configuration as POLKA.

``GET /html/<n>`` answers ``n`` bytes of HTML (built once per size, then a dictionary look-up), so each
POLKA page is compared with a bare route sending as many bytes.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)

_PAGES: dict[int, str] = {}
_HEAD = '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>Bare</title></head><body>\n'
_TAIL = "</body></html>\n"
_LINE = "<p>A static paragraph of the bare route, as long as the page it stands beside.</p>\n"


def page(size: int) -> str:
    """Static HTML of ``size`` bytes (ASCII, so characters are bytes)."""
    body = _LINE * (max(0, size - len(_HEAD) - len(_TAIL)) // len(_LINE) + 1)
    html = (_HEAD + body)[: max(0, size - len(_TAIL))] + _TAIL
    return html


@app.get("/html/<int:size>")
def static_html(size: int) -> str:
    """The same bytes every time: the framework's own cost, nothing else."""
    found = _PAGES.get(size)
    if found is None:
        found = _PAGES[size] = page(min(size, 2_000_000))
    return found
