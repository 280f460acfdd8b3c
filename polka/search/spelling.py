"""Spelling suggestions ("Did you mean …?"), engine-neutral: which words of a query are respelt and how
the respelt query is made. Each backend finds the closest word its documents hold
(``polka.search.whoosh_spelling``, ``polka.search.pg_backend``).
"""

from __future__ import annotations

from collections.abc import Callable

from polka.search.query import AnyOf, Not, Part, Phrase, Query, Word, format_query

#: Words outside these lengths are not respelled; a respelling is at most this many edits away.
SPELL_MIN, SPELL_MAX = 3, 32
SPELL_EDITS = 2


def respell(
    query: Query, respelling: Callable[[str], str | None], keep: frozenset[str] = frozenset()
) -> Query | None:
    """The query with each plain word replaced by ``respelling(word)`` (the closest word the documents
    a search may return hold, or None to keep it: a word they hold, a stop word, nothing close), or None
    when no word changes. Phrases, prefixes, excluded words, words of odd lengths or with digits, and
    the words in ``keep`` (the thesaurus's terms: "ASB" is never "ask") are left as typed."""
    fixes: dict[str, str] = {}
    for word in dict.fromkeys(query.words()):
        if not SPELL_MIN <= len(word) <= SPELL_MAX or not word.isalpha() or word in keep:
            continue
        better = respelling(word)
        if better is not None and better != word:
            fixes[word] = better
    if not fixes:
        return None
    parts = tuple(_respelt(part, fixes) for part in query.parts)
    return Query(parts, format_query(parts))


def swaps(word: str) -> set[str]:
    """``word`` with two neighbouring letters swapped, every way (the commonest slip)."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)} - {word}


def within_reach(word: str, candidate: str) -> bool:
    """Whether ``candidate`` may respell ``word``: at most ``SPELL_EDITS`` letters inserted, deleted or
    replaced, or two neighbouring letters swapped (the rule of both backends)."""
    return edits(word, candidate, swapping=False) <= SPELL_EDITS or candidate in swaps(word)


def edits(first: str, second: str, *, swapping: bool = True) -> int:
    """Edits (insert, delete, replace, and with ``swapping`` swap two neighbours) that turn one word
    into the other."""
    before: list[int] = []
    previous = list(range(len(second) + 1))
    for i, letter in enumerate(first, start=1):
        current = [i]
        for j, other in enumerate(second, start=1):
            cost = 0 if letter == other else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if swapping and i > 1 and j > 1 and letter == second[j - 2] and first[i - 2] == other:
                best = min(best, before[j - 2] + 1)
            current.append(best)
        before, previous = previous, current
    return previous[-1]


def _respelt(part: Part, fixes: dict[str, str]) -> Part:
    if isinstance(part, AnyOf):
        return AnyOf(tuple(_respelt_item(item, fixes) for item in part.parts))
    if isinstance(part, Not):
        return part
    return _respelt_item(part, fixes)


def _respelt_item(item: Word | Phrase, fixes: dict[str, str]) -> Word | Phrase:
    if isinstance(item, Word) and not item.prefix and item.text in fixes:
        return Word(fixes[item.text], item.field)
    return item
