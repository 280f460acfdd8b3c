"""Help pages for signed-in people: how to write POLKA's Markdown."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("/markdown")
def markdown() -> Any:
    return render_template("help/markdown.html", page_title="Writing in Markdown")
