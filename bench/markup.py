"""Markdown cost: a long wiki page and hostile input render, or are refused, within two seconds.

Run with ``.venv/bin/python -m bench.markup``. Each input is rendered with ``render_document`` (what
a wiki save or an uncached view does) and checked with ``check_markdown`` (what a save does first);
the target applies to the slowest run.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress

from bench.common import Measure, Report, time_calls
from polka.errors import ValidationError
from polka.markup import check_markdown, render_document

TARGET_MS = 2_000
REPEAT = 5


def realistic_page(lines: int = 10_000) -> str:
    """A long manual: sections with paragraphs, links, wiki links, task lists, tables, code and quotes."""
    out: list[str] = []
    section = 0
    while len(out) < lines:
        section += 1
        out += [
            f"## Section {section}: approach and outcome",
            "",
            f"Officers from force {section} worked with [[Partner agency {section % 50}]] on the *approach*",
            f"in the [College guidance](https://www.college.police.uk/guidance/{section}) and the",
            f"**PNC manual**[^manual], with `code {section}` and [[doc:{section}|the minutes]].",
            "",
            "- [x] Agree the scope with [[Regional coordinator|the coordinator]]",
            f"- [ ] Write up outcome {section}",
            f"- A plain item with a [link](/c/pnc/wiki/page-{section})",
            "",
            "| Force | Officers | Notes |",
            "|:--|--:|---|",
            f"| Kent | {section} | fine |",
            f"| Essex | {section * 2} | [[Essex]] |",
            "",
            "```",
            f"code block line {section}",
            "```",
            "",
            f"> A quote from the report, number {section}.",
            "",
        ]
    return "\n".join([*out[: lines - 2], "", "[^manual]: The PNC manual, current edition."])


INPUTS = {
    "10,000-line page": realistic_page(),
    "10,000-deep nested list": "- " * 10_000 + "deep text",
    "10,000-deep nested blockquote": "> " * 10_000 + "deep text",
    "50,000 [": "[" * 50_000,
    "50,000 [[": "[[" * 50_000,
    "50,000 `": "`" * 50_000,
    "50,000 *": "*" * 50_000,
}


def wiki_href(target: str) -> str:
    return f"/c/pnc/wiki/{target}"


def render(source: str) -> Callable[[], None]:
    def run() -> None:
        render_document(source, wiki_href)

    return run


def check_or_refuse(source: str) -> Callable[[], None]:
    def check() -> None:
        with suppress(ValidationError):  # refusing with a clear message is an answer too
            check_markdown(source)

    return check


def main() -> None:
    report = Report("Markdown: render or refuse within 2 s (target on the slowest run)")
    for name, source in INPUTS.items():
        rendering = time_calls(render(source), repeat=REPEAT, warmup=1)
        report.add(Measure(f"render_document: {name}", rendering, TARGET_MS, against="max"))
        checking = time_calls(check_or_refuse(source), repeat=REPEAT, warmup=1)
        report.add(Measure(f"check_markdown: {name}", checking, TARGET_MS, against="max"))
    report.exit()


if __name__ == "__main__":
    main()
