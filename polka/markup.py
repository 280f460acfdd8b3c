"""Safe Markdown: CommonMark + tables + strikethrough, raw HTML off, links validated, output through nh3.

Three walls: markdown-it never passes raw HTML through (``html=False``), refuses link and image
targets whose scheme is not http(s)/mailto/tel however it is disguised, and nh3 then keeps only the
tags, attributes, classes and URL schemes listed here. Nesting deeper than ``MAX_NESTING`` (which
markdown-it would silently cut off) is shown as plain text rather than lost; ``check_markdown`` lets
a service refuse such input, or input over ``MAX_SOURCE_CHARS``, when it is saved.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from polka.errors import ValidationError

#: Only these link schemes survive; everything else (javascript:, data:, vbscript:, …) is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MAX_SOURCE_CHARS = 500_000
#: markdown-it's guard against deep recursion: lists use two levels per list, quotes one.
MAX_NESTING = 40

_ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
}
_ATTRIBUTE_VALUES = {"th": {"scope": {"col"}}}
_ALIGN_CLASSES = {
    "left": "govuk-!-text-align-left",
    "center": "govuk-!-text-align-centre",
    "right": "govuk-!-text-align-right",
}
_TABLE_CLASSES = {
    "table": "govuk-table",
    "thead": "govuk-table__head",
    "tbody": "govuk-table__body",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}
_ALLOWED_CLASSES = {
    tag: {cls, *(_ALIGN_CLASSES.values() if tag in {"th", "td"} else ())}
    for tag, cls in _TABLE_CLASSES.items()
}
#: What a browser ignores in a URL: leading/trailing C0 controls and spaces, tabs and newlines anywhere.
_URL_STRIP_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_URL_DROPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")


def is_safe_url(url: str) -> bool:
    """Relative URLs and http(s)/mailto/tel only, read the way a browser reads the scheme."""
    cleaned = _URL_DROPPED.sub("", _URL_STRIP_EDGES.sub("", url))
    if re.search(r"[\x00-\x1f\x7f]", cleaned):
        return False
    scheme = _SCHEME.match(cleaned)
    return scheme is None or scheme.group(1).lower() in SAFE_SCHEMES


def _render_table_part(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """Table tags get GOV.UK classes; cell alignment becomes a class (the CSP forbids inline styles)."""
    token = tokens[idx]
    classes = [_TABLE_CLASSES[token.tag]]
    style = str(token.attrs.pop("style", ""))
    align = style.partition(":")[2].strip()
    if align in _ALIGN_CLASSES:
        classes.append(_ALIGN_CLASSES[align])
    token.attrSet("class", " ".join(classes))
    if token.tag == "th":
        token.attrSet("scope", "col")
    result: str = self.renderToken(tokens, idx, options, env)
    return result


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
    )
    md.enable("table")
    md.enable("strikethrough")
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    for name in ("table_open", "thead_open", "tbody_open", "tr_open", "th_open", "td_open"):
        md.add_render_rule(name, _render_table_part)
    return md


def _too_deep(tokens: list[Token]) -> bool:
    """markdown-it drops what lies deeper than its nesting limit; reaching the limit means it did."""
    return any(t.nesting == 1 and t.level >= MAX_NESTING - 1 for t in tokens)


def _clean_source(source: str) -> str:
    return (source or "").replace("\x00", "\ufffd")


def render_markdown(source: str) -> Markup:
    """Render user Markdown to HTML that is safe to put in a page."""
    text = _clean_source(source)[:MAX_SOURCE_CHARS]
    md = _parser()
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    if _too_deep(tokens):  # nested too deeply to lay out: show it all, as written
        return Markup(sanitise_html(f"<pre>{escape(text)}</pre>"))  # noqa: S704 - sanitised by nh3
    html = md.renderer.render(tokens, md.options, env)
    return Markup(sanitise_html(html))  # noqa: S704 - sanitised by nh3 just now


def check_markdown(source: str, field: str = "body") -> None:
    """Refuse Markdown that is too long or nested too deeply to render (``ValidationError`` on ``field``)."""
    text = _clean_source(source)
    if len(text) > MAX_SOURCE_CHARS:
        message = f"The text is too long: at most {MAX_SOURCE_CHARS:,} characters."
        raise ValidationError(message, {field: message})
    if _too_deep(_parser().parse(text)):
        message = "The text has lists or quotes nested too deeply. Use fewer levels."
        raise ValidationError(message, {field: message})


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        tag_attribute_values=_ATTRIBUTE_VALUES,
        allowed_classes=_ALLOWED_CLASSES,
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
