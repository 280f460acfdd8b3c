"""Three-way merge of texts line by line, for an edit saved after someone else saved the same page.

``base`` is the version both people started from, ``ours`` the text of the person saving now and
``theirs`` the version someone else saved in between. The parts of ``base`` that neither changed
anchor the merge; between two anchors the result takes whichever side changed there, either side if
both made the same change, and otherwise marks a conflict showing both. Line endings do not count
(CRLF and CR read as LF; the result uses LF), and a final newline is merged like any other change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from polka.wiki.diffs import matching_blocks, normalise_newlines, split_lines

OURS_MARKER = "<<<<<<< your edit"
SEPARATOR = "======="
THEIRS_MARKER = ">>>>>>> saved by someone else"


@dataclass(frozen=True)
class MergeResult:
    """The merged text; when not clean, each conflicting region carries both versions between markers."""

    text: str
    clean: bool
    conflicts: int


def _positions(base: Sequence[str], other: Sequence[str]) -> list[int]:
    """For each line of ``base``, where it sits unchanged in ``other``, or -1 if it does not."""
    where = [-1] * len(base)
    for i, j, size in matching_blocks(base, other):
        where[i : i + size] = range(j, j + size)
    return where


def _chunks(
    base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]
) -> Iterator[tuple[Sequence[str], Sequence[str], Sequence[str]]]:
    """Split the three texts into aligned chunks: stable ones (all three equal) between unstable ones."""
    in_ours, in_theirs = _positions(base, ours), _positions(base, theirs)
    i = j = k = 0  # where we are in base, ours and theirs
    while True:
        run = 0
        while i + run < len(base) and in_ours[i + run] == j + run and in_theirs[i + run] == k + run:
            run += 1
        if run:
            yield base[i : i + run], ours[j : j + run], theirs[k : k + run]
            i, j, k = i + run, j + run, k + run
            continue
        # The next base line that both sides kept ends the unstable chunk. Matches keep their
        # order, so it sits at or after j and k. If it is the base line we are at, one side
        # inserted lines before it (else this would be a stable run), so the chunk still moves on.
        anchor = next((x for x in range(i, len(base)) if in_ours[x] >= 0 and in_theirs[x] >= 0), None)
        if anchor is None:
            if i < len(base) or j < len(ours) or k < len(theirs):
                yield base[i:], ours[j:], theirs[k:]
            return
        yield base[i:anchor], ours[j : in_ours[anchor]], theirs[k : in_theirs[anchor]]
        i, j, k = anchor, in_ours[anchor], in_theirs[anchor]


def _conflict(ours: Sequence[str], theirs: Sequence[str]) -> list[str]:
    """Both versions between markers, with the lines they share at either end kept outside."""
    head = 0
    while head < min(len(ours), len(theirs)) and ours[head] == theirs[head]:
        head += 1
    tail = 0
    while tail < min(len(ours), len(theirs)) - head and ours[-1 - tail] == theirs[-1 - tail]:
        tail += 1
    return [
        *ours[:head],
        OURS_MARKER,
        *ours[head : len(ours) - tail],
        SEPARATOR,
        *theirs[head : len(theirs) - tail],
        THEIRS_MARKER,
        *ours[len(ours) - tail :],
    ]


def _ends_with_newline(text: str) -> bool:
    return normalise_newlines(text).endswith("\n")


def merge3(base: str, ours: str, theirs: str) -> MergeResult:
    """Merge the edits ``ours`` and ``theirs`` made to ``base``, marking the parts where they clash."""
    lines: list[str] = []
    conflicts = 0
    for base_part, ours_part, theirs_part in _chunks(
        split_lines(base), split_lines(ours), split_lines(theirs)
    ):
        if ours_part == theirs_part or theirs_part == base_part:
            lines.extend(ours_part)
        elif ours_part == base_part:
            lines.extend(theirs_part)
        else:
            lines.extend(_conflict(ours_part, theirs_part))
            conflicts += 1
    # Whether the text ends with a newline is merged on its own, so adding or dropping the final
    # newline on one side never clashes with an edit to the last line on the other.
    base_end, ours_end, theirs_end = (_ends_with_newline(text) for text in (base, ours, theirs))
    final_newline = theirs_end if ours_end == base_end else ours_end
    text = "\n".join(lines) + ("\n" if lines and final_newline else "")
    return MergeResult(text=text, clean=conflicts == 0, conflicts=conflicts)
