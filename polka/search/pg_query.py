"""A parsed query as PostgreSQL ``tsquery`` text, and documents as ``tsvector`` text, both made from
the words ``polka.search.analysis`` gives, so the database compares exactly what POLKA split and stemmed.

A document's vector holds its title (weight ``A``), where it lives (``C``) and its body (``D``) one
after another, a position apart more than the words of one field, so a phrase is found inside one field
but never across two. A query part becomes: a stem (``'meet'``), a prefix (``'polic':*``, and the stems
of words starting with it whose stems are shorter: "investigat*" finds "investigation", stem
"investig"), a phrase (``'to' <-> 'be' <-> 'confirm'``); ``title:`` restricts each to weight ``A``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from math import ceil

from polka.search.analysis import query_stems, stem, words
from polka.search.backend import PARTIAL_SHARE
from polka.search.documents import SearchDocument
from polka.search.query import AnyOf, Not, Part, Phrase, Query, Word, format_query
from polka.search.snippets import Marks

#: Each text field and its weight in a document's vector: title, where it lives, body.
FIELD_WEIGHTS = (("title", "A"), ("context", "C"), ("body", "D"))
#: PostgreSQL keeps positions up to this number (later words share it: phrases are found in the first
#: 16,383 words of a document, plain words anywhere) …
MAX_POSITION = 16_383
#: … and at most this many positions of one word.
MAX_POSITIONS = 256
#: A vector is at most 1 MB: beyond about this many bytes, no new word is added (positions still are).
VECTOR_BUDGET = 900_000
#: The body words a document's lead holds (what ranks it: ``vectors``).
LEAD_WORDS = 100


def lexeme(text: str) -> str:
    """``text`` quoted as one lexeme of ``tsvector`` or ``tsquery`` input."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def vectors(document: SearchDocument) -> tuple[str, str]:
    """The document's words as ``tsvector`` input, each stem with its positions and field weights: the
    whole document, and its *lead*: its title, where it lives and the first ``LEAD_WORDS`` of its body,
    small enough to be kept in the table's row and ranked fast."""
    positions: dict[str, list[int]] = {}
    weights: dict[tuple[str, int], str] = {}
    at, size, lead_end = 0, 0, 0
    for field, weight in FIELD_WEIGHTS:  # the body last: the lead ends within it
        lead_end = at + LEAD_WORDS
        for word in words(getattr(document, field)):
            at += 1
            found = stem(word)
            place = positions.get(found)
            if place is None:
                if size > VECTOR_BUDGET:
                    continue
                place = positions[found] = []
                size += len(found.encode("utf-8")) + 8
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

    return text(MAX_POSITION), text(lead_end)


def vocabulary(document: SearchDocument) -> set[str]:
    """The unstemmed words of the document's title and body (what prefixes and respellings look at)."""
    return set(words(document.title)) | set(words(document.body))


@dataclass(frozen=True)
class Wanted:
    """One positive part of a query as ``tsquery`` text. ``required`` parts (quoted phrases) must match
    even in a partial search; ``label`` is the part as the user typed it, to say what a partial match
    is missing."""

    tsquery: str
    required: bool
    label: str


#: The stems of the vocabulary's words starting with a prefix whose own stems do not (see the module).
Expand = Callable[[str], list[str]]


class Translation:
    """A parsed query as ``tsquery`` texts, with what a snippet should mark."""

    def __init__(self, query: Query, expand: Expand) -> None:
        self._expand = expand
        self.marks = Marks()
        #: Every positive part must match; no negative may.
        self.positive: list[Wanted] = []
        self.negative: list[str] = []
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

    def every(self) -> str | None:
        """Every positive part and no negative one (None: nothing searchable, e.g. only stop words)."""
        if not self.positive:
            return None
        return _all([wanted.tsquery for wanted in self.positive], self.negative)

    def strict(self) -> str | None:
        """What a partial match must hold: the required parts, and no negative one (None: anything)."""
        required = [wanted.tsquery for wanted in self.positive if wanted.required]
        if not required and not self.negative:
            return None
        if not required:
            return " & ".join(f"!({each})" for each in self.negative)
        return _all(required, self.negative)

    def either(self) -> str:
        """Any positive part (what scores a partial match, and finds its candidates)."""
        return " | ".join(f"({wanted.tsquery})" for wanted in self.positive)

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
                    tsquery=either[0] if len(either) == 1 else " | ".join(f"({each})" for each in either),
                    required=all(isinstance(item, Phrase) and item.quoted for item in items),
                    label=format_query((part,)),
                )
            )

    def _item(self, item: Word | Phrase, highlight: bool = True) -> str | None:
        weight = "A" if item.field == "title" else ""
        if isinstance(item, Word) and item.prefix:
            if highlight:
                self.marks.prefixes.add(item.text)
            alternatives = [f"{lexeme(item.text)}:*{weight}"]
            alternatives += [_term(found, weight) for found in self._expand(item.text)]
            return " | ".join(alternatives)
        typed = (item.text,) if isinstance(item, Word) else item.words
        stems = query_stems(typed, keep_stop_words=False)  # a plain search leaves stop words out
        if isinstance(item, Phrase):
            every = query_stems(typed, keep_stop_words=True)  # a phrase keeps them, as the vector does
            if len(every) > 1:
                if highlight:
                    self.marks.add(stems or every, item.synonym_of)
                return _in_a_row(every, weight)
        if not stems:
            return None  # only stop words
        if highlight:
            self.marks.add(stems, item.synonym_of)
        return _term(stems[0], weight) if len(stems) == 1 else _in_a_row(stems, weight)


def _term(found: str, weight: str) -> str:
    return f"{lexeme(found)}:{weight}" if weight else lexeme(found)


def _in_a_row(stems: tuple[str, ...], weight: str) -> str:
    return " <-> ".join(_term(found, weight) for found in stems)


def _all(parts: list[str], negative: list[str]) -> str:
    return " & ".join([f"({each})" for each in parts] + [f"!({each})" for each in negative])
