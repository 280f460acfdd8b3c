"""Safe Markdown: CommonMark + tables + strikethrough, raw HTML off, links validated, output through nh3.

Three walls: markdown-it never passes raw HTML through (``html=False``), refuses link and image
targets whose scheme is not http(s)/mailto/tel however it is disguised, and nh3 then keeps only the
tags, attributes, classes and URL schemes listed here. Nesting deeper than ``MAX_NESTING`` (which
markdown-it would silently cut off) is shown as plain text rather than lost; ``check_markdown`` lets
a service refuse such input, or input over ``MAX_SOURCE_CHARS``, when it is saved.

``render_document`` is the richer flavour for wiki pages: footnotes, task lists, heading anchors,
``[[wiki links]]``, and the headings and link targets a page needs for its contents list and
"what links here". Every id it writes starts with ``section-`` or ``footnote-``, so text can never
take an id the page itself uses.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline, image, link
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

from polka.errors import ValidationError

#: The version of the HTML this module makes of a text: bump when render_markdown's output changes
#: (render_document's too: a sanitiser fix, say). HTML kept from an older version is not served but
#: rendered afresh: community descriptions and bios (``polka communities rerender`` / ``polka people
#: rerender`` keep it again) and the wiki's cache (``polka.wiki.rendering.cache_version``).
MARKDOWN_VERSION = 1
#: Only these link schemes survive; everything else (javascript:, data:, vbscript:, …) is dropped.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
MAX_SOURCE_CHARS = 500_000
#: markdown-it's guard against deep recursion: lists use two levels per list, quotes one.
MAX_NESTING = 40
#: The longest target a ``[[wiki link]]`` may name; longer ones stay as typed.
MAX_LINK_TARGET = 200
HEADING_PREFIX = "section-"
FOOTNOTE_PREFIX = "footnote-"

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
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: What documents add: ids (checked by prefix too), footnotes, task marks and scrolling tables.
_DOCUMENT_TAGS = _ALLOWED_TAGS | {"div", "section", "span", "sup"}
_DOCUMENT_ATTRIBUTES = {
    **_ALLOWED_ATTRIBUTES,
    "a": {"href", "title", "id"},
    "div": {"aria-label"},
    "li": {"id"},
    **{tag: {"id"} for tag in _HEADINGS},
}
_DOCUMENT_ATTRIBUTE_VALUES = {
    **_ATTRIBUTE_VALUES,
    "div": {"role": {"region"}, "tabindex": {"0"}},
    "span": {"aria-hidden": {"true"}},
    "section": {"aria-label": {"Footnotes"}},
}
_DOCUMENT_CLASSES = {
    **_ALLOWED_CLASSES,
    "a": {"polka-wikilink", "polka-footnote-back", "polka-mention"},
    "div": {"polka-table-scroll"},
    "li": {"polka-task"},
    "section": {"polka-footnotes"},
    "span": {"govuk-visually-hidden", "polka-task__mark"},
    "sup": {"polka-footnote-ref"},
}
#: What a browser ignores in a URL: leading/trailing C0 controls and spaces, tabs and newlines anywhere.
_URL_STRIP_EDGES = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_URL_DROPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_NEWLINES = re.compile(r"\r\n?")


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered document, as a table of contents lists it."""

    level: int  # 1..6
    text: str  # plain text of the heading
    anchor: str  # the id put on the heading element (without '#')


@dataclass(frozen=True)
class RenderedDocument:
    """A wiki page's safe HTML, with what its contents list and "what links here" need."""

    html: str  # sanitised HTML (a str, so it can be cached in the database)
    headings: tuple[Heading, ...]
    #: wiki-link targets in order of first appearance, de-duplicated, as written (stripped)
    links: tuple[str, ...]
    #: the handles of the people it mentions (``@claire-whitfield``), in order, de-duplicated; only
    #: when rendered with a ``mention_href``
    mentions: tuple[str, ...] = ()


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


#: A key no position uses in an inline state's skip cache: how much label scanning it has done.
_SCANNED = -1
_SCAN_ALLOWANCE = 1_000
_InlineRule = Callable[[StateInline, bool], bool]


def _scan_exhausted(state: StateInline) -> bool:
    return state.cache.get(_SCANNED, 0) > len(state.src) + _SCAN_ALLOWANCE


def _bounded_skip_token(skip: Callable[[StateInline], None]) -> Callable[[StateInline], None]:
    """Cap the scanning for a link's closing bracket at about one step per character of a paragraph.

    Runs of unclosed brackets (``[[[[…``) make markdown-it rescan the rest of the paragraph from
    each one. Past the cap it does what it does for too-deep nesting: no further links are found
    in that paragraph, and the brackets stay as text.
    """

    def bounded(state: StateInline) -> None:
        state.cache[_SCANNED] = state.cache.get(_SCANNED, 0) + 1
        if _scan_exhausted(state):
            state.pos = state.posMax
        else:
            skip(state)

    return bounded


def _unless_scan_exhausted(rule: _InlineRule) -> _InlineRule:
    """Skip a bracket rule once its paragraph has spent its scanning allowance."""

    def guarded(state: StateInline, silent: bool) -> bool:
        return not _scan_exhausted(state) and rule(state, silent)

    return guarded


def _new_parser() -> MarkdownIt:
    md = MarkdownIt(
        "commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": MAX_NESTING}
    )
    md.enable("table")
    md.enable("strikethrough")
    md.validateLink = is_safe_url  # type: ignore[method-assign]
    md.inline.skipToken = _bounded_skip_token(md.inline.skipToken)  # type: ignore[method-assign,assignment]
    md.inline.ruler.at("link", _unless_scan_exhausted(link))
    md.inline.ruler.at("image", _unless_scan_exhausted(image))
    for name in ("table_open", "thead_open", "tbody_open", "tr_open", "th_open", "td_open"):
        md.add_render_rule(name, _render_table_part)
    return md


_parser = lru_cache(maxsize=1)(_new_parser)


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
    """Refuse Markdown that is too long or nested too deeply to render (``ValidationError`` on ``field``).

    Nesting is judged as ``render_document`` parses (footnotes can add a level), which is never
    more lenient than ``render_markdown``.
    """
    text = _clean_source(source)
    if len(text) > MAX_SOURCE_CHARS:
        message = f"The text is too long: at most {MAX_SOURCE_CHARS:,} characters."
        raise ValidationError(message, {field: message})
    md = _document_parser()
    blocks: list[Token] = []  # nesting is a matter of blocks: inline parsing would only cost time
    md.block.parse(_NEWLINES.sub("\n", text), md, {}, blocks)
    if _too_deep(blocks):
        message = "The text has lists or quotes nested too deeply. Use fewer levels."
        raise ValidationError(message, {field: message})


# --- Documents (wiki pages) ------------------------------------------------------------------------

_HREF_KEY = "polka_link_href"
_WIKILINK = re.compile(r"\[\[([^\[\]\n]+)\]\]")
_TASK = re.compile(r"\[([ xX])\](?:[ \t]+|$)")
_FOOTNOTE_LABEL = re.compile(r"\[\^[^\]\s]{1,200}\]")
_WORDS = re.compile(r"\w+")
_TEXT_TOKENS = frozenset({"text", "code_inline", "softbreak", "hardbreak"})
_MAX_ANCHOR_WORDS_CHARS = 80
_MAX_BACK_LINKS = 10


def _wikilink(state: StateInline, silent: bool) -> bool:
    """``[[Target]]`` or ``[[Target|label]]`` on one line: a link whose href the caller's callback makes."""
    if not state.src.startswith("[[", state.pos) or state.linkLevel > 0:
        return False  # a link inside a link's text would nest <a> elements
    found = _WIKILINK.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    written, _, label = found.group(1).partition("|")
    target = written.strip()
    if not target or len(target) > MAX_LINK_TARGET:
        return False
    if not silent:
        link_href: Callable[[str], str] | None = state.env.get(_HREF_KEY)
        href = link_href(target) if link_href is not None else ""
        safe = is_safe_url(href)  # the callback's answer gets the same check as any other link
        if safe:
            opening = state.push("link_open", "a", 1)
            opening.attrs = {"href": href, "class": "polka-wikilink"}
            opening.meta = {"wikilink": target}
        state.push("text", "", 0).content = label.strip() or target
        if safe:
            state.push("link_close", "a", -1)
    state.pos = found.end()
    return True


_MENTION_HREF_KEY = "polka_mention_href"
#: ``@`` and a handle (``polka.accounts.handles``): lower-case letters and digits in hyphenated runs.
MENTION = re.compile(r"@([a-z0-9]+(?:-[a-z0-9]+)*)")
#: Before an ``@`` that starts a mention: not a letter, digit or these (``name@force.police.uk`` is no
#: mention).
_NOT_BEFORE_MENTION = frozenset("@._-/+")


def _mention(state: StateInline, silent: bool) -> bool:
    """``@handle``: a link to the person whose handle it is, when the caller renders mentions."""
    mention_href: Callable[[str], str] | None = state.env.get(_MENTION_HREF_KEY)
    if mention_href is None or state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    before = state.src[state.pos - 1] if state.pos > 0 else " "
    if before.isalnum() or before in _NOT_BEFORE_MENTION:
        return False
    found = MENTION.match(state.src, state.pos, state.posMax)
    if found is None:
        return False
    if not silent:
        opening = state.push("link_open", "a", 1)
        opening.attrs = {"href": mention_href(found[1]), "class": "polka-mention"}
        opening.meta = {"mention": found[1]}
        state.push("text", "", 0).content = found[0]
        state.push("link_close", "a", -1)
    state.pos = found.end()
    return True


def _footnote_ref(state: StateInline, silent: bool) -> bool:
    """The plugin's rule, tried only where a whole ``[^label]`` follows (it would scan to the line's end)."""
    return _FOOTNOTE_LABEL.match(state.src, state.pos, state.posMax) is not None and footnote_ref(
        state, silent
    )


def _task_lists(state: StateCore) -> None:
    """A list item starting ``[ ]`` or ``[x]`` becomes a task: a mark, and its state in words."""
    tokens = state.tokens
    for idx in range(2, len(tokens)):
        inline = tokens[idx]
        if inline.type != "inline" or tokens[idx - 1].type != "paragraph_open":
            continue
        first = inline.children[0] if inline.children else None
        if tokens[idx - 2].type != "list_item_open" or first is None or first.type != "text":
            continue
        found = _TASK.match(first.content)
        if found is None or not inline.content.startswith(found[0]):  # ``\[ ]`` is no task
            continue
        first.content = first.content[found.end() :]
        mark = Token("polka_task", "", 0, meta={"done": found.group(1) != " "})
        inline.children = [mark, *(inline.children or ())]
        tokens[idx - 2].attrJoin("class", "polka-task")


def _render_task(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """An <input> would be an unlabelled form control; a mark and hidden words say the same."""
    done = tokens[idx].meta["done"]
    mark, words = ("☑", "Done:") if done else ("☐", "Not done:")
    return (
        f'<span class="polka-task__mark" aria-hidden="true">{mark}</span> '
        f'<span class="govuk-visually-hidden">{words}</span> '
    )


def _plain_text(children: Sequence[Token]) -> str:
    """What a heading says, without its markup (a line break counts as a space)."""
    parts = (" " if c.type.endswith("break") else c.content for c in children if c.type in _TEXT_TOKENS)
    return " ".join("".join(parts).split())


def _heading_anchors(state: StateCore) -> None:
    """Give each heading a prefixed, unique id and note it (with its text) for the contents list."""
    taken: dict[str, int] = {}  # anchor -> the last number tried after it
    headings: list[Heading] = []
    tokens = state.tokens
    for idx, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        text = _plain_text(tokens[idx + 1].children or ())
        slug = "-".join(_WORDS.findall(text.lower()))[:_MAX_ANCHOR_WORDS_CHARS].strip("-_")
        base = HEADING_PREFIX + (slug or "heading")
        anchor, number = base, taken.get(base, 1)
        while anchor in taken:
            number += 1
            anchor = f"{base}-{number}"
        taken[base] = number
        taken.setdefault(anchor, 1)
        token.attrSet("id", anchor)
        if text:  # an empty heading has nothing to list in a table of contents
            headings.append(Heading(level=int(token.tag[1]), text=text, anchor=anchor))
    state.env["polka_headings"] = tuple(headings)


def _footnote_number(token: Token) -> str:
    return str(token.meta["id"] + 1)


def _footnote_ref_id(token: Token) -> str:
    sub = int(token.meta.get("subId", 0))
    return f"{FOOTNOTE_PREFIX}ref-{_footnote_number(token)}" + (f"-{sub + 1}" if sub else "")


def _render_footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    number = _footnote_number(tokens[idx])
    return (
        f'<sup class="polka-footnote-ref"><a href="#{FOOTNOTE_PREFIX}{number}" id="{_footnote_ref_id(tokens[idx])}">'
        f'<span class="govuk-visually-hidden">Footnote </span>{number}</a></sup>'
    )


def _render_footnote_block_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return '<section class="polka-footnotes" aria-label="Footnotes">\n<ol>\n'


def _render_footnote_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f'<li id="{FOOTNOTE_PREFIX}{_footnote_number(tokens[idx])}">'


def _render_footnote_anchor(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """The way back to where the note is cited, named for screen readers (the arrow alone says nothing).

    A note cited thousands of times would otherwise carry thousands of arrows: the first few will do.
    """
    token = tokens[idx]
    sub = int(token.meta.get("subId", 0))
    if sub >= _MAX_BACK_LINKS:
        return ""
    name = f"Back to reference {_footnote_number(token)}" + (f" ({sub + 1})" if sub else "")
    return (
        f' <a href="#{_footnote_ref_id(token)}" class="polka-footnote-back">'
        f'<span aria-hidden="true">\u21a9\ufe0e</span><span class="govuk-visually-hidden">{name}</span></a>'
    )


def _render_table_scroll(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    """A wide table scrolls on its own (by keyboard too) rather than making the page scroll sideways."""
    if tokens[idx].nesting == -1:
        return "</table>\n</div>\n"
    env["polka_tables"] = number = env.get("polka_tables", 0) + 1
    scroll = f'<div class="polka-table-scroll" tabindex="0" role="region" aria-label="Table {number}">\n'
    return scroll + _render_table_part(self, tokens, idx, options, env)


@lru_cache(maxsize=1)
def _document_parser() -> MarkdownIt:
    md = _new_parser()
    md.use(footnote_plugin, inline=False)  # ^[inline] notes would turn "2^[3]" into a footnote
    md.inline.ruler.at("footnote_ref", _unless_scan_exhausted(_footnote_ref))
    md.inline.ruler.before("link", "polka_wikilink", _wikilink)
    md.inline.ruler.before("link", "polka_mention", _mention)
    md.core.ruler.push("polka_task_lists", _task_lists)
    md.core.ruler.push("polka_heading_anchors", _heading_anchors)
    md.add_render_rule("polka_task", _render_task)
    md.add_render_rule("table_open", _render_table_scroll)
    md.add_render_rule("table_close", _render_table_scroll)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("footnote_block_open", _render_footnote_block_open)
    md.add_render_rule("footnote_open", _render_footnote_open)
    md.add_render_rule("footnote_anchor", _render_footnote_anchor)
    return md


def _links_marked(tokens: Sequence[Token], key: str) -> tuple[str, ...]:
    """What the links made by one of this module's rules (``key`` in their meta) name, in order; not
    those inside an image's text."""
    targets = (
        child.meta[key]
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "link_open" and key in child.meta
    )
    return tuple(dict.fromkeys(targets))


def render_document(
    source: str, link_href: Callable[[str], str], mention_href: Callable[[str], str] | None = None
) -> RenderedDocument:
    """Render a wiki page: safe HTML with anchored headings, plus its headings and wiki-link targets.

    ``link_href`` turns a ``[[wiki link]]`` target (as written, stripped) into an href; an unsafe
    answer leaves the label as plain text. With ``mention_href`` (a handle to the href of its person),
    ``@handle`` becomes a link to that person and the handles mentioned are listed.
    """
    text = _clean_source(source)[:MAX_SOURCE_CHARS]
    md = _document_parser()
    env: dict[str, Any] = {_HREF_KEY: link_href}
    if mention_href is not None:
        env[_MENTION_HREF_KEY] = mention_href
    tokens = md.parse(text, env)
    if _too_deep(tokens):  # nested too deeply to lay out: show it all, as written
        return RenderedDocument(html=_sanitise_document(f"<pre>{escape(text)}</pre>"), headings=(), links=())
    html = _sanitise_document(md.renderer.render(tokens, md.options, env))
    return RenderedDocument(
        html=html,
        headings=env["polka_headings"],
        links=_links_marked(tokens, "wikilink"),
        mentions=_links_marked(tokens, "mention"),
    )


#: A link whose text is plain, its attributes written as nh3 writes them: name="value", where a
#: value never holds a raw quote or ``<``. Anything else is left as it is.
_PLAIN_LINK = re.compile(r'<a((?:\s+[a-z-]+="[^"<]*")+)\s*>([^<]*)</a>')
_ATTRIBUTE = re.compile(r'([a-z-]+)="([^"<]*)"')
_WIKILINK_ATTRIBUTES = frozenset({"href", "class", "rel", "title"})
_MISSING_SUFFIX = '<span class="govuk-visually-hidden"> (page not written yet)</span>'


def rewrite_wikilinks(html: str, change: Callable[[dict[str, str], str], str | None]) -> Markup:
    """Let ``change`` replace the wiki links of ``html`` (``RenderedDocument.html``, or this function's output).

    ``change`` gets a link's attributes (unescaped) and its text (as HTML) and returns the HTML to put
    in its place, or None to keep it. Links not in the shape ``render_document`` gives a wiki link
    (plain text, only its own attributes) are never offered.
    """

    def rewrite(found: re.Match[str]) -> str:
        attributes = {name: html_module.unescape(value) for name, value in _ATTRIBUTE.findall(found[1])}
        if "polka-wikilink" not in attributes.get("class", "").split():
            return found[0]
        if not attributes.keys() <= _WIKILINK_ATTRIBUTES:
            return found[0]  # not the shape render_document gives a wiki link
        replaced = change(attributes, found[2])
        return found[0] if replaced is None else replaced

    return Markup(_PLAIN_LINK.sub(rewrite, html))  # noqa: S704 - sanitised when rendered; ``change`` escapes


def link_html(attributes: Mapping[str, str], inner_html: str) -> str:
    """An ``<a>`` element with these (unescaped) attributes around HTML that is already safe."""
    start = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
    return f"<a{start}>{inner_html}</a>"


def mark_missing_links(html: str, missing: Mapping[str, str]) -> Markup:
    """Point wiki links to pages not written yet at ``missing[href]`` and mark them (not by colour alone).

    ``html`` is ``RenderedDocument.html``; ``missing`` maps an href as ``link_href`` made it to the
    href of the page that creates it.
    """

    def mark(attributes: dict[str, str], inner_html: str) -> str | None:
        create = missing.get(attributes.get("href", ""))
        if create is None or not is_safe_url(create):
            return None
        classes = attributes["class"].split()
        marked = {**attributes, "href": create, "class": " ".join([*classes, "polka-wikilink--missing"])}
        return link_html(marked, inner_html + _MISSING_SUFFIX)

    if not missing:
        return Markup(html)  # noqa: S704 - sanitised when it was rendered
    return rewrite_wikilinks(html, mark)


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


def _only_our_ids(tag: str, attribute: str, value: str) -> str | None:
    """Ids only ever come from this module, and always carry one of its prefixes."""
    if attribute == "id" and not value.startswith((HEADING_PREFIX, FOOTNOTE_PREFIX)):
        return None
    return value


@lru_cache(maxsize=1)
def _document_cleaner() -> Any:  # nh3 ships no type hints
    return nh3.Cleaner(
        tags=_DOCUMENT_TAGS,
        attributes=_DOCUMENT_ATTRIBUTES,
        tag_attribute_values=_DOCUMENT_ATTRIBUTE_VALUES,
        allowed_classes=_DOCUMENT_CLASSES,
        attribute_filter=_only_our_ids,
        url_schemes=set(SAFE_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def _sanitise_document(html: str) -> str:
    return str(_document_cleaner().clean(html))


# Text as a reader sees it ------------------------------------------------------------------------

#: A tag of the sanitised HTML a page renders to, with its element's name (none for anything else
#: between angle brackets, which parts words as any block does).
_HTML_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)?[^>]*>")
_HTML_SPACE = re.compile(r"\s+")
#: Elements inside a run of text: their tags join what is either side of them, so ``**S**canning`` (and
#: ``pre<em>fix</em>``) stay one word. Every other tag (a paragraph, a heading, a list item, a table cell,
#: a line break) parts words.
_INLINE_ELEMENTS = frozenset(
    {"a", "abbr", "b", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q", "s", "samp"}
    | {"small", "span", "strong", "sub", "sup", "time", "u", "var"}
)


def plain_text(rendered_html: str) -> str:
    """The words of a rendered page as a reader sees them: no markup, no link targets, words that
    inline markup splits joined again, and a space where one block of text ends and the next begins."""
    joined = _HTML_TAG.sub(
        lambda tag: "" if (tag.group(1) or "").lower() in _INLINE_ELEMENTS else " ", rendered_html
    )
    return _HTML_SPACE.sub(" ", html_module.unescape(joined)).strip()
