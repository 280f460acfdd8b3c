"""Exact document sets read straight from Whoosh's postings, and each document's facet values.

Counting every match (for totals and facets) through Whoosh's matchers costs a Python call per posting,
and decoding word positions besides; on 50,000 documents that is slower than the search itself. Here a
term's documents are read a posting block at a time from fields without positions (the ``terms``
field, the ID fields), which is several times faster, and set algebra does the rest in C.

These functions read Whoosh's on-disk block format (``whoosh.codec.whoosh3``) directly; anything they
do not recognise falls back to Whoosh's own, slower, iteration. Both give the same answer.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable
from itertools import accumulate, chain
from typing import Any

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound

from polka.search.backend import FACETS

#: Per-segment facet values kept for this many segments (segments never change once written).
SEGMENT_CACHE = 256
_SINGLE = ("kind", "community", "organisation")


def posting_ids(matcher: Any) -> list[int]:
    """Every document number of a fresh leaf matcher, a block at a time where possible."""
    if isinstance(matcher, W3LeafMatcher):
        found: list[int] = []
        while True:
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            found.extend(ids if matcher._byteids else accumulate(ids))
            if matcher._lastblock:
                return found
            matcher._goto(matcher._nextoffset)
    return list(matcher.all_ids())


def leaf_term_ids(leaf: Any, field: str, text: object) -> list[int]:
    """The live documents of one segment holding ``text`` in ``field`` (segment numbers)."""
    if (field, text) not in leaf:
        return []
    try:
        matcher = leaf.postings(field, text)
    except TermNotFound:
        return []
    if isinstance(matcher, FilterMatcher):  # the segment has deleted documents
        deleted = leaf.deleted_docs_set
        return [docnum for docnum in posting_ids(matcher.child) if docnum not in deleted]
    return posting_ids(matcher)


def term_docs(searcher: Any, field: str, texts: Iterable[object]) -> set[int]:
    """The documents holding any of ``texts`` in ``field`` (index-wide numbers; texts as Whoosh
    takes them for the field: strings, or True for a boolean)."""
    found: set[int] = set()
    texts = list(texts)
    for leaf, offset in searcher.reader().leaf_readers():
        if not leaf.doc_count_all():
            continue
        for text in texts:
            ids = leaf_term_ids(leaf, field, text)
            found.update(map(offset.__add__, ids) if offset else ids)
    return found


def phrase_docs(searcher: Any, field: str, words: tuple[str, ...], candidates: set[int]) -> set[int]:
    """Those of ``candidates`` holding ``words`` one after another in ``field``.

    Only the candidates' positions are read. (Whoosh's own phrase matcher checks positions in every
    document holding all the words while it looks for the next match, allowed or not.)
    """
    found: set[int] = set()
    ordered = sorted(candidates)
    for leaf, offset in searcher.reader().leaf_readers():
        start = bisect_left(ordered, offset)
        end = bisect_left(ordered, offset + leaf.doc_count_all())
        if start == end or not all((field, word) in leaf for word in words):
            continue
        matchers = [leaf.postings(field, word) for word in words]
        for docnum in ordered[start:end]:
            local = docnum - offset
            positions = []
            for matcher in matchers:
                if matcher.is_active() and matcher.id() < local:
                    matcher.skip_to(local)
                if not matcher.is_active() or matcher.id() != local:
                    break
                positions.append(matcher.value_as("positions"))
            else:
                if _in_a_row(positions):
                    found.add(docnum)
            if not all(matcher.is_active() for matcher in matchers):
                break
    return found


def _in_a_row(positions: list[Any]) -> bool:
    """Whether some position of the first word is followed by the others, one position apart."""
    following = [set(each) for each in positions[1:]]
    return any(
        all(first + step in later for step, later in enumerate(following, start=1)) for first in positions[0]
    )


class _SegmentValues:
    """One segment's per-document facet values and update times, by segment document number."""

    def __init__(self, leaf: Any) -> None:
        size = leaf.doc_count_all()
        self.single: dict[str, list[str | None]] = {}
        for field in _SINGLE:
            values: list[str | None] = [None] * size
            for value in leaf.field_terms(field):
                for docnum in leaf_term_ids(leaf, field, value):
                    values[docnum] = value
            self.single[field] = values
        self.tags: list[tuple[str, ...]] = [()] * size
        for value in leaf.field_terms("tags"):
            for docnum in leaf_term_ids(leaf, "tags", value):
                self.tags[docnum] = (*self.tags[docnum], value)
        self.updated: list[int] = list(leaf.column_reader("updated_at", translate=False)) if size else []


_segments: OrderedDict[tuple[str, str], _SegmentValues] = OrderedDict()
_segments_lock = threading.Lock()


def _segment_values(generation: str, leaf: Any) -> _SegmentValues:
    key = (generation, leaf.segment().segment_id())
    with _segments_lock:
        found = _segments.get(key)
        if found is not None:
            _segments.move_to_end(key)
            return found
    found = _SegmentValues(leaf)
    with _segments_lock:
        _segments[key] = found
        while len(_segments) > SEGMENT_CACHE:
            _segments.popitem(last=False)
    return found


class Values:
    """Every document's facet values and update time by index-wide document number, so facets are
    counted and dates sorted without reading stored fields. Segments' values are cached across
    searchers: a commit that adds a small segment costs only that segment."""

    def __init__(self, generation: str, searcher: Any) -> None:
        self.single: dict[str, list[str | None]] = {field: [] for field in _SINGLE}
        self.tags: list[tuple[str, ...]] = []
        self.updated: list[int] = []
        for leaf, offset in searcher.reader().leaf_readers():
            if not leaf.doc_count_all():
                continue
            segment = _segment_values(generation, leaf)
            assert len(self.updated) == offset, "segments are numbered in order"
            for field in _SINGLE:
                self.single[field].extend(segment.single[field])
            self.tags.extend(segment.tags)
            self.updated.extend(segment.updated)

    def facets(self, docnums: Iterable[int]) -> dict[str, dict[str, int]]:
        """Counts per facet value over ``docnums`` (facet name -> value -> count, most first)."""
        docnums = docnums if isinstance(docnums, list | set | frozenset) else list(docnums)
        counts: dict[str, dict[str, int]] = {}
        for name in FACETS:
            found: Counter[str | None]
            if name == "tag":
                found = Counter(chain.from_iterable(map(self.tags.__getitem__, docnums)))
            else:
                found = Counter(map(self.single[name].__getitem__, docnums))
                found.pop(None, None)
            counts[name] = {str(value): count for value, count in found.most_common()}
        return counts
