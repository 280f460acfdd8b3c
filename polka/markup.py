"""Safe Markdown: CommonMark + tables, raw HTML off, links validated, output sanitised by nh3."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

#: Only these link schemes survive; everything else (javascript:, data:, vbscript:, …) is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MAX_SOURCE_CHARS = 500_000

_ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "img", "input", "li", "ol", "p", "pre", "s", "strong", "sup", "sub", "table", "tbody", "td",
    "th", "thead", "tr", "ul", "section", "span",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "img": {"src", "alt", "title"},
    "td": {"style"},
    "th": {"style"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "input": {"type", "checked", "disabled"},
    "li": {"id"},
    "span": {"class"},
    "code": {"class"},
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def is_safe_url(url: str) -> bool:
    """Relative URLs and http(s)/mailto/tel only, however the scheme is disguised."""
    cleaned = _CONTROL.sub("", url)
    scheme = urlsplit(cleaned).scheme.lower()
    if not scheme:
        return not cleaned.lower().startswith(("javascript", "vbscript", "data"))
    return scheme in SAFE_SCHEMES


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    return md


def render_markdown(source: str) -> Markup:
    """Render user Markdown to HTML that is safe to put in a page."""
    text = (source or "")[:MAX_SOURCE_CHARS].replace("\x00", "\ufffd")
    html = _parser().render(text)
    return Markup(sanitise_html(html))


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def plain_excerpt(source: str, length: int = 200) -> str:
    """A short plain-text excerpt of Markdown (for lists and emails)."""
    text = re.sub(r"[#*_`>\[\]()!|~-]+", " ", source or "")
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= length else text[: length - 1].rsplit(" ", 1)[0] + "…"
