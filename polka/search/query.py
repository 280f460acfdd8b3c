"""The query language users type, parsed into an engine-neutral tree.

Words must all match (``AND``; the search may then add results holding most of them, see
``polka.search.backend.SearchResults``); ``"exact phrases"``; ``-excluded`` words or phrases; ``OR`` between two
parts; ``title:word`` or ``title:"a phrase"``; ``polic*`` for a prefix. Anything the parser cannot make
sense of — unbalanced quotes, a lone operator, thousands of terms, SQL or Whoosh syntax — degrades to a
plain search for the words in it, so a query never errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The fields a user may name with ``field:``; anything else is searched as a word.
FIELDS = ("title",)
#: At most this many terms are kept; the rest of a very long query is ignored.
MAX_TERMS = 24


@dataclass(frozen=True)
class Word:
    """One word, or a prefix (``prefix=True`` for ``polic*``), in ``field`` or in every text field.
    ``synonym_of`` is what the user typed when the thesaurus added the word in its place."""

    text: str
    field: str | None = None
    prefix: bool = False
    synonym_of: str = ""


@dataclass(frozen=True)
class Phrase:
    """Words one after another: typed in quotes (``quoted``), or the pieces of one written word
    (``anti-social``, ``O'Brien``), which the index holds as words in a row."""

    words: tuple[str, ...]
    field: str | None = None
    quoted: bool = False
    synonym_of: str = ""


@dataclass(frozen=True)
class Not:
    part: Word | Phrase


@dataclass(frozen=True)
class AnyOf:
    """``a OR b OR c``: at least one of the parts. ``typed`` is what the user typed when the parts are
    a term and its synonyms (``polka.search.thesaurus``)."""

    parts: tuple[Word | Phrase, ...]
    typed: str = ""


Part = Word | Phrase | Not | AnyOf


@dataclass(frozen=True)
class Query:
    """Every part must match (``Not`` parts must not). ``text`` is what the user typed, trimmed."""

    parts: tuple[Part, ...]
    text: str

    @property
    def is_empty(self) -> bool:
        """True when nothing positive is asked for (no words, or only exclusions)."""
        return not any(not isinstance(part, Not) for part in self.parts)

    def words(self) -> list[str]:
        """The positive plain words the user typed, in order (for spelling suggestions)."""
        found: list[str] = []
        for part in self.parts:
            for item in part.parts if isinstance(part, AnyOf) else (part,):
                if isinstance(item, Word) and not item.prefix and not item.synonym_of:
                    found.append(item.text)
        return found


#: The longest query text kept; anything after it is ignored.
MAX_TEXT = 500

#: A word as the index's tokenizer sees it: a run of letters and digits (underscore is punctuation).
WORD_PATTERN = r"[^\W_]+"

_WORD = re.compile(WORD_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: ``title:`` (any letters before the colon; unknown names are searched as words).
_FIELD = re.compile(r"([A-Za-z]+):(?=[^\s])")
#: Characters that join the pieces of one written word (``e-mail``, ``O'Brien``, ``U.K.``), so its
#: pieces are searched as a phrase, the way the tokenizer indexed them. Anything else separates words.
_JOINERS = frozenset("-'’._/&@")
_SEPARATORS = re.compile(r"[^\w\s" + re.escape("".join(sorted(_JOINERS))) + r"]|_")


@dataclass
class _Token:
    text: str
    negated: bool = False
    field: str | None = None
    quoted: bool = False


_OR = _Token("OR")


def parse_query(text: str) -> Query:
    """Parse what a user typed. Never raises: syntax it cannot use is searched as plain words."""
    cleaned = " ".join(_CONTROL.sub(" ", text[: MAX_TEXT * 4]).split())[:MAX_TEXT].strip()
    parts: list[Part] = []
    budget = MAX_TERMS
    joining = False  # an ``OR`` came after the last part
    for token in _tokens(cleaned):
        if token is _OR:
            joining = bool(parts)
            continue
        for index, whole in enumerate(_parts(token)):
            part = whole if _size(whole) <= budget else _shortened(whole, budget)
            if part is None:
                budget = 0
                break
            size = _size(part)
            if part in parts:
                continue
            budget -= size
            if joining and index == 0 and parts and _joinable(parts[-1]) and _joinable(part):
                parts[-1] = _joined(parts[-1], part)
            else:
                parts.append(part)
        joining = False
        if budget <= 0:
            break
    return Query(tuple(parts), cleaned)


def format_query(parts: tuple[Part, ...]) -> str:
    """Query text that ``parse_query`` reads back as ``parts`` (for a "Did you mean …?" link)."""
    return " ".join(_format(part) for part in parts)


def _tokens(text: str) -> list[_Token]:
    """Split the text into words, quoted phrases and ``OR``s, each perhaps negated or fielded."""
    tokens: list[_Token] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-":
            i += 1
            if i >= n or text[i].isspace():
                continue  # a lone "-" means nothing
            negated = True
        field = None
        match = _FIELD.match(text, i)
        if match and match.group(1).lower() in FIELDS:
            field = match.group(1).lower()
            i = match.end()
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            if close != -1:
                tokens.append(_Token(text[i + 1 : close], negated, field, quoted=True))
                i = close + 1
                continue
            i += 1  # an unbalanced quote is read as if it were not there
        end = i
        while end < n and not text[end].isspace() and text[end] != '"':
            end += 1
        chunk = text[i:end]
        i = end
        if chunk == "OR" and not negated and field is None:
            tokens.append(_OR)
        elif chunk:
            tokens.append(_Token(chunk, negated, field))
    return tokens


def _parts(token: _Token) -> list[Part]:
    """The query parts one token stands for (a phrase, or one part per separated word)."""
    found: list[Word | Phrase] = []
    if token.quoted:
        words = tuple(piece.lower() for piece in _WORD.findall(token.text))
        item = _item(words, token.field, quoted=True)
        if item is not None:
            found.append(item)
    else:
        chunk = token.text
        prefix = chunk.endswith("*")
        chunk = chunk.rstrip("*")
        pieces = [piece for piece in _SEPARATORS.split(chunk) if piece]
        for number, piece in enumerate(pieces):
            words = tuple(word.lower() for word in _WORD.findall(piece))
            last = number == len(pieces) - 1
            if prefix and last and len(words) == 1 and len(words[0]) >= 2 and piece[-1].isalnum():
                found.append(Word(words[0], token.field, prefix=True))
                continue
            item = _item(words, token.field)
            if item is not None:
                found.append(item)
    if token.negated:
        return [Not(item) for item in found]
    return list(found)


def _item(words: tuple[str, ...], field: str | None, *, quoted: bool = False) -> Word | Phrase | None:
    if not words:
        return None
    if len(words) == 1:
        return Word(words[0], field)
    return Phrase(words, field, quoted)


def _size(part: Part) -> int:
    if isinstance(part, Not):
        return _size(part.part)
    if isinstance(part, AnyOf):
        return sum(_size(item) for item in part.parts)
    if isinstance(part, Phrase):
        return len(part.words)
    return 1


def _shortened(part: Part, budget: int) -> Part | None:
    """A phrase cut to ``budget`` words (other parts cannot be cut)."""
    if budget <= 0:
        return None
    if isinstance(part, Phrase):
        return _item(part.words[:budget], part.field, quoted=part.quoted)
    if isinstance(part, Not) and isinstance(part.part, Phrase):
        item = _item(part.part.words[:budget], part.part.field, quoted=part.part.quoted)
        return Not(item) if item is not None else None
    return None


def _joinable(part: Part) -> bool:
    return not isinstance(part, Not)


def _joined(left: Part, right: Part) -> AnyOf:
    items: list[Word | Phrase] = []
    for part in (left, right):
        if isinstance(part, AnyOf):
            items.extend(part.parts)
        elif not isinstance(part, Not):
            items.append(part)
    return AnyOf(tuple(dict.fromkeys(items)))


def _format(part: Part) -> str:
    if isinstance(part, Not):
        return "-" + _format(part.part)
    if isinstance(part, AnyOf):
        if part.typed:
            return part.typed
        return " OR ".join(_format(item) for item in part.parts)
    field = f"{part.field}:" if part.field else ""
    if isinstance(part, Phrase):
        return f'{field}"{" ".join(part.words)}"' if part.quoted else field + "-".join(part.words)
    return f"{field}{part.text}{'*' if part.prefix else ''}"
