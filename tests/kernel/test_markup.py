"""Markdown: classic XSS payloads come out harmless, huge and deeply nested input never breaks."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from polka.errors import ValidationError
from polka.markup import MAX_SOURCE_CHARS, check_markdown, is_safe_url, render_markdown

SAFE_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "img",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
SAFE_ATTRIBUTES = {"href", "src", "alt", "title", "rel", "class", "scope", "start"}
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}


class Elements(HTMLParser):
    """Every start tag and its attributes, as a browser would see them (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    parser.close()
    return parser.found


def browser_scheme(url: str) -> str | None:
    """The scheme a browser would read: edge controls and spaces stripped, tabs/newlines removed."""
    cleaned = re.sub(r"[\t\n\r]", "", url.strip("".join(chr(c) for c in range(0x21))))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return found.group(1).lower() if found else None


def assert_harmless(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag in SAFE_TAGS, f"<{tag}> in {html!r}"
        for name, value in attrs.items():
            assert name in SAFE_ATTRIBUTES, f"{name}= on <{tag}> in {html!r}"
            if name in {"href", "src"}:
                scheme = browser_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {html!r}"
    lowered = html.lower()
    for tag in ("<script", "<svg", "<iframe", "<style", "<details"):
        assert tag not in lowered, html  # as text it would read &lt;script


XSS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](&#0000106;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](jav&#13;ascript:alert(1))",
    "[x](<jav\tascript:alert(1)>)",
    "[x](java%0ascript:alert(1))",
    "[x](java%09script:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](&#1;javascript:alert(1))",
    "[x](\x00javascript:alert(1))",
    "[x](\x01javascript:alert(1))",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[x]\n\n[x]: javascript:alert(1)",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](vbscript:msgbox(1))",
    "![x](&#106;avascript:alert(1))",
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert(1)>",
    '[x](http://a" onmouseover="alert(1))',
    '[x](http://a "title\\" onmouseover=alert(1) x=\\"")',
    '![x" onerror="alert(1)](http://a/b.png)',
    '![x](http://a/b.png "t\\" onerror=\\"alert(1)")',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "[<img src=x onerror=alert(1)>](http://a)",
    "**<svg onload=alert(1)>**",
    "<!-- <script>alert(1)</script> -->",
    "[x](javascript://%0aalert(1))",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_payload_renders_harmless(payload):
    assert_harmless(str(render_markdown(payload)))


@pytest.mark.parametrize("payload", ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"])
def test_raw_html_is_shown_as_text_not_dropped(payload):
    assert "&lt;" in str(render_markdown(payload))


def test_checker_itself_catches_a_dangerous_link():
    with pytest.raises(AssertionError):
        assert_harmless('<a href="jav&#x09;ascript:alert(1)">x</a>')


def test_safe_links_and_images_are_kept_with_rel():
    html = str(
        render_markdown("[site](https://www.college.police.uk/) [doc](guide.pdf) ![map](/static/map.png)")
    )
    assert '<a href="https://www.college.police.uk/" rel="noopener noreferrer nofollow">site</a>' in html
    assert '<a href="guide.pdf"' in html
    assert '<img src="/static/map.png" alt="map">' in html


@pytest.mark.parametrize("target", ["mailto:pnc@met.police.uk", "tel:+441234567890", "data-sheet.pdf"])
def test_ordinary_targets_stay_links(target):
    assert f'href="{target}"' in str(render_markdown(f"[x]({target})"))


def test_table_renders_with_govuk_classes_and_alignment_as_classes():
    html = str(render_markdown("| Force | Officers |\n|:------|---------:|\n| Kent | 3,900 |"))
    assert '<table class="govuk-table">' in html
    assert '<th class="govuk-table__header govuk-!-text-align-left" scope="col">Force</th>' in html
    assert '<td class="govuk-table__cell govuk-!-text-align-right">3,900</td>' in html
    assert "style=" not in html  # the CSP forbids inline styles


def test_common_markdown_renders():
    html = str(render_markdown("# Title\n\n*a* **b** ~~c~~ `d`\n\n- one\n- two\n\n> quoted\n\n1. first"))
    for fragment in ("<h1>Title</h1>", "<em>a</em>", "<strong>b</strong>", "<s>c</s>", "<code>d</code>"):
        assert fragment in html
    assert "<li>two</li>" in html
    assert "<blockquote>" in html
    assert "<ol>" in html


def test_nul_bytes_are_replaced():
    assert "\x00" not in str(render_markdown("a\x00b"))


def test_ten_thousand_lines_render():
    """How fast is a benchmark's question (``make bench``), not a unit test's."""
    source = "\n".join(f"Line {n}: *emphasis*, [link](/p/{n}) | a |" for n in range(10_000))
    assert len(source) < MAX_SOURCE_CHARS
    html = str(render_markdown(source))
    assert "Line 0" in html
    assert "Line 9999" in html


DEEP = {
    "blockquote": "> " * 10_000 + "deep text",
    "list": "- " * 10_000 + "deep text",
    "indented list": "\n".join("  " * n + "- item" for n in range(300)) + "\n" + "  " * 300 + "- deep text",
    "ordered list": "1. " * 10_000 + "deep text",
    "mixed": "> - " * 5_000 + "deep text",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_renders_without_recursion_and_keeps_the_text(source):
    html = str(render_markdown(source))
    assert "deep text" in html
    assert_harmless(html)


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_when_saved(source):
    with pytest.raises(ValidationError) as caught:
        check_markdown(source, field="description")
    assert "nested too deeply" in caught.value.field_errors["description"]


INLINE_FLOODS = {
    "nested brackets": "[" * 10_000 + "x" + "]" * 10_000,
    "nested emphasis": "*" * 10_000 + "x" + "*" * 10_000,
    "[": "start " + "[" * 50_000,
    "*": "start " + "*" * 50_000,
    "`": "start " + "`" * 50_000,
    "[[": "start " + "[[" * 50_000,
    "![": "start " + "![" * 50_000,
}


@pytest.mark.parametrize("source", INLINE_FLOODS.values(), ids=INLINE_FLOODS.keys())
def test_deep_inline_nesting_renders(source):
    html = str(render_markdown(source))
    assert_harmless(html)
    assert "x" in html or "start" in html


def test_links_after_a_bracket_flood_in_another_paragraph_still_work():
    """Scanning for closing brackets is capped per paragraph, not per page."""
    html = str(render_markdown("[" * 50_000 + "\n\n[next](/next)"))
    assert '<a href="/next"' in html


def test_ordinary_nesting_is_accepted_and_rendered():
    source = "\n".join("  " * n + "- level" for n in range(8)) + "\n\n> > > quoted"
    check_markdown(source)
    html = str(render_markdown(source))
    assert html.count("<ul>") == 8
    assert html.count("<blockquote>") == 3


def test_over_long_text_is_refused_when_saved():
    with pytest.raises(ValidationError, match="too long"):
        check_markdown("a" * (MAX_SOURCE_CHARS + 1))


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " \x01javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,x",
        "file:///etc/passwd",
    ],
)
def test_link_check_alone_refuses_dangerous_schemes(url):
    """The first wall, before nh3: markdown-it is told which targets to refuse."""
    assert not is_safe_url(url)


@pytest.mark.parametrize(
    "url", ["https://x.police.uk", "/c/pnc/", "guide.pdf", "#top", "?q=1", "mailto:a@b.uk"]
)
def test_link_check_accepts_ordinary_targets(url):
    assert is_safe_url(url)
