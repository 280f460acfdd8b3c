"""merge3: edits to different parts merge cleanly, clashing edits are marked, nothing is lost."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from polka.wiki.merge import OURS_MARKER, SEPARATOR, THEIRS_MARKER, MergeResult, merge3

PAGE = """# Case study

## Problem
Burglaries rose in the north of the county.

## Approach
Officers visited every street.

## Outcome
Burglaries fell by a third.
"""


def conflict(ours: str, theirs: str) -> str:
    """The lines of one conflict region, as merge3 writes it."""
    return f"{OURS_MARKER}\n{ours}{SEPARATOR}\n{theirs}{THEIRS_MARKER}\n"


def test_edits_in_different_sections_merge_cleanly():
    ours = PAGE.replace("in the north of the county", "in the north and east of the county")
    theirs = PAGE.replace("fell by a third", "fell by 35%")
    result = merge3(PAGE, ours, theirs)
    assert result == MergeResult(
        text=PAGE.replace("in the north of the county", "in the north and east of the county").replace(
            "fell by a third", "fell by 35%"
        ),
        clean=True,
        conflicts=0,
    )


def test_an_insertion_and_a_distant_deletion_merge_cleanly():
    ours = PAGE.replace("## Approach\n", "## Approach\nA new first step.\n")
    theirs = PAGE.replace("\n## Outcome\nBurglaries fell by a third.\n", "")
    result = merge3(PAGE, ours, theirs)
    assert result.clean
    assert result.text == theirs.replace("## Approach\n", "## Approach\nA new first step.\n")


def test_both_inserting_at_the_same_place_conflicts():
    result = merge3("a\nb\n", "a\nmine\nb\n", "a\ntheirs\nb\n")
    assert result == MergeResult(
        text="a\n" + conflict("mine\n", "theirs\n") + "b\n", clean=False, conflicts=1
    )


def test_both_changing_the_same_line_differently_conflicts():
    result = merge3("a\nb\nc\n", "a\nB1\nc\n", "a\nB2\nc\n")
    assert result.text == "a\n" + conflict("B1\n", "B2\n") + "c\n"
    assert (result.clean, result.conflicts) == (False, 1)


def test_identical_edits_on_both_sides_are_clean():
    edited = PAGE.replace("every street", "every street twice")
    assert merge3(PAGE, edited, edited) == MergeResult(text=edited, clean=True, conflicts=0)


def test_deleting_a_line_the_other_side_edited_conflicts():
    result = merge3("a\nb\nc\n", "a\nc\n", "a\nb edited\nc\n")
    assert result.text == "a\n" + conflict("", "b edited\n") + "c\n"
    assert result.conflicts == 1


def test_edits_to_neighbouring_lines_conflict():
    # With no unchanged line between them there is nothing to anchor the two edits apart.
    result = merge3("a\nb\n", "A\nb\n", "a\nB\n")
    assert result.text == conflict("A\nb\n", "a\nB\n")


def test_each_clashing_region_counts_as_one_conflict():
    result = merge3(
        PAGE, PAGE.replace("north", "south"), PAGE.replace("north", "west").replace("third", "half")
    )
    # "third" changed on one side only; the two edits of "north" clash.
    assert result.conflicts == 1
    assert "Burglaries fell by a half." in result.text
    both = merge3(
        PAGE,
        PAGE.replace("north", "south").replace("third", "quarter"),
        PAGE.replace("north", "west").replace("third", "half"),
    )
    assert (both.clean, both.conflicts) == (False, 2)
    assert both.text.count(OURS_MARKER) == both.text.count(THEIRS_MARKER) == 2


def test_a_conflict_keeps_both_versions_whole():
    ours = PAGE.replace("Officers visited every street.", "Officers visited every street.\nThen they wrote.")
    theirs = PAGE.replace("Officers visited every street.", "PCSOs visited every house.")
    text = merge3(PAGE, ours, theirs).text
    assert (
        conflict("Officers visited every street.\nThen they wrote.\n", "PCSOs visited every house.\n") in text
    )
    assert text.startswith("# Case study\n")
    assert text.endswith("## Outcome\nBurglaries fell by a third.\n")


def test_lines_both_sides_added_at_the_edges_of_a_conflict_stay_outside_the_markers():
    result = merge3("a\nz\n", "a\nsame\nmine\nend\nz\n", "a\nsame\ntheirs\nend\nz\n")
    assert result.text == "a\nsame\n" + conflict("mine\n", "theirs\n") + "end\nz\n"


def test_an_empty_base_with_one_side_writing_takes_that_side():
    assert merge3("", "", "written\n") == MergeResult(text="written\n", clean=True, conflicts=0)
    assert merge3("", "written\n", "") == MergeResult(text="written\n", clean=True, conflicts=0)


def test_an_empty_base_with_both_sides_writing_differently_conflicts():
    result = merge3("", "mine\n", "theirs\n")
    assert result == MergeResult(text=conflict("mine\n", "theirs\n"), clean=False, conflicts=1)


def test_everything_empty_merges_to_empty():
    assert merge3("", "", "") == MergeResult(text="", clean=True, conflicts=0)


def test_both_sides_deleting_everything_is_clean():
    assert merge3(PAGE, "", "") == MergeResult(text="", clean=True, conflicts=0)


def test_a_text_without_a_final_newline_merges_without_gaining_one():
    result = merge3("a\nb\nc", "A\nb\nc", "a\nb\nC")
    assert result == MergeResult(text="A\nb\nC", clean=True, conflicts=0)


def test_adding_the_final_newline_does_not_clash_with_an_edit_to_the_last_line():
    assert merge3("a\nb\nc", "a\nb\nc\n", "a\nb\nC").text == "a\nb\nC\n"
    assert merge3("a\nb\nc\n", "a\nb\nC\n", "a\nb\nc").text == "a\nb\nC"


def test_crlf_line_endings_are_read_as_lf():
    base = PAGE.replace("\n", "\r\n")
    ours = PAGE.replace("north", "north-east")  # saved with LF
    theirs = base.replace("a third", "half")  # saved with CRLF
    result = merge3(base, ours, theirs)
    assert result == MergeResult(
        text=PAGE.replace("north", "north-east").replace("a third", "half"), clean=True, conflicts=0
    )


def test_a_change_of_line_endings_alone_is_no_change():
    result = merge3(PAGE, PAGE.replace("\n", "\r\n"), PAGE.replace("third", "half"))
    assert result == MergeResult(text=PAGE.replace("third", "half"), clean=True, conflicts=0)


def test_unicode_text_merges_line_by_line():
    base = "Café rota\nHeddlu Gogledd Cymru\n警察\nend\n"
    ours = "Café rota ☕\nHeddlu Gogledd Cymru\n警察\nend\n"
    theirs = "Café rota\nHeddlu Gogledd Cymru\n警察 👮\nend\n"
    assert merge3(base, ours, theirs) == MergeResult(
        text="Café rota ☕\nHeddlu Gogledd Cymru\n警察 👮\nend\n", clean=True, conflicts=0
    )


def test_unicode_line_separators_are_not_line_breaks():
    # Only "\n" (and CR) end lines; U+2028 and form feeds stay inside the line they are in.
    base = "one\u2028still one\nmiddle\fstill middle\nlast\n"
    result = merge3(base, base.replace("last", "final"), base.replace("one\u2028", "1\u2028"))
    assert result == MergeResult(
        text="1\u2028still one\nmiddle\fstill middle\nfinal\n", clean=True, conflicts=0
    )


# Property tests: texts made of a few short lines, so that the sides share lines often.
LINES = st.lists(st.sampled_from(["a", "b", "c", "", "a b", "## H", "ü"]), max_size=12)
TEXTS = st.builds(lambda lines, end: "\n".join(lines) + ("\n" if lines and end else ""), LINES, st.booleans())


@given(TEXTS, TEXTS)
def test_when_only_ours_changed_the_merge_is_ours(base, ours):
    assert merge3(base, ours, base) == MergeResult(text=ours, clean=True, conflicts=0)


@given(TEXTS, TEXTS)
def test_when_only_theirs_changed_the_merge_is_theirs(base, theirs):
    assert merge3(base, base, theirs) == MergeResult(text=theirs, clean=True, conflicts=0)


@given(TEXTS, TEXTS)
def test_when_both_made_the_same_change_the_merge_is_that_change(base, edited):
    assert merge3(base, edited, edited) == MergeResult(text=edited, clean=True, conflicts=0)


@given(TEXTS, TEXTS, TEXTS)
def test_swapping_the_sides_changes_only_the_order_inside_conflicts(base, ours, theirs):
    forward, backward = merge3(base, ours, theirs), merge3(base, theirs, ours)
    assert (forward.clean, forward.conflicts) == (backward.clean, backward.conflicts)
    if forward.clean:
        assert forward.text == backward.text


@given(TEXTS, TEXTS, TEXTS)
def test_a_clean_merge_has_no_markers_and_a_conflict_has_matching_ones(base, ours, theirs):
    result = merge3(base, ours, theirs)
    lines = result.text.split("\n")
    assert (
        lines.count(OURS_MARKER) == lines.count(SEPARATOR) == lines.count(THEIRS_MARKER) == result.conflicts
    )
    assert result.clean == (result.conflicts == 0)


@given(st.text(), st.text())
def test_any_text_survives_a_merge_with_no_other_change(base, ours):
    expected = ours.replace("\r\n", "\n").replace("\r", "\n")
    assert merge3(base, ours, base).text == expected
    assert merge3(base, base, ours).text == expected
