"""Wiki-page Markdown: the same safety as descriptions, plus footnotes, tasks, anchors and wiki links."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from polka.errors import ValidationError
from polka.markup import (
    MAX_LINK_TARGET,
    Heading,
    RenderedDocument,
    check_markdown,
    mark_missing_links,
    render_document,
)
from tests.kernel.test_markup import XSS, browser_scheme

SAFE_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
    "div", "section", "span", "sup",
}  # fmt: skip
SAFE_ATTRIBUTES = {
    "href", "src", "alt", "title", "rel", "class", "scope", "start", "id", "aria-hidden", "aria-label",
    "role", "tabindex",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
PAGE_IDS = {"main-content", "toc-heading", "content", "top"}


class Document(HTMLParser):
    """Start tags with their attributes, and the text, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Document:
    document = Document()
    document.feed(html)
    document.close()
    return document


def href(target: str) -> str:
    return f"/c/pnc/wiki/{target}"


def render(source: str) -> RenderedDocument:
    return render_document(source, href)


def assert_harmless(html: str) -> None:
    for tag, attrs in parse(html).found:
        assert tag in SAFE_TAGS, f"<{tag}> in {html!r}"
        for name, value in attrs.items():
            assert name in SAFE_ATTRIBUTES, f"{name}= on <{tag}> in {html!r}"
            if name in {"href", "src"}:
                scheme = browser_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {html!r}"
            if name == "id":
                assert (value or "").startswith(("section-", "footnote-")), html
    lowered = html.lower()
    for tag in ("<script", "<svg", "<iframe", "<style", "<details", "<input"):
        assert tag not in lowered, html


def ids(html: str) -> list[str]:
    return [attrs["id"] or "" for _, attrs in parse(html).found if "id" in attrs]


def anchors(html: str) -> list[dict[str, str | None]]:
    return [attrs for tag, attrs in parse(html).found if tag == "a"]


# --- Safety -------------------------------------------------------------------------------------

DOCUMENT_XSS = [
    *XSS,
    "[[javascript:alert(1)]]",
    "[[x|<script>alert(1)</script>]]",
    "[[x|<img src=x onerror=alert(1)>]]",
    '[[x" onmouseover="alert(1)]]',
    "[[<svg onload=alert(1)>]]",
    "Note[^1]\n\n[^1]: [x](javascript:alert(1))",
    "Note[^1]\n\n[^1]: <script>alert(1)</script>",
    "Note[^1]\n\n[^1]: ![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "Note[^1]\n\n[^1]: <javascript:alert(1)>",
    "Note[^1]\n\n[^1]: [x]\n\n[x]: javascript:alert(1)",
    'Note[^"onclick=alert(1)]\n\n[^"onclick=alert(1)]: x',
    "Note[^<script>]\n\n[^<script>]: x",
    "[x][y]\n\n[y]: &#x6A;avascript:alert(1)",
    "[x][y]\n\n[y]: <java\tscript:alert(1)>",
    '# Heading" onclick="alert(1)',
    "# <img src=x onerror=alert(1)>",
    "# x {#main-content onclick=alert(1)}",
    '[x](http://a "t\\" onmouseover=\\"alert(1)")',
    "[x](http://a 'it\\' onmouseover=alert(1)')",
    "- [ ] <script>alert(1)</script>",
    "- [x] [x](javascript:alert(1))",
    "| [[x|<svg onload=alert(1)>]] |\n|---|\n| [x](vbscript:msgbox(1)) |",
]


@pytest.mark.parametrize("payload", DOCUMENT_XSS)
def test_xss_payload_renders_harmless(payload):
    assert_harmless(render(payload).html)


@pytest.mark.parametrize("payload", DOCUMENT_XSS)
def test_xss_payload_stays_harmless_when_missing_links_are_marked(payload):
    html = render(payload).html
    everything_missing = {a["href"] or "": "/c/pnc/wiki/new?title=x" for a in anchors(html)}
    assert_harmless(str(mark_missing_links(html, everything_missing)))


def test_checker_itself_catches_a_foreign_id():
    with pytest.raises(AssertionError):
        assert_harmless('<h2 id="main-content">x</h2>')


@pytest.mark.parametrize(
    "unsafe", ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "java\tscript:x", "data:text/html,x"]
)
def test_unsafe_href_from_the_callback_leaves_plain_text(unsafe):
    document = render_document("See [[Home|the home page]].", lambda target: unsafe)
    assert "<a" not in document.html
    assert "See the home page." in document.html
    assert document.links == ()


def test_raw_html_is_shown_as_text():
    assert "&lt;script&gt;" in render("<script>alert(1)</script>").html


def test_heading_text_never_reaches_the_id_except_as_words():
    html = render('# Say "hi" <b>now</b> & then').html
    assert ids(html) == ["section-say-hi-b-now-b-then"]


def test_html_is_a_plain_string_for_the_cache():
    assert type(render("# Title").html) is str


def test_tables_scroll_on_their_own_and_keep_govuk_classes():
    html = render("| a | b |\n|---|--:|\n| 1 | 2 |\n\ntext\n\n| c |\n|---|\n| 3 |").html
    assert '<div class="polka-table-scroll" tabindex="0" role="region" aria-label="Table 1">' in html
    assert 'aria-label="Table 2"' in html
    assert '<td class="govuk-table__cell govuk-!-text-align-right">2</td>' in html
    assert html.count("</table>\n</div>") == 2


# --- Heading anchors ------------------------------------------------------------------------------


def test_headings_get_prefixed_ids_and_are_listed():
    document = render("# Case study\n\n## Approach taken\n\ntext\n\n### Outcome `2024`")
    assert '<h1 id="section-case-study">Case study</h1>' in document.html
    assert document.headings == (
        Heading(1, "Case study", "section-case-study"),
        Heading(2, "Approach taken", "section-approach-taken"),
        Heading(3, "Outcome 2024", "section-outcome-2024"),
    )


def test_duplicate_headings_get_unique_ids():
    document = render("## Notes\n\n## Notes\n\n## Notes 2\n\n## Notes\n\n## notes")
    anchors_ = [h.anchor for h in document.headings]
    assert anchors_[:2] == ["section-notes", "section-notes-2"]
    assert len(set(anchors_)) == 5
    assert ids(document.html) == anchors_


@pytest.mark.parametrize("title", ["Main content", "main-content", "Content", "Top", "Footnote 1"])
def test_heading_ids_never_collide_with_page_ids(title):
    anchor = render(f"## {title}").headings[0].anchor
    assert anchor.startswith("section-")
    assert anchor not in PAGE_IDS


def test_heading_text_drops_markup_and_keeps_words_and_labels():
    heading = render("## **Bold** and *em* with [[Page|a label]] and [link](/x)[^1]\n\n[^1]: n").headings[0]
    assert heading.text == "Bold and em with a label and link"


def test_heading_ids_keep_non_english_letters():
    assert render("## Café à la carte").headings[0].anchor == "section-café-à-la-carte"


def test_heading_without_words_gets_an_id_but_no_contents_entry():
    document = render("## !!!\n\n##\n\n## Real")
    assert ids(document.html) == ["section-heading", "section-heading-2", "section-real"]
    assert [h.text for h in document.headings] == ["!!!", "Real"]


def test_long_heading_id_is_cut_short():
    assert len(render("## " + "word " * 200).headings[0].anchor) <= len("section-") + 80


# --- Footnotes ----------------------------------------------------------------------------------


FOOTNOTES = "A claim[^source] and another[^2], then the first again[^source].\n\n[^source]: The report.\n[^2]: Second."


def test_footnotes_render_with_prefixed_ids():
    html = render(FOOTNOTES).html
    assert set(ids(html)) == {
        "footnote-ref-1",
        "footnote-ref-2",
        "footnote-ref-1-2",
        "footnote-1",
        "footnote-2",
    }
    assert '<section class="polka-footnotes" aria-label="Footnotes">' in html


def test_footnote_references_link_to_their_notes_and_have_a_name():
    html = render(FOOTNOTES).html
    refs = [a for a in anchors(html) if (a["href"] or "").startswith("#footnote-") and "id" in a]
    assert [a["href"] for a in refs] == ["#footnote-1", "#footnote-2", "#footnote-1"]
    assert '<span class="govuk-visually-hidden">Footnote </span>1</a>' in html


def test_footnote_back_links_have_accessible_names():
    html = render(FOOTNOTES).html
    assert re.search(
        r'<a href="#footnote-ref-1" class="polka-footnote-back"[^>]*><span aria-hidden="true">↩︎</span>'
        r'<span class="govuk-visually-hidden">Back to reference 1</span></a>',
        html,
    )
    assert '<span class="govuk-visually-hidden">Back to reference 1 (2)</span>' in html
    assert 'href="#footnote-ref-1-2"' in html


def test_undefined_footnote_stays_text():
    assert "[^nothing]" in render("See [^nothing].").html


def test_inline_footnote_syntax_is_not_a_footnote():
    assert "2^[3]" in render("2^[3]").html


# --- Task lists ---------------------------------------------------------------------------------


def test_tasks_show_a_mark_and_their_state_in_words_without_inputs():
    html = render("- [ ] Draft the minutes\n- [x] Book the room\n- [X] Send the invite\n- Plain").html
    assert "<input" not in html
    assert (
        '<li class="polka-task"><span class="polka-task__mark" aria-hidden="true">☐</span> '
        '<span class="govuk-visually-hidden">Not done:</span> Draft the minutes</li>'
    ) in html
    assert html.count('<span class="govuk-visually-hidden">Done:</span>') == 2
    assert "<li>Plain</li>" in html


def test_tasks_work_in_ordered_and_nested_lists():
    html = render("1. [x] First\n   - [ ] Inner").html
    assert html.count('class="polka-task"') == 2


@pytest.mark.parametrize(
    "source", ["- \\[ ] escaped", "- [ ]no space", "- [y] other", "[ ] not a list", "- `[ ]` code"]
)
def test_things_that_are_not_tasks(source):
    assert "polka-task" not in render(source).html


# --- Wiki links ---------------------------------------------------------------------------------


def test_wiki_link_uses_the_callback_href():
    html = render("See [[PNC manual]].").html
    assert '<a href="/c/pnc/wiki/PNC manual" class="polka-wikilink"' in html
    assert ">PNC manual</a>" in html


def test_wiki_link_with_a_label():
    html = render("See [[PNC manual|the manual]].").html
    assert re.search(r'<a href="/c/pnc/wiki/PNC manual" class="polka-wikilink"[^>]*>the manual</a>', html)


def test_kind_prefix_is_passed_to_the_callback():
    seen: list[str] = []
    render_document("[[doc:42]] and [[ Spaced target | label ]]", lambda t: seen.append(t) or "/x")
    assert seen == ["doc:42", "Spaced target"]


def test_escaped_wiki_link_is_literal():
    document = render("Type \\[[Page]] to link.")
    assert "[[Page]]" in document.html
    assert "<a" not in document.html
    assert document.links == ()


@pytest.mark.parametrize("source", ["`[[Page]]`", "```\n[[Page]]\n```", "    [[Page]]"])
def test_wiki_link_in_code_is_literal(source):
    document = render(source)
    assert "[[Page]]" in document.html
    assert document.links == ()


def test_target_at_the_limit_links_and_one_longer_stays_text():
    at_limit, too_long = "a" * MAX_LINK_TARGET, "a" * (MAX_LINK_TARGET + 1)
    assert render(f"[[{at_limit}]]").links == (at_limit,)
    document = render(f"[[{too_long}]]")
    assert document.links == ()
    assert f"[[{too_long}]]" in document.html


@pytest.mark.parametrize(
    "source", ["[[Two\nlines]]", "[[Nested [x] brackets]]", "[[]]", "[[ ]]", "[[|label]]", "[[Unclosed]"]
)
def test_malformed_wiki_links_stay_text(source):
    document = render(source)
    assert document.links == ()
    assert "polka-wikilink" not in document.html


def test_label_is_escaped_text():
    html = render("[[Page|<b>bold</b> & co]]").html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co</a>" in html


def test_wiki_link_inside_link_text_does_not_nest_links():
    html = render("[see [[Page]]](https://example.org)").html
    assert "<a" in html
    assert not re.search(r"<a [^>]*>[^<]*<a ", html)


def test_links_are_collected_in_order_once_each_as_written():
    source = (
        "# About [[Alpha]]\n\n[[Beta|b]] then [[ Alpha ]] and [[doc:42]]\n\n"
        "| [[Gamma]] |\n|---|\n| [[Beta]] |\n\nNote[^1]\n\n[^1]: See [[Delta]]."
    )
    assert render(source).links == ("Alpha", "Beta", "doc:42", "Gamma", "Delta")


def test_wiki_link_in_image_text_is_not_a_link():
    document = render("![a [[Page]] picture](/static/x.png)")
    assert document.links == ()
    assert 'alt="a Page picture"' in document.html


# --- Missing pages ------------------------------------------------------------------------------


def create(target: str) -> str:
    return f"/c/pnc/wiki/new?title={target}"


def test_missing_link_points_at_create_and_says_so():
    html = render("[[Written]] and [[Not yet]]").html
    marked = mark_missing_links(html, {href("Not yet"): create("Not yet")})
    assert isinstance(marked, Markup)
    found = anchors(str(marked))
    assert found[0]["href"] == href("Written")
    assert found[0]["class"] == "polka-wikilink"
    assert found[1]["href"] == create("Not yet")
    assert found[1]["class"] == "polka-wikilink polka-wikilink--missing"
    assert 'Not yet<span class="govuk-visually-hidden"> (page not written yet)</span></a>' in str(marked)


@pytest.mark.parametrize(
    "target", ['Fish & "chips"', "Café d'été", "a<b>c", "x?y=1&z=2", "100% sure", "Ünïcödé ✓"]
)
def test_missing_links_are_found_whatever_the_href_holds(target):
    html = render(f"[[{target}]]").html
    wanted = f"/c/pnc/wiki/new?title={target}&from=a%20b"
    marked = str(mark_missing_links(html, {href(target): wanted}))
    (anchor,) = anchors(marked)
    assert anchor["href"] == wanted
    assert "polka-wikilink--missing" in (anchor["class"] or "")
    assert_harmless(marked)


def test_ordinary_link_to_the_same_address_is_left_alone():
    html = render(f"[plain]({href('Gone')}) and [[Gone]]").html
    marked = str(mark_missing_links(html, {href("Gone"): create("Gone")}))
    first, second = anchors(marked)
    assert first["href"] == href("Gone")
    assert second["href"] == create("Gone")


def test_nothing_missing_returns_the_html_unchanged():
    html = render("[[Page]] and [x](/y)").html
    assert str(mark_missing_links(html, {})) == html
    assert str(mark_missing_links(html, {"/elsewhere": "/new"})) == html


def test_unsafe_create_href_is_not_used():
    html = render("[[Page]]").html
    marked = str(mark_missing_links(html, {href("Page"): "javascript:alert(1)"}))
    assert "javascript" not in marked


def test_attribute_order_does_not_matter():
    html = '<p><a rel="nofollow" class="polka-wikilink" href="/c/pnc/wiki/Gone">Gone</a></p>'
    marked = str(mark_missing_links(html, {href("Gone"): create("Gone")}))
    assert 'href="/c/pnc/wiki/new?title=Gone"' in marked
    assert 'class="polka-wikilink polka-wikilink--missing"' in marked


@pytest.mark.parametrize(
    "html",
    [
        '<a href="/c/pnc/wiki/Gone" class="polka-wikilink" onclick="x()">Gone</a>',
        '<a href="/c/pnc/wiki/Gone" class="other">Gone</a>',
        '<a href="/c/pnc/wiki/Gone" class="polka-wikilink"><em>Gone</em></a>',
        '<img alt="<a href=" title=" class=" src="x">',
    ],
)
def test_only_links_shaped_as_wiki_links_are_rewritten(html):
    assert str(mark_missing_links(html, {href("Gone"): create("Gone")})) == html


def test_every_occurrence_of_a_missing_link_is_marked():
    html = render("[[Gone]], [[Gone|again]] and in a table:\n\n| [[Gone]] |\n|---|\n| x |").html
    marked = str(mark_missing_links(html, {href("Gone"): create("Gone")}))
    assert marked.count("polka-wikilink--missing") == 3


# --- Too much ------------------------------------------------------------------------------------


DEEP = {
    "list": "- " * 10_000 + "deep text",
    "quote": "> " * 10_000 + "deep text",
    "footnote": "Note[^1]\n\n[^1]: " + "- " * 50 + "deep text",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_too_deep_is_shown_as_text_and_refused_on_save(source):
    document = render(source)
    assert "deep text" in document.html
    assert document.html.startswith("<pre>")
    with pytest.raises(ValidationError, match="nested too deeply"):
        check_markdown(source)


FLOODS = {
    "[": "[" * 50_000,
    "*": "*" * 50_000,
    "`": "`" * 50_000,
    "[[": "[[" * 50_000,
    "]]": "]]" * 50_000,
    "![": "![" * 50_000,
    "[^": "[^" * 50_000 + "\n\n[^1]: x",
    "[[x": "[[x" * 20_000,
    "nested": "[" * 25_000 + "x" + "]" * 25_000,
    "[x](": "[x](" * 20_000,
    "ten thousand headings": "## Same\n\n" * 10_000,
}


@pytest.mark.parametrize("source", FLOODS.values(), ids=FLOODS.keys())
def test_floods_render(source):
    """How fast is bench/markup.py's question; here: they finish, and nothing unsafe comes out."""
    check_markdown(source)
    document = render(source)
    assert_harmless(document.html)
    assert document.html


def test_ten_thousand_lines_render():
    source = "\n".join(f"Line {n}: [[Page {n % 100}]] *a*[^1]" for n in range(10_000)) + "\n\n[^1]: n"
    document = render(source)
    assert "Line 0:" in document.html
    assert "Line 9999:" in document.html
    assert len(document.links) == 100


def test_a_flood_of_brackets_does_not_lose_the_text():
    document = render("[" * 50_000 + " the end")
    assert "the end" in document.html


def test_many_real_links_in_one_paragraph_all_render():
    source = " ".join(f"[link {n}](/p/{n}) [[Page {n}]]" for n in range(2_000))
    document = render(source)
    assert document.html.count('<a href="/p/') == 2_000
    assert len(document.links) == 2_000
