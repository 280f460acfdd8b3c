"""The words of policing: groups of terms that mean the same ("ASB", "anti-social behaviour"), applied
to a parsed query when it is searched, so a change to them needs no reindex.

A term is one or more words as the query parser splits them, so "anti-social behaviour" also matches
"anti social behaviour"; a term written with a hyphen also stands for its pieces run together
("anti-social" is "antisocial" too). A term belongs to one group only, so synonyms never chain: the
rules a group must keep (``check_group``) make a loop impossible rather than detected.

A searched term becomes one part of the query: the term as typed *or* any of its synonyms (an
``AnyOf`` whose added items carry ``synonym_of``), so a result found through a synonym can say so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from polka.errors import ValidationError
from polka.search.query import WORD_PATTERN, AnyOf, Part, Phrase, Query, Word

#: A group holds at most this many terms, each at most ``TERM_LENGTH`` characters and ``TERM_WORDS``
#: words; a group's text is at most ``GROUP_TEXT`` characters, and a site at most ``GROUPS`` groups.
GROUP_TERMS = 20
TERM_LENGTH = 60
TERM_WORDS = 6
GROUP_TEXT = 2_000
GROUPS = 2_000
#: The synonyms added to one search hold at most this many words; the terms after that are searched
#: as typed, and the search says so.
ADDED_WORDS = 48

Words = tuple[str, ...]

_WORD = re.compile(WORD_PATTERN)
#: What the query language reads as an instruction, not a word.
_SYNTAX = (
    (re.compile(r'"'), "quotes"),
    (re.compile(r"(?:^|\s)-"), "a minus sign at the start of a word"),
    (re.compile(r"\*"), "a star"),
    (re.compile(r"(?i)(?:^|\s)title:"), "“title:”"),
    (re.compile(r"(?:^|\s)OR(?:\s|$)"), "OR in capitals"),
)


def words_of(term: str) -> Words:
    """A term's words as a search sees them: lower case, split where the query parser splits."""
    return tuple(word.lower() for word in _WORD.findall(term))


def forms_of(term: str) -> list[Words]:
    """Every way of writing ``term`` it stands for: its words, and, where a piece is hyphenated, the
    pieces run together ("anti-social behaviour": also "antisocial behaviour")."""
    forms = [words_of(term)]
    if "-" in term:
        joined = tuple(word for chunk in term.split() for word in _joined(chunk))
        if joined and joined != forms[0]:
            forms.append(joined)
    return forms


def _joined(chunk: str) -> Words:
    words = words_of(chunk)
    return ("".join(words),) if "-" in chunk and words else words


def split_terms(text: str) -> list[str]:
    """The terms of a group as an administrator typed them: one a line, or separated by commas."""
    return [" ".join(term.split()) for term in re.split(r"[\n,;]", text) if term.strip()]


def key_of(words: Words) -> Words:
    """Words as a term is looked up: each in the singular, so "missing persons" is the term "missing
    person" and "offences" the term "offence" (a plain rule, the same for terms and for queries, that
    needs no search engine's stemmer)."""
    return tuple(map(_singular, words))


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Thesaurus:
    """The groups in force, looked up by a term's words in the singular (``key_of``)."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.groups: list[tuple[str, ...]] = [tuple(group) for group in groups]
        self._index: dict[Words, int] = {}
        one_word: set[str] = set()
        for number, group in enumerate(self.groups):
            for term in group:
                for form in forms_of(term):
                    self._index.setdefault(key_of(form), number)
                    if len(form) == 1:
                        one_word.add(form[0])
        self._longest = max(map(len, self._index), default=0)
        #: Every one-word term as written (a spelling suggestion never "corrects" one).
        self.words = frozenset(one_word)

    def group_of(self, words: Words) -> int | None:
        """The group holding the term of these words (any form of them), or None."""
        return self._index.get(key_of(words))

    def expand(self, query: Query) -> Expanded:
        """``query`` with each term it holds searched as the term or any of its synonyms.

        Runs of plain words (and words of pieces, ``anti-social``) are matched longest term first, only
        on whole words; quoted phrases, prefixes, ``title:`` words and excluded words are left as typed.
        Synonyms add at most ``ADDED_WORDS`` words: past that, terms are searched as typed and
        ``capped`` says so.
        """
        parts: list[Part] = []
        used: list[tuple[str, tuple[str, ...]]] = []
        budget = ADDED_WORDS
        capped = False
        items = list(query.parts)
        i = 0
        while i < len(items):
            match = self._match(items, i)
            if match is None:
                parts.append(items[i])
                i += 1
                continue
            length, number = match
            group = self.groups[number]
            typed_words = tuple(word for item in items[i : i + length] for word in _plain_words(item))
            typed_key = key_of(typed_words)
            # Named as the group writes it ("ASB", not "asb").
            typed = next(term for term in group if any(key_of(form) == typed_key for form in forms_of(term)))
            synonyms = list(
                dict.fromkeys(form for term in group for form in forms_of(term) if key_of(form) != typed_key)
            )
            cost = sum(map(len, synonyms))
            if cost > budget:
                capped = True
                parts.extend(items[i : i + length])
                i += length
                continue
            budget -= cost
            alternatives = [_item(typed_words, "")] + [_item(form, typed) for form in synonyms]
            parts.append(AnyOf(tuple(alternatives), typed=typed))
            # The group's other terms as written; a hyphenated term alone is shown in its other forms.
            others = tuple(term for term in group if term != typed) or tuple(
                " ".join(form) for form in synonyms
            )
            used.append((typed, others))
            i += length
        return Expanded(Query(tuple(parts), query.text), tuple(used), capped)

    def _match(self, items: list[Part], start: int) -> tuple[int, int] | None:
        """The longest run of plain parts from ``start`` whose words are a term: (parts, group)."""
        words: list[str] = []
        best = None
        for end in range(start, len(items)):
            item = items[end]
            if not _plain(item):
                break
            words.extend(_plain_words(item))
            if len(words) > self._longest:
                break
            number = self.group_of(tuple(words))
            if number is not None:
                best = (end - start + 1, number)
        return best


@dataclass(frozen=True)
class Expanded:
    """A query with its synonyms: ``used`` names, for each term found, the synonyms searched with it."""

    query: Query
    used: tuple[tuple[str, tuple[str, ...]], ...]
    capped: bool


def _plain(part: Part) -> bool:
    """A word or the words of one written word (``anti-social``), in every field, as typed."""
    if isinstance(part, Word):
        return not part.prefix and part.field is None and not part.synonym_of
    return isinstance(part, Phrase) and not part.quoted and part.field is None and not part.synonym_of


def _plain_words(part: Part) -> Words:
    if isinstance(part, Word):
        return (part.text,)
    assert isinstance(part, Phrase)
    return part.words


def _item(words: Words, synonym_of: str) -> Word | Phrase:
    if len(words) == 1:
        return Word(words[0], synonym_of=synonym_of)
    return Phrase(words, synonym_of=synonym_of)


# --- the rules a group keeps ------------------------------------------------------------------------


def check_group(text: str, others: Thesaurus) -> list[str]:
    """The terms of a group typed as ``text``, or a ``ValidationError`` naming what is wrong.

    ``others`` are the groups in force besides this one: a term already in one of them is refused, so a
    term belongs to one group and synonyms never chain into a loop.
    """
    if len(text) > GROUP_TEXT:
        _refuse(f"Enter at most {GROUP_TEXT:,} characters ({len(text):,} were entered)")
    terms = split_terms(text)
    if len(terms) < 2 and not (terms and len(forms_of(terms[0])) > 1):
        _refuse(
            "Enter at least two terms that mean the same, one a line (a hyphenated term alone is enough: "
            "“cyber-crime” stands for “cyber crime” and “cybercrime”)"
        )
    if len(terms) > GROUP_TERMS:
        _refuse(f"A group can hold at most {GROUP_TERMS} terms ({len(terms):,} were entered)")
    for term in terms:
        _check_term(term)
    seen: dict[Words, str] = {}
    for term in terms:
        for form in forms_of(term):
            key = key_of(form)
            if key in seen:
                _refuse(f"“{term}” is the same search as “{seen[key]}”: keep one of them")
            seen[key] = term
            number = others.group_of(form)
            if number is not None:
                group = ", ".join(others.groups[number])
                _refuse(
                    f"“{term}” is already in the group “{_shortened(group)}”. A term can be in one group "
                    "only: add the other terms to that group instead"
                )
    return terms


def _check_term(term: str) -> None:
    if len(term) > TERM_LENGTH:
        _refuse(f"“{_shortened(term)}” is too long: a term is at most {TERM_LENGTH} characters")
    for pattern, name in _SYNTAX:
        if pattern.search(term):
            _refuse(f"“{term}” holds {name}, which search reads as an instruction: write the words alone")
    words = words_of(term)
    if not words:
        _refuse(f"“{term}” has no letters or digits to search for")
    if len(words) > TERM_WORDS:
        _refuse(f"“{_shortened(term)}” is too long: a term is at most {TERM_WORDS} words")


def _shortened(text: str, length: int = 60) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _refuse(message: str) -> None:
    raise ValidationError(message, {"terms": message})


@lru_cache(maxsize=4)
def thesaurus_of(groups: tuple[tuple[str, ...], ...]) -> Thesaurus:
    """The thesaurus of ``groups``, built once for each distinct set (searches repeat the same)."""
    return Thesaurus(groups)
