"""diff_texts: changed lines paired and marked word by word, long unchanged runs folded, big pages bounded."""

from __future__ import annotations

import html
import random
import re
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st

import polka
from polka.wiki.diffs import (
    WORD_DIFF_MAX_LINE,
    Diff,
    Line,
    Row,
    Segment,
    diff_texts,
    matching_blocks,
    split_lines,
    word_segments,
)


def numbered(count: int, start: int = 1) -> list[str]:
    return [f"line {n}" for n in range(start, start + count)]


def text(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def same(old: int, new: int, line: str) -> Row:
    return Row("same", Line(old, (Segment(line, False),)), Line(new, (Segment(line, False),)))


def kinds(diff: Diff) -> list[str]:
    return [row.kind for row in diff.rows]


def test_identical_texts_have_no_rows():
    assert diff_texts("a\nb\n", "a\nb\n") == Diff(rows=(), added=0, removed=0, identical=True)
    assert diff_texts("", "") == Diff(rows=(), added=0, removed=0, identical=True)


def test_line_endings_and_the_final_newline_are_not_changes():
    assert diff_texts("a\r\nb\r\n", "a\nb").identical
    assert diff_texts("a\rb", "a\nb\n").identical


def test_a_changed_word_is_marked_within_its_line():
    diff = diff_texts("The quick brown fox\n", "The slow brown fox\n")
    assert diff == Diff(
        rows=(
            Row(
                "changed",
                Line(1, (Segment("The ", False), Segment("quick", True), Segment(" brown fox", False))),
                Line(1, (Segment("The ", False), Segment("slow", True), Segment(" brown fox", False))),
            ),
        ),
        added=1,
        removed=1,
        identical=False,
    )


def test_punctuation_is_its_own_word():
    old, new = word_segments("Call 101, then wait.", "Call 999! then wait.")
    assert old == (Segment("Call ", False), Segment("101,", True), Segment(" then wait.", False))
    assert new == (Segment("Call ", False), Segment("999!", True), Segment(" then wait.", False))


def test_neighbouring_changed_words_are_marked_as_one_run():
    old, new = word_segments("we met on Monday morning at ten", "we met on Tuesday evening at ten")
    assert old == (Segment("we met on ", False), Segment("Monday morning", True), Segment(" at ten", False))
    assert new == (Segment("we met on ", False), Segment("Tuesday evening", True), Segment(" at ten", False))


def test_spaces_next_to_an_added_word_are_not_marked():
    old, new = word_segments("National Computer.", "National Computer (PNC).")
    assert old == (Segment("National Computer.", False),)
    assert new == (Segment("National Computer ", False), Segment("(PNC)", True), Segment(".", False))


def test_lines_with_little_in_common_are_marked_whole():
    old, new = word_segments("- the first item in the list", "Completely different wording here, the end")
    assert old == (Segment("- the first item in the list", True),)
    assert new == (Segment("Completely different wording here, the end", True),)


def test_words_in_any_script_are_compared_whole():
    old, new = word_segments("Heddlu Dyfed-Powys: café ☕", "Heddlu Gwent: café ☕")
    assert old == (Segment("Heddlu ", False), Segment("Dyfed-Powys", True), Segment(": café ☕", False))
    assert new == (Segment("Heddlu ", False), Segment("Gwent", True), Segment(": café ☕", False))


def test_a_replaced_block_pairs_lines_in_order_and_the_rest_are_added():
    diff = diff_texts("keep\nold one\nold two\n", "keep\nnew one\nnew two\nnew three\nnew four\n")
    assert kinds(diff) == ["same", "changed", "changed", "added", "added"]
    pairs = [(row.old.number if row.old else None, row.new.number if row.new else None) for row in diff.rows]
    assert pairs == [(1, 1), (2, 2), (3, 3), (None, 4), (None, 5)]
    assert (diff.added, diff.removed) == (4, 2)


def test_a_replaced_block_with_fewer_new_lines_ends_with_removed_ones():
    diff = diff_texts("old one\nold two\nold three\nkeep\n", "new one\nkeep\n")
    assert kinds(diff) == ["changed", "removed", "removed", "same"]
    assert diff.rows[1] == Row("removed", Line(2, (Segment("old two", True),)), None)
    assert (diff.added, diff.removed) == (1, 3)


def test_added_and_removed_lines_keep_their_own_numbers():
    diff = diff_texts("a\nb\nc\n", "new\na\nc\n")
    assert diff.rows == (
        Row("added", None, Line(1, (Segment("new", True),))),
        same(1, 2, "a"),
        Row("removed", Line(2, (Segment("b", True),)), None),
        same(3, 3, "c"),
    )


def test_an_empty_line_has_no_segments():
    diff = diff_texts("a\n", "a\n\n")
    assert diff.rows == (same(1, 1, "a"), Row("added", None, Line(2, ())))


def test_from_nothing_every_line_is_added_and_to_nothing_every_line_is_removed():
    written = diff_texts("", "one\ntwo\n")
    assert kinds(written) == ["added", "added"]
    assert (written.added, written.removed, written.identical) == (2, 0, False)
    emptied = diff_texts("one\ntwo\n", "")
    assert kinds(emptied) == ["removed", "removed"]
    assert (emptied.added, emptied.removed) == (0, 2)


def test_long_unchanged_runs_fold_into_skip_rows_with_context_around_the_change():
    old = numbered(20)
    new = [*old[:9], "changed", *old[10:]]
    diff = diff_texts(text(old), text(new), context=3)
    assert kinds(diff) == ["skip", "same", "same", "same", "changed", "same", "same", "same", "skip"]
    assert (diff.rows[0].skipped, diff.rows[-1].skipped) == (6, 7)
    assert [row.old.number for row in diff.rows[1:-1] if row.old] == [7, 8, 9, 10, 11, 12, 13]


def test_a_long_run_between_two_changes_keeps_context_on_both_sides():
    old = numbered(12)
    new = ["first", *old[1:11], "last"]
    diff = diff_texts(text(old), text(new), context=2)
    assert kinds(diff) == ["changed", "same", "same", "skip", "same", "same", "changed"]
    assert diff.rows[3] == Row("skip", None, None, skipped=6)
    assert diff.rows[4] == same(10, 10, "line 10")


def test_runs_no_longer_than_twice_the_context_are_shown_whole():
    old = numbered(8)
    new = ["first", *old[1:7], "last"]  # six unchanged lines between the changes
    assert "skip" not in kinds(diff_texts(text(old), text(new), context=3))
    new = ["first", *old[1:]]  # seven unchanged lines after it
    assert kinds(diff_texts(text(old), text(new), context=3)) == ["changed", "same", "same", "same", "skip"]


def test_no_context_shows_only_the_changes():
    old = numbered(5)
    diff = diff_texts(text(old), text([*old[:2], "x", *old[3:]]), context=0)
    assert kinds(diff) == ["skip", "changed", "skip"]
    assert (diff.rows[0].skipped, diff.rows[2].skipped) == (2, 2)


def test_a_negative_context_is_refused():
    with pytest.raises(ValueError, match="context"):
        diff_texts("a", "b", context=-1)


def test_inline_rows_put_each_run_of_old_lines_before_its_new_lines():
    diff = diff_texts("keep\nold one\nold two\nkeep too\n", "keep\nnew one\nnew two\nnew three\nkeep too\n")
    inline = diff.inline_rows()
    sides = [
        (row.kind, row.old.text if row.old else None, row.new.text if row.new else None) for row in inline
    ]
    assert sides == [
        ("same", "keep", "keep"),
        ("changed", "old one", None),
        ("changed", "old two", None),
        ("changed", None, "new one"),
        ("changed", None, "new two"),
        ("added", None, "new three"),
        ("same", "keep too", "keep too"),
    ]


def test_a_line_too_long_to_compare_word_by_word_is_marked_whole():
    long_line = "word " * (WORD_DIFF_MAX_LINE // 5 + 1)
    diff = diff_texts(long_line + "\n", long_line + "more\n")
    assert diff.rows[0].kind == "changed"
    assert diff.rows[0].new == Line(1, (Segment(long_line + "more", True),))


def big_page(seed: int, lines: int = 10_000) -> list[str]:
    rng = random.Random(seed)
    words = [
        "the",
        "officer",
        "report",
        "case",
        "community",
        "force",
        "region",
        "liaison",
        "letter",
        "outcome",
    ]
    return [
        "" if rng.random() < 0.2 else " ".join(rng.choices(words, k=rng.randint(3, 20))) for _ in range(lines)
    ]


def test_two_big_pages_with_scattered_edits_diff_to_just_the_edits():
    old = big_page(1)
    new = list(old)
    rng = random.Random(2)
    for index in rng.sample(range(len(new)), 100):
        new[index] = f"edited line {index}"
    diff = diff_texts(text(old), text(new))
    assert (diff.added, diff.removed) == (100, 100)
    assert sum(row.kind == "changed" for row in diff.rows) == 100


def test_a_complete_rewrite_of_a_big_page_returns_every_line():
    diff = diff_texts(text(big_page(1)), text(big_page(2)))
    assert diff.added == diff.removed == 10_000 - sum(row.kind == "same" for row in diff.rows)
    assert sum(row.kind != "skip" for row in diff.rows) <= 20_000


def test_a_page_of_a_few_lines_repeated_many_times_still_diffs():
    rng = random.Random(3)
    old = [f"item {rng.randrange(105)}" for _ in range(10_000)]
    new = [f"item {rng.randrange(105)}" for _ in range(10_000)]
    diff = diff_texts(text(old), text(new))
    assert not diff.identical
    assert all(row.kind in {"same", "changed", "added", "removed", "skip"} for row in diff.rows)


def test_split_lines_ends_lines_only_at_line_breaks():
    assert split_lines("") == []
    assert split_lines("\n") == [""]
    assert split_lines("a\r\nb\rc\n\n") == ["a", "b", "c", ""]
    assert split_lines("a\u2028b\fc") == ["a\u2028b\fc"]


def test_matching_blocks_never_split_an_unchanged_run():
    assert matching_blocks(["a", "b", "x", "c"], ["a", "b", "y", "c"]) == [(0, 0, 2), (3, 3, 1)]
    assert matching_blocks(["a"], ["a", "a"]) == [(0, 0, 1)]


# With a context larger than any text nothing folds, so the rows must rebuild both texts exactly.
LINES = st.lists(st.sampled_from(["a", "b", "c d", "", "c e", "ü ß"]), max_size=15)


@given(LINES, LINES)
def test_the_rows_rebuild_both_versions_line_by_line(old, new):
    diff = diff_texts(text(old), text(new), context=100)
    old_lines = [row.old for row in diff.rows if row.old]
    new_lines = [row.new for row in diff.rows if row.new]
    if diff.identical:
        assert old == new
        return
    assert [line.text for line in old_lines] == old
    assert [line.text for line in new_lines] == new
    assert [line.number for line in old_lines] == list(range(1, len(old) + 1))
    assert [line.number for line in new_lines] == list(range(1, len(new) + 1))
    assert diff.added == sum(row.kind in {"added", "changed"} for row in diff.rows)
    assert diff.removed == sum(row.kind in {"removed", "changed"} for row in diff.rows)


@given(st.text(), st.text())
def test_word_segments_rebuild_both_lines(old, new):
    old_segments, new_segments = word_segments(old, new)
    assert "".join(segment.text for segment in old_segments) == old
    assert "".join(segment.text for segment in new_segments) == new
    assert all(segment.text for segment in (*old_segments, *new_segments))


# The macros in templates/wiki/_diff.html, rendered with and without the app's white-space settings.
TEMPLATES = Path(polka.__file__).parent / "templates"


@pytest.fixture(params=[False, True], ids=["plain", "trimmed"])
def macros(request):
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=request.param,
        lstrip_blocks=request.param,
    )
    return env.get_template("wiki/_diff.html").module


OLD = "Intro\nThe <script>alert(1)</script> quick fox\n  indented  line\nremoved line\n"
NEW = "Intro\nThe <script>alert(2)</script> slow fox\n  indented  line\n"


class Balanced(HTMLParser):
    """Fails on an end tag that does not close the element open at that point."""

    VOID = frozenset({"br", "hr", "img", "input", "meta", "link"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag, f"</{tag}> closes another element"


def assert_balanced(markup: str) -> None:
    parser = Balanced()
    parser.feed(markup)
    parser.close()
    assert parser.open == []


def text_cells(markup: str) -> list[str]:
    """The text of each line cell as a sighted reader sees it: hidden labels and tags removed."""
    cells = re.findall(r'<td class="[^"]*polka-diff__text[^"]*">(.*?)</td>', markup, flags=re.S)
    visible = [re.sub(r'<span class="govuk-visually-hidden">.*?</span>', "", cell) for cell in cells]
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in visible]


@pytest.mark.parametrize("macro", ["side_by_side", "inline"])
def test_the_diff_macros_escape_the_texts_and_labels(macros, macro):
    markup = str(getattr(macros, macro)(diff_texts(OLD, NEW), "Revision <b>1</b>", "Revision 2"))
    assert "<script" not in markup
    assert "<b>" not in markup
    assert "&lt;script&gt;alert(" in markup
    assert "Revision &lt;b&gt;1&lt;/b&gt;" in markup
    assert_balanced(markup)


@pytest.mark.parametrize("macro", ["side_by_side", "inline"])
def test_the_diff_macros_mark_changes_for_eyes_and_screen_readers(macros, macro):
    markup = str(getattr(macros, macro)(diff_texts(OLD, NEW), "Revision 1", "Revision 2"))
    hidden = '<span class="govuk-visually-hidden">'
    assert (
        f'<del class="polka-diff__word">{hidden}Removed: </span>quick{hidden} (end of removal)</span></del>'
        in markup
    )
    assert (
        f'<ins class="polka-diff__word">{hidden}Added: </span>slow{hidden} (end of addition)</span></ins>'
        in markup
    )
    assert f'<del class="polka-diff__line">{hidden}Removed: </span>removed line</del>' in markup
    assert 'role="region"' in markup
    assert 'tabindex="0"' in markup


@pytest.mark.parametrize("macro", ["side_by_side", "inline"])
def test_the_diff_macros_keep_each_line_exactly_as_written(macros, macro):
    markup = str(getattr(macros, macro)(diff_texts(OLD, NEW), "Revision 1", "Revision 2"))
    cells = text_cells(markup)
    assert "  indented  line" in cells
    assert "The <script>alert(1)</script> quick fox" in cells
    assert "The <script>alert(2)</script> slow fox" in cells
    assert all("\n" not in cell for cell in cells)


def test_side_by_side_has_a_hidden_caption_and_the_four_column_headers(macros):
    markup = str(macros.side_by_side(diff_texts(OLD, NEW), "Revision 1", "Revision 2"))
    assert re.search(
        r'<caption class="[^"]*govuk-visually-hidden[^"]*">Changes from Revision 1 to Revision 2', markup
    )
    headers = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', markup)
    assert headers == ["Line", "Revision 1", "Line", "Revision 2"]
    # The missing side of an added or removed line is an empty cell (no stray white space).
    assert '<td class="govuk-table__cell polka-diff__text polka-diff__text--empty"></td>' in markup


def test_folded_lines_show_how_many_are_hidden(macros):
    old = text(numbered(20))
    new = text([*numbered(19), "changed"])
    assert "16 unchanged lines</td>" in str(macros.side_by_side(diff_texts(old, new), "A", "B"))
    assert "16 unchanged lines</td>" in str(macros.inline(diff_texts(old, new), "A", "B"))


@pytest.mark.parametrize("macro", ["side_by_side", "inline"])
def test_identical_versions_say_so_instead_of_a_table(macros, macro):
    markup = str(getattr(macros, macro)(diff_texts("same\n", "same"), "Revision 1", "Revision 2"))
    assert markup.strip() == '<p class="govuk-body">These versions are the same.</p>'
