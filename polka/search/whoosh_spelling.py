"""Spelling suggestions ("Did you mean …?") from the Whoosh index's own vocabulary of unstemmed
words (the ``spell_title`` and ``spell_body`` fields that ``spelling=True`` adds)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from polka.search import spelling
from polka.search.query import Query
from polka.search.spelling import SPELL_EDITS

#: The fields whose unstemmed words are kept, each as ``spell_<field>`` (for respelling and prefixes).
SPELLING_FIELDS = ("title", "body")
#: How many of the documents a search may return hold a word in a field (``title``, ``body``).
Frequency = Callable[[str, str], int]


def respell(
    query: Query, reader: Any, analyzer: Any, frequency: Frequency, keep: frozenset[str] = frozenset()
) -> Query | None:
    """The query with each plain word no document it may return holds replaced by the closest word
    they hold (by ``frequency``, so a word only hidden documents hold is never offered), or None when
    no word changes (see ``polka.search.spelling.respell`` for the words left as typed)."""
    if not reader.doc_count():
        return None

    def respelling(word: str) -> str | None:
        if not list(analyzer(word, tokenize=False, mode="query")):
            return None  # a stop word: never indexed, so never misspelt
        if any(frequency(field, word) for field in SPELLING_FIELDS):
            return None
        return _respelling(reader, word, frequency)

    return spelling.respell(query, respelling, keep)


def _respelling(reader: Any, word: str, frequency: Frequency) -> str | None:
    """The closest word to ``word`` that allowed documents hold (fewest edits, at most two, then most
    of those documents), or None.

    Whoosh walks its term file with an automaton, and the walk's cost grows fast with the distance:
    words sharing the first two letters are searched two edits away, then, only if none is found,
    words sharing the first letter one edit away, then words one edit away however they start (a
    slip of the first letter: "meighbourhood") (measured on 5,000 documents: 8 ms, against 80 ms
    for two edits from the first letter). Two neighbouring letters swapped, the commonest slip
    ("nieghbourhood"), are looked up directly, wherever they are: the automaton counts a swap as two
    edits, and a swap of the second letter shares only the first.
    """
    for edits, prefix in ((SPELL_EDITS, 2), (1, 1), (1, 0)):
        found: Counter[str] = Counter()
        for field in SPELLING_FIELDS:
            candidates = spelling.swaps(word) if edits == SPELL_EDITS else set()
            for leaf, _ in reader.leaf_readers():
                if leaf.doc_count_all():
                    candidates.update(leaf.terms_within(f"spell_{field}", word, edits, prefix=prefix))
            for candidate in candidates:
                found[candidate] += frequency(field, candidate)
        found = +found  # only the words some document holds
        if found:
            return min(
                found, key=lambda candidate: (spelling.edits(word, candidate), -found[candidate], candidate)
            )
    return None
