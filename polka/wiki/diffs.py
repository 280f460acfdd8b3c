"""Line diffs for showing what changed between two versions of a text, with changed words marked.

``diff_texts`` pairs the lines of a replaced block (the first old line with the first new line, and
so on; extra lines are added or removed), marks the changed words within each pair, and folds long
unchanged runs into "skip" rows. Line endings do not count: CRLF, CR and LF are the same, and a
final newline adds no line. Work is bounded so that a 10,000-line page diffs quickly even when every
line changed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

RowKind = Literal["same", "changed", "added", "removed", "skip"]

#: How many places of repeated lines one search pass of the line matcher may look at.
LINE_MATCH_BUDGET = 500_000
#: Lines longer than this are marked as changed as a whole: word matching on them costs too much.
WORD_DIFF_MAX_LINE = 2_000
#: Characters of changed lines (old and new) compared word by word in one diff; past this budget,
#: changed lines are marked as a whole, so a rewrite of a huge page costs no more than a small edit.
WORD_DIFF_BUDGET = 100_000
#: Paired lines sharing less than this fraction of their non-space text are marked as a whole:
#: scattered common words ("the", ",") between unrelated lines are noise, not information.
WORD_DIFF_MIN_SHARED = 0.3

# A word (letters, digits, underscore in any script), a run of spaces, or one punctuation mark.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    """A run of a line's text, marked if it changed."""

    text: str
    changed: bool


@dataclass(frozen=True)
class Line:
    """One line of one version: its 1-based number there and its text in segments."""

    number: int
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class Row:
    """One row of a diff: a line in either version or both, or a run of hidden unchanged lines."""

    kind: RowKind
    old: Line | None
    new: Line | None
    #: for "skip" rows: how many unchanged lines are hidden here
    skipped: int = 0


@dataclass(frozen=True)
class Diff:
    """The rows to show, and how many lines were added and removed (a changed line counts as both)."""

    rows: tuple[Row, ...]
    added: int
    removed: int
    identical: bool

    def inline_rows(self) -> tuple[Row, ...]:
        """The rows for one column: each run of changes as its old lines, then its new lines.

        A "changed" row becomes two: one with only its old line, then (after the other old lines of
        the run) one with only its new line.
        """
        rows: list[Row] = []
        old: list[Row] = []
        new: list[Row] = []
        for row in self.rows:
            if row.kind in ("same", "skip"):
                rows += old + new
                old, new = [], []
                rows.append(row)
                continue
            if row.old is not None:
                old.append(Row(row.kind, row.old, None))
            if row.new is not None:
                new.append(Row(row.kind, None, row.new))
        return tuple(rows + old + new)


def normalise_newlines(text: str) -> str:
    """Return ``text`` with CRLF and lone CR line endings turned into LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def split_lines(text: str) -> list[str]:
    """Split ``text`` into lines without their endings; a final newline adds no empty line."""
    text = normalise_newlines(text)
    if not text:
        return []
    if text.endswith("\n"):
        text = text[:-1]
    # Only "\n" ends a line: str.splitlines would also split on form feeds and U+2028, which a
    # Markdown source keeps inside its lines.
    return text.split("\n")


def _line_matcher(a: list[str], b: list[str]) -> SequenceMatcher[str]:
    """A SequenceMatcher whose search is bounded, even on pages made of a few lines repeated."""
    # Each search pass of SequenceMatcher looks at every place a line of ``a`` occurs in ``b``,
    # except for lines its "autojunk" rule ignores (those making up over 1% of a ``b`` of 200 lines
    # or more). Ordinary pages cost little; a page of a few hundred lines each repeated just under
    # that limit costs thousands of times more. Over budget, lines repeated more than a few times
    # stop being anchors; the matcher still extends matches over them, so unchanged runs stay whole.
    counts = Counter(b)
    popular = len(b) // 100 + 1 if len(b) >= 200 else len(b)
    places = sum(counts[line] for line in a if 0 < counts.get(line, 0) <= popular)
    if places <= LINE_MATCH_BUDGET:
        return SequenceMatcher(None, a, b)
    most = max(1, LINE_MATCH_BUDGET // len(a))
    frequent = {line for line, count in counts.items() if count > most}
    return SequenceMatcher(frequent.__contains__, a, b)


def matching_blocks(a: Sequence[str], b: Sequence[str]) -> list[tuple[int, int, int]]:
    """Return ``(i, j, size)`` runs with ``a[i:i + size] == b[j:j + size]``, in order, none empty."""
    n, m = len(a), len(b)
    shortest = min(n, m)
    head = 0
    while head < shortest and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < shortest - head and a[n - 1 - tail] == b[m - 1 - tail]:
        tail += 1
    blocks = [(0, 0, head)] if head else []
    # Most edits touch a small part of a page: matching only the middle keeps the work
    # proportional to the edit.
    middle_a, middle_b = list(a[head : n - tail]), list(b[head : m - tail])
    if middle_a and middle_b:
        matcher = _line_matcher(middle_a, middle_b)
        blocks.extend((head + i, head + j, size) for i, j, size in matcher.get_matching_blocks() if size)
    if tail:
        blocks.append((n - tail, m - tail, tail))
    return _joined(blocks)


def _joined(blocks: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Merge blocks that continue one another, so that unchanged runs are never split in two."""
    joined: list[tuple[int, int, int]] = []
    for i, j, size in blocks:
        if joined and joined[-1][0] + joined[-1][2] == i and joined[-1][1] + joined[-1][2] == j:
            joined[-1] = (joined[-1][0], joined[-1][1], joined[-1][2] + size)
        else:
            joined.append((i, j, size))
    return joined


def _line_opcodes(a: Sequence[str], b: Sequence[str]) -> Iterator[tuple[str, int, int, int, int]]:
    """Yield ``(tag, i1, i2, j1, j2)`` like difflib's opcodes: equal, replace, delete or insert."""
    i = j = 0
    for block_i, block_j, size in [*matching_blocks(a, b), (len(a), len(b), 0)]:
        if i < block_i and j < block_j:
            yield "replace", i, block_i, j, block_j
        elif i < block_i:
            yield "delete", i, block_i, j, j
        elif j < block_j:
            yield "insert", i, i, j, block_j
        if size:
            yield "equal", block_i, block_i + size, block_j, block_j + size
        i, j = block_i + size, block_j + size


def _whole(text: str, changed: bool) -> tuple[Segment, ...]:
    return (Segment(text, changed),) if text else ()


def _join(parts: list[tuple[str, bool]]) -> tuple[Segment, ...]:
    """Merge neighbouring parts with the same mark, so that a change reads as whole words.

    Spaces between two changes count as changed; spaces at either end of a change do not.
    """
    for k in range(1, len(parts) - 1):
        text, changed = parts[k]
        if not changed and text.isspace() and parts[k - 1][1] and parts[k + 1][1]:
            parts[k] = (text, True)
    trimmed: list[tuple[str, bool]] = []
    for text, changed in parts:
        core = text.strip()
        if not changed or not core:
            trimmed.append((text, changed))
            continue
        start = text.index(core)
        trimmed += [(text[:start], False), (core, True), (text[start + len(core) :], False)]
    segments: list[Segment] = []
    for text, changed in trimmed:
        if not text:
            continue
        if segments and segments[-1].changed == changed:
            segments[-1] = Segment(segments[-1].text + text, changed)
        else:
            segments.append(Segment(text, changed))
    return tuple(segments)


def _most_shared(a: list[str], b: list[str]) -> int:
    """How many non-space characters the two token lists share, ignoring order (an upper bound)."""
    common = Counter(token for token in a if not token.isspace()) & Counter(b)
    return sum(len(token) * count for token, count in common.items())


def word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Split two versions of a line into segments, marking the words that differ."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    longest = max(len("".join(old.split())), len("".join(new.split())))
    if longest and _most_shared(a, b) < WORD_DIFF_MIN_SHARED * longest:
        # Cheap test first: the words the lines have in common, in any order, are too few.
        return _whole(old, True), _whole(new, True)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    old_parts: list[tuple[str, bool]] = []
    new_parts: list[tuple[str, bool]] = []
    shared = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        changed = tag != "equal"
        if i1 < i2:
            old_parts.append(("".join(a[i1:i2]), changed))
        if j1 < j2:
            new_parts.append(("".join(b[j1:j2]), changed))
        if not changed:
            shared += sum(len(token) for token in a[i1:i2] if not token.isspace())
    if longest and shared < WORD_DIFF_MIN_SHARED * longest:
        return _whole(old, True), _whole(new, True)
    return _join(old_parts), _join(new_parts)


class _Budget:
    """How many more characters may be compared word by word in this diff."""

    def __init__(self, chars: int) -> None:
        self.left = chars

    def segments(self, old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
        cost = len(old) + len(new)
        if max(len(old), len(new)) > WORD_DIFF_MAX_LINE or cost > self.left:
            return _whole(old, True), _whole(new, True)
        self.left -= cost
        return word_segments(old, new)


def _same(a: Sequence[str], i: int, j: int) -> Row:
    return Row("same", Line(i + 1, _whole(a[i], False)), Line(j + 1, _whole(a[i], False)))


def _unchanged(
    a: Sequence[str], i1: int, i2: int, j1: int, *, first: bool, last: bool, context: int
) -> Iterator[Row]:
    """Rows for an unchanged run, folding all but ``context`` lines next to each change if it is long."""
    length = i2 - i1
    if length <= 2 * context:
        for k in range(length):
            yield _same(a, i1 + k, j1 + k)
        return
    before = 0 if first else context  # lines kept after the change above
    after = 0 if last else context  # lines kept before the change below
    for k in range(before):
        yield _same(a, i1 + k, j1 + k)
    yield Row("skip", None, None, skipped=length - before - after)
    for k in range(length - after, length):
        yield _same(a, i1 + k, j1 + k)


def diff_texts(old: str, new: str, *, context: int = 3) -> Diff:
    """Compare two texts line by line for display, keeping ``context`` unchanged lines around changes.

    Raises ``ValueError`` if ``context`` is negative.
    """
    if context < 0:
        raise ValueError("context must not be negative")
    a, b = split_lines(old), split_lines(new)
    if a == b:
        return Diff(rows=(), added=0, removed=0, identical=True)
    budget = _Budget(WORD_DIFF_BUDGET)
    rows: list[Row] = []
    added = removed = 0
    for tag, i1, i2, j1, j2 in _line_opcodes(a, b):
        if tag == "equal":
            first, last = (i1, j1) == (0, 0), (i2, j2) == (len(a), len(b))
            rows.extend(_unchanged(a, i1, i2, j1, first=first, last=last, context=context))
            continue
        pairs = min(i2 - i1, j2 - j1)
        for k in range(pairs):
            old_segments, new_segments = budget.segments(a[i1 + k], b[j1 + k])
            rows.append(Row("changed", Line(i1 + k + 1, old_segments), Line(j1 + k + 1, new_segments)))
        for i in range(i1 + pairs, i2):
            rows.append(Row("removed", Line(i + 1, _whole(a[i], True)), None))
        for j in range(j1 + pairs, j2):
            rows.append(Row("added", None, Line(j + 1, _whole(b[j], True))))
        removed += i2 - i1
        added += j2 - j1
    return Diff(rows=tuple(rows), added=added, removed=removed, identical=False)
