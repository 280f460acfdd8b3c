"""Help pages: how to write POLKA's Markdown (for signed-in people), and what POLKA keeps about the
people who use it (the privacy notice, for anyone: every page's footer links it, the sign-in page's too)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from polka.accounts.web import public

bp = Blueprint("help", __name__, url_prefix="/help")


@bp.get("/markdown")
def markdown() -> Any:
    return render_template("help/markdown.html", page_title="Writing in Markdown")


@bp.get("/privacy")
@public
def privacy() -> Any:
    return render_template("help/privacy.html", page_title="What POLKA keeps about you")
