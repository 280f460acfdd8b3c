"""Snippets for search results: a short, HTML-escaped passage of a body with the matched words in
``<mark>``, chosen where the matches are densest.

Engine-neutral: a backend says which words matched (its stems, or prefixes of unstemmed words) and
passes its own stemmer, so the snippet highlights exactly what the index matched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from html import escape

from polka.search.query import WORD_PATTERN

#: About this many characters of body text are shown.
LENGTH = 250
#: Context kept before the first match in the chosen passage.
LEAD = 40

_WORD = re.compile(WORD_PATTERN)
_ELLIPSIS = "…"


class Highlighter:
    """Decides which words of a body matched the query (remembering each word's answer).

    ``synonyms`` are stems only a synonym of a typed term matched (stem -> the term): their words are
    marked apart (``class="polka-mark--synonym"``, titled with the term), so a reader sees the result
    was found through a synonym.
    """

    def __init__(
        self,
        stems: Iterable[str],
        prefixes: Iterable[str],
        stemmer: Callable[[str], str],
        synonyms: Mapping[str, str] | None = None,
    ) -> None:
        self.synonyms = dict(synonyms or {})
        self.stems = frozenset(stems) | frozenset(self.synonyms)
        self.prefixes = tuple(sorted(set(prefixes)))
        self._stem = stemmer
        self._known: dict[str, bool] = {}
        # Only words starting like a stem (a stem is a prefix of its words but for its last letter:
        # "policy" -> "polici") or like a prefix can match: a regular expression finds those, and
        # only they are stemmed.
        heads = {stem[:-1] or stem for stem in self.stems} | set(self.prefixes)
        alternatives = "|".join(re.escape(head) for head in sorted(heads, key=len, reverse=True))
        self._candidates = (
            re.compile(rf"(?<![^\W_])(?:{alternatives})[^\W_]*", re.IGNORECASE) if heads else None
        )

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def matches(self, word: str) -> bool:
        known = self._known.get(word)
        if known is None:
            lowered = word.lower()
            known = self._known[word] = (
                bool(self.stems) and self._stem(lowered) in self.stems
            ) or lowered.startswith(self.prefixes)
        return known

    def synonym_of(self, word: str) -> str:
        """The typed term ``word`` (a matched word) is a synonym of, or "" when it matched as typed."""
        if not self.synonyms:
            return ""
        lowered = word.lower()
        if lowered.startswith(self.prefixes):
            return ""
        return self.synonyms.get(self._stem(lowered), "")

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the matched words are in ``text``."""
        if self._candidates is None:
            return []
        known = self._known
        found = []
        for match in self._candidates.finditer(text):
            word = match.group()
            hit = known.get(word)
            if hit is None:
                hit = self.matches(word)
            if hit:
                found.append(match.span())
        return found


class Marks:
    """What a query asks a snippet to mark, gathered while a backend translates it: the stems of the
    words typed, the prefixes typed, and apart from them the stems only a synonym brought."""

    def __init__(self) -> None:
        self.stems: set[str] = set()
        self.prefixes: set[str] = set()
        #: stems only a synonym brought, and the term typed they are a synonym of
        self.synonyms: dict[str, str] = {}

    def add(self, stems: Iterable[str], synonym_of: str = "") -> None:
        """Mark ``stems`` (as a synonym's of the term ``synonym_of``, when the thesaurus added them)."""
        if synonym_of:
            for found in stems:
                self.synonyms.setdefault(found, synonym_of)
        else:
            self.stems.update(stems)

    def highlighter(self, stemmer: Callable[[str], str]) -> Highlighter:
        """A highlighter of these marks for a body stemmed by ``stemmer``; a stem typed as well as
        brought by a synonym is marked as typed."""
        synonyms = {found: typed for found, typed in self.synonyms.items() if found not in self.stems}
        return Highlighter(self.stems, self.prefixes, stemmer, synonyms)


def make_snippet(body: str, highlighter: Highlighter) -> str:
    """About ``LENGTH`` characters of ``body`` as HTML, matches in ``<mark>``; never raises.

    Without a match in the body (the title matched, say) it is the body's opening, escaped.
    """
    try:
        return _snippet(body, highlighter)
    except Exception:  # a snippet is decoration: a bad one must never break a search
        try:
            return escape(body[:LENGTH])
        except Exception:
            return ""


def _snippet(body: str, highlighter: Highlighter) -> str:
    if not body:
        return ""
    spans = highlighter.spans(body)
    if not spans:
        start, end = 0, _word_end(body, LENGTH)
        return _render(body, start, end, [], highlighter)
    # The window of LENGTH characters holding the most matches, found with two pointers.
    best, best_count, last = 0, 0, 0
    for first, (first_start, _) in enumerate(spans):
        last = max(last, first)
        while last + 1 < len(spans) and spans[last + 1][1] - first_start <= LENGTH - LEAD:
            last += 1
        if last - first + 1 > best_count:
            best, best_count = first, last - first + 1
    start = _word_start(body, max(0, spans[best][0] - LEAD))
    end = _word_end(body, start + LENGTH)
    inside = [span for span in spans if span[0] >= start and span[1] <= end]
    return _render(body, start, end, inside, highlighter)


def _word_start(text: str, index: int) -> int:
    """Move ``index`` back to the start of the word it falls in (within a few characters)."""
    limit = max(0, index - 30)
    while index > limit and not text[index - 1].isspace():
        index -= 1
    return index


def _word_end(text: str, index: int) -> int:
    """Move ``index`` on to the end of the word it falls in (within a few characters)."""
    limit = min(len(text), index + 30)
    while index < limit and not text[index].isspace():
        index += 1
    return index


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]], highlighter: Highlighter) -> str:
    pieces = [_ELLIPSIS] if start > 0 else []
    at = start
    for span_start, span_end in spans:
        pieces.append(escape(text[at:span_start]))
        word = text[span_start:span_end]
        typed = highlighter.synonym_of(word)
        if typed:
            title = escape(f"A synonym of ‘{typed}’")
            pieces.append(f'<mark class="polka-mark--synonym" title="{title}">{escape(word)}</mark>')
        else:
            pieces.append(f"<mark>{escape(word)}</mark>")
        at = span_end
    pieces.append(escape(text[at:end]))
    if end < len(text):
        pieces.append(_ELLIPSIS)
    return " ".join("".join(pieces).split())  # newlines and runs of spaces read as one space
