"""A parsed query as PostgreSQL ``tsquery`` text, and documents as ``tsvector`` text, both made from
the words ``polka.search.analysis`` gives, so the database compares exactly what POLKA split and stemmed.

A document's vector holds its title (weight ``A``), where it lives (``C``) and its body (``D``) one
after another, a position apart more than the words of one field, so a phrase is found inside one field
but never across two. A query part becomes: a stem (``'meet'``), a prefix (``'polic':*``, and the stems
of words starting with it whose stems are shorter: "investigat*" finds "investigation", stem
"investig"), a phrase (``'to' <-> 'be' <-> 'confirm'``); ``title:`` restricts each to weight ``A``.

Reading a vector's positions and weights is slow for many documents (a GIN index holds neither, so it
finds candidates and each is checked), so a document also has *terms*, indexed exactly: its stems,
its pairs of adjacent words within a field, and its title's stems and pairs marked apart
(``Vectors.terms``). Words, prefixes, phrases of two words and ``title:`` are then found by the index
alone; a longer phrase is found by its pairs and checked against the vector (``Check``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise
from math import ceil
from typing import NamedTuple

from polka.search.analysis import query_stems, stem, words
from polka.search.backend import PARTIAL_SHARE
from polka.search.documents import SearchDocument
from polka.search.query import AnyOf, Not, Part, Phrase, Query, Word, format_query
from polka.search.snippets import Marks

#: Each text field and its weight in a document's vector: title, where it lives, body.
FIELD_WEIGHTS = (("title", "A"), ("context", "C"), ("body", "D"))
#: PostgreSQL keeps positions up to this number (later words share it: phrases of three words or more
#: are found in the first 16,383 words of a document; plain words and two-word phrases, by the terms,
#: anywhere) …
MAX_POSITION = 16_383
#: … and at most this many positions of one word.
MAX_POSITIONS = 256
#: A vector is at most 1 MB: beyond about this many bytes, no new word is added (positions still are).
VECTOR_BUDGET = 900_000
#: The body words a document's lead holds (what ranks it: ``vectors``).
LEAD_WORDS = 100
#: About the most bytes of a document's terms (a vector is at most 1 MB): pairs beyond are left out.
TERMS_BUDGET = 950_000
#: Marks a title term (``'=custodi'``): a word is letters and digits only, so none starts with it.
TITLE = "="
#: Marks a pair of words (``'~custodi suit'``, in a title ``'=~custodi suit'``), so that a prefix
#: (``'custod':*``, ``'=custod':*``) runs over stems only, not over every pair a stem begins.
PAIR = "~"
#: The term of a document whose terms are not ``complete``.
INCOMPLETE = "+incomplete"


def lexeme(text: str) -> str:
    """``text`` quoted as one lexeme of ``tsvector`` or ``tsquery`` input."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


class Vectors(NamedTuple):
    """A document as ``tsvector`` texts (``vectors``)."""

    #: Every stem with its positions and field weights (phrases longer than two words are checked here).
    full: str
    #: The same for the title, where it lives and the first ``LEAD_WORDS`` of the body: what ranks.
    lead: str
    #: The exact index's terms, without positions: every stem, every pair of adjacent words within a
    #: field (``'~custodi suit'``) and the title's stems and pairs again marked as such
    #: (``'=~custodi suit'``): phrases of two words and ``title:`` are found from the index alone.
    terms: str
    #: Whether ``terms`` holds every pair and title term (else it holds ``INCOMPLETE``, and a phrase or
    #: ``title:`` match is checked against ``full``): false only for a document with more words than
    #: fit (``VECTOR_BUDGET``, ``TERMS_BUDGET``). Pairs are kept beyond the positions a vector keeps
    #: (``MAX_POSITION``, ``MAX_POSITIONS``): a phrase of two words is found anywhere.
    complete: bool


def vectors(document: SearchDocument) -> Vectors:
    """The document's words as ``tsvector`` input (see ``Vectors``)."""
    positions: dict[str, list[int]] = {}
    weights: dict[tuple[str, int], str] = {}
    marked: dict[str, None] = {}  # pairs and title terms, in order
    at, size, lead_end, complete = 0, 0, 0, True
    for field, weight in FIELD_WEIGHTS:  # the body last: the lead ends within it
        lead_end = at + LEAD_WORDS
        before: str | None = None
        for word in words(getattr(document, field)):
            at += 1
            found = stem(word)
            place = positions.get(found)
            if place is None:
                if size > VECTOR_BUDGET:
                    complete, before = False, None
                    continue
                place = positions[found] = []
                size += len(found.encode("utf-8")) + 8
            # Only of stems the vector holds (a document too big for its words is ``complete`` no more).
            if field == "title":
                marked.setdefault(TITLE + found)
            if before is not None:
                pair = f"{PAIR}{before} {found}"
                marked.setdefault(pair)
                if field == "title":
                    marked.setdefault(TITLE + pair)
            before = found
            where = min(at, MAX_POSITION)
            if len(place) < MAX_POSITIONS and (not place or place[-1] < where):
                place.append(where)
                weights[(found, where)] = weight
                size += 2
        at += 1  # a gap: no phrase runs from one field into the next

    def text(limit: int) -> str:
        entries = []
        for found, place in positions.items():
            kept = [where for where in place if where <= limit]
            if kept:
                entries.append(
                    f"{lexeme(found)}:{','.join(f'{where}{weights[(found, where)]}' for where in kept)}"
                )
        return " ".join(entries)

    terms = [lexeme(found) for found in positions]
    room = TERMS_BUDGET - sum(len(each) + 4 for each in terms)
    for each in marked:
        room -= len(each.encode("utf-8")) + 4
        if room < 0:
            complete = False
            break
        terms.append(lexeme(each))
    if not complete:
        terms.append(lexeme(INCOMPLETE))
    return Vectors(text(MAX_POSITION), text(lead_end), " ".join(terms), complete)


def vocabulary(document: SearchDocument) -> set[str]:
    """The unstemmed words of the document's title and body (what prefixes and respellings look at)."""
    return set(words(document.title)) | set(words(document.body))


class Check(IntEnum):
    """When a document ``Match.terms`` finds is checked against ``Match.vector``, least checking first."""

    #: Plain words and prefixes: every document's terms hold its stems.
    NEVER = 0
    #: Phrases of two words and ``title:`` words: only where a document's terms are not ``complete``.
    IF_INCOMPLETE = 1
    #: A longer phrase: its pairs may lie apart, so every document's vector is read.
    ALWAYS = 2


@dataclass(frozen=True)
class Match:
    """A query, or a part of one, as ``tsquery`` texts: ``terms`` over a document's exact index (a
    necessary condition: None when it says nothing), ``vector`` over its positions and weights (the
    condition itself), and when the first must be checked by the second."""

    terms: str | None
    vector: str
    check: Check


@dataclass(frozen=True)
class Wanted:
    """One positive part of a query. ``required`` parts (quoted phrases) must match even in a partial
    search; ``label`` is the part as the user typed it, to say what a partial match is missing."""

    match: Match
    required: bool
    label: str


#: The stems of the vocabulary's words starting with a prefix whose own stems do not (see the module).
Expand = Callable[[str], list[str]]


class Translation:
    """A parsed query as ``Match``-es, with what a snippet should mark."""

    def __init__(self, query: Query, expand: Expand) -> None:
        self._expand = expand
        self.marks = Marks()
        #: Every positive part must match; no negative may.
        self.positive: list[Wanted] = []
        self.negative: list[Match] = []
        for part in query.parts:
            self._translate(part)

    @property
    def optional(self) -> list[Wanted]:
        """The parts a partial match may lack."""
        return [wanted for wanted in self.positive if not wanted.required]

    @property
    def least(self) -> int:
        """How many of the optional parts a partial match holds at least."""
        return max(1, ceil(len(self.optional) * PARTIAL_SHARE))

    def every(self) -> Match | None:
        """Every positive part and no negative one (None: nothing searchable, e.g. only stop words)."""
        if not self.positive:
            return None
        return _all([wanted.match for wanted in self.positive], self.negative)

    def strict(self) -> Match | None:
        """What a partial match must hold: the required parts, and no negative one (None: anything)."""
        required = [wanted.match for wanted in self.positive if wanted.required]
        if not required and not self.negative:
            return None
        return _all(required, self.negative)

    def either(self) -> Match:
        """Any positive part (what scores a partial match, and finds its candidates)."""
        return _any([wanted.match for wanted in self.positive])

    def _translate(self, part: Part) -> None:
        if isinstance(part, Not):
            excluded = self._item(part.part, highlight=False)
            if excluded is not None:
                self.negative.append(excluded)
            return
        items = part.parts if isinstance(part, AnyOf) else (part,)
        either = [found for found in (self._item(item) for item in items) if found is not None]
        if either:
            self.positive.append(
                Wanted(
                    match=_any(either),
                    required=all(isinstance(item, Phrase) and item.quoted for item in items),
                    label=format_query((part,)),
                )
            )

    def _item(self, item: Word | Phrase, highlight: bool = True) -> Match | None:
        title = item.field == "title"
        if isinstance(item, Word) and item.prefix:
            if highlight:
                self.marks.prefixes.add(item.text)
            expanded = self._expand(item.text)
            vector = " | ".join(
                [f"{lexeme(item.text)}:*{'A' if title else ''}", *(_term(found, title) for found in expanded)]
            )
            if not title:
                return Match(vector, vector, Check.NEVER)
            terms = " | ".join(
                [f"{lexeme(TITLE + item.text)}:*", *(lexeme(TITLE + found) for found in expanded)]
            )
            return _marked(terms, vector, Check.IF_INCOMPLETE)
        typed = (item.text,) if isinstance(item, Word) else item.words
        stems = query_stems(typed, keep_stop_words=False)  # a plain search leaves stop words out
        if isinstance(item, Phrase):
            every = query_stems(typed, keep_stop_words=True)  # a phrase keeps them, as the vector does
            if len(every) > 1:
                if highlight:
                    self.marks.add(stems or every, item.synonym_of)
                return _in_a_row(every, title)
        if not stems:
            return None  # only stop words
        if highlight:
            self.marks.add(stems, item.synonym_of)
        if len(stems) > 1:
            return _in_a_row(stems, title)
        if title:
            return _marked(lexeme(TITLE + stems[0]), _term(stems[0], title), Check.IF_INCOMPLETE)
        return Match(lexeme(stems[0]), lexeme(stems[0]), Check.NEVER)


def _term(found: str, title: bool) -> str:
    return f"{lexeme(found)}:A" if title else lexeme(found)


def _marked(terms: str, vector: str, check: Check) -> Match:
    """A match of pairs or title terms, which a document whose terms are incomplete may lack."""
    return Match(f"({terms}) | {lexeme(INCOMPLETE)}", vector, check)


def _in_a_row(stems: tuple[str, ...], title: bool) -> Match:
    """Words one after another: each adjacent pair in the terms; checked by the vector when more than
    two (the pairs may lie apart)."""
    mark = TITLE if title else ""
    pairs = " & ".join(lexeme(f"{mark}{PAIR}{first} {second}") for first, second in pairwise(stems))
    vector = " <-> ".join(_term(found, title) for found in stems)
    return _marked(pairs, vector, Check.IF_INCOMPLETE if len(stems) == 2 else Check.ALWAYS)


def _all(parts: list[Match], negative: list[Match]) -> Match:
    """Every one of ``parts`` and none of ``negative``. An excluded pair or title term says nothing
    about a document whose terms are incomplete, so it is left to the vector."""
    terms = [f"({part.terms})" for part in parts if part.terms is not None]
    terms += [f"!({part.terms})" for part in negative if part.check is Check.NEVER and part.terms is not None]
    check = max(
        [part.check for part in parts]
        + [Check.NEVER if part.check is Check.NEVER else Check.ALWAYS for part in negative]
    )
    vector = " & ".join([f"({part.vector})" for part in parts] + [f"!({part.vector})" for part in negative])
    return Match(" & ".join(terms) or None, vector, check)


def _any(parts: list[Match]) -> Match:
    """Any one of ``parts``."""
    if len(parts) == 1:
        return parts[0]
    terms = (
        None if any(part.terms is None for part in parts) else " | ".join(f"({part.terms})" for part in parts)
    )
    return Match(terms, " | ".join(f"({part.vector})" for part in parts), max(part.check for part in parts))
