"""The Whoosh index's schema and how it is searched: query translation, permission trimming, scoring,
facets and snippets (spelling suggestions: ``polka.search.whoosh_spelling``). Only the
``polka.search.whoosh_*`` modules use Whoosh.

A search first finds the exact set of allowed matching documents with set algebra over postings
(``polka.search.whoosh_sets``): that set gives the total and the facet counts, and it is the filter of
the scored search for the page, so nothing outside it is ever counted, scored or shown. A phrase's
documents are only narrowed that way (documents holding all its words); its positions are then checked
by Whoosh, for the allowed candidates only.
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain, islice
from math import ceil
from typing import Any

from whoosh import query as wq
from whoosh.analysis import STOP_WORDS, StemmingAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, TEXT, FieldType, Schema
from whoosh.formats import Existence
from whoosh.index import FileIndex
from whoosh.lang.porter import stem
from whoosh.matching import IntersectionMatcher, ListMatcher
from whoosh.reading import TermNotFound

from polka.search.backend import PARTIAL_BELOW, PARTIAL_SHARE, Hit, SearchRequest, SearchResults, Sort
from polka.search.documents import Audience, SearchDocument, index_tag, split_key
from polka.search.query import WORD_PATTERN, AnyOf, Not, Part, Phrase, Query, Word, format_query
from polka.search.snippets import Marks, make_snippet
from polka.search.whoosh_sets import Values, phrase_docs, term_docs
from polka.search.whoosh_spelling import SPELLING_FIELDS, respell

#: Title matches weigh this many times a body match, and a match of where an item lives (its
#: community's name, its folder's or parent page's title) this much of one.
TITLE_BOOST = 2.0
CONTEXT_BOOST = 0.4
TEXT_FIELDS = ("title", "body", "context")
#: A prefix (``polic*``) searches at most this many of the index's words that start with it, the most
#: frequent first, after looking at no more than ``PREFIX_SCAN`` of them.
PREFIX_WORDS = 64
PREFIX_SCAN = 1024
#: Allowed-document sets kept per searcher (one per distinct access and filters).
FILTER_CACHE = 64
#: Up to this many matches are scored one by one; more go to Whoosh's top-N search, which skips
#: posting blocks that cannot reach the page.
DIRECT = 2000


#: How documents are analysed and stored: raise it with any change to ``make_schema``, to what its
#: analyzers make of text or to the text an adapter gives, and ``polka worker`` rebuilds an index
#: built by an older format (``OutboxApplier.rebuild_if_outdated``) while search answers from the old
#: one.
#: 2: title and body keep stop words (phrases are matched word for word; ``terms`` still drops them),
#: and wiki pages are indexed as their text reads (inline markup inside a word no longer splits it).
#: 3: ``context``, where an item lives (its community's name, its folder's or parent page's title),
#: and ``audience``, who may find it (communities and people are indexed too).
INDEX_FORMAT = 3


def make_schema() -> Schema:
    """The index's fields. Changing them needs a new ``INDEX_FORMAT``.

    Title, body and context are stemmed (English); ``spelling=True`` also indexes the unstemmed words
    of title and body, for spelling suggestions and for prefixes (``investigat*`` must find
    "investigation", whose stem "investig" is shorter than the prefix). ``terms`` holds the stems of
    all three but stop words, without positions or frequencies, only to count matches: reading a
    word's documents from it is about eight times faster than from ``body`` (3.5 ms against 27 ms for
    45,000 documents), for a third more indexing time.
    """
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID,
        audience=ID,
        community=ID,
        organisation=ID,
        author=ID,
        sensitive=BOOLEAN,
        tags=KEYWORD(lowercase=True, commas=True),
        title=TEXT(analyzer=_analyzer(stop_words=False), field_boost=TITLE_BOOST, spelling=True),
        body=TEXT(analyzer=_analyzer(stop_words=False), stored=True, spelling=True),
        context=TEXT(analyzer=_analyzer(stop_words=False), field_boost=CONTEXT_BOOST),
        terms=FieldType(Existence(), _analyzer(stop_words=True)),
        updated_at=DATETIME(sortable=True),
        created_at=DATETIME,
    )


_WORD = re.compile(WORD_PATTERN)
_stem = lru_cache(maxsize=100_000)(stem)


def _analyzer(*, stop_words: bool) -> Any:
    """English stemming over runs of letters and digits: the same split the query parser makes.

    Single letters and digits are kept (``minsize=1``) so ``e-mail``, ``O'Brien`` and ``section 5``
    are found as written. Title and body keep stop words, at their places, so a phrase is matched
    word for word ("to be confirmed" is not any text with "confirmed" in it); ``terms``, which counts
    the words a plain search asks for, leaves them out (``stop_words=True``), as plain searches do.
    """
    return StemmingAnalyzer(expression=WORD_PATTERN, minsize=1, stoplist=STOP_WORDS if stop_words else None)


def document_fields(document: SearchDocument) -> dict[str, Any]:
    """A document as the keyword arguments of Whoosh's ``add_document``/``update_document``."""
    fields: dict[str, Any] = {
        "key": document.key,
        "kind": document.kind,
        "audience": document.audience.value,
        "community": str(document.community_id),
        "sensitive": document.sensitive,
        "title": document.title,
        "body": document.body,
        "context": document.context,
        "terms": sorted(
            index_stems(document.title) | index_stems(document.body) | index_stems(document.context)
        ),
        "updated_at": _naive_utc(document.updated_at),
        "created_at": _naive_utc(document.created_at),
    }
    if document.organisation_id is not None:
        fields["organisation"] = str(document.organisation_id)
    if document.author_id is not None:
        fields["author"] = str(document.author_id)
    tags = [tag for tag in map(index_tag, document.tags) if tag]
    if tags:
        fields["tags"] = ",".join(tags)
    if document.boost != 1.0:
        fields["_boost"] = document.boost  # every word of it weighs this much more
    return fields


def index_stems(text: str) -> set[str]:
    """The distinct stems the ``terms`` analyzer makes of ``text`` (title, body and context's words but
    stop words), computed without it.

    The ``terms`` field is given them ready-made rather than analysing the text fields a second time
    (a test checks that both give the same words).
    """
    lowered = {word.lower() for word in _WORD.findall(text)}
    return {_stem(word) for word in lowered if word not in STOP_WORDS}


def _naive_utc(moment: datetime) -> datetime:
    """Whoosh compares naive datetimes: an aware one becomes naive UTC."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


# --- queries --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AnyTerm:
    """Documents holding any of ``texts`` in ``field`` (``terms``: title or body)."""

    field: str
    texts: tuple[str, ...]


@dataclass(frozen=True)
class _Phrase:
    """Documents holding ``words`` one after another in one of ``fields``; ``content`` are those of
    them ``terms`` holds (all but stop words), which narrow the candidates cheaply."""

    fields: tuple[str, ...]
    words: tuple[str, ...]
    content: tuple[str, ...]


_Node = _AnyTerm | _Phrase


@dataclass(frozen=True)
class _Wanted:
    """One positive part of a query: a document matches it when it matches one of ``nodes``.

    ``required`` parts (quoted phrases) must match even in a partial search; ``label`` is the part as
    the user typed it, to say what a partial match is missing.
    """

    nodes: tuple[_Node, ...]
    scoring: Any
    required: bool
    label: str


class _Translation:
    """A parsed query as a plan for its exact set of documents, as a Whoosh query that scores them
    (``None`` when nothing searchable is left, e.g. only stop words), and with the stems and prefixes
    a snippet should mark.

    The scoring queries have no exclusions (the set already leaves those documents out) and score a
    phrase as its words (as Whoosh does), without checking their positions again: ``query`` needs
    every part, ``any_query`` scores a partial match by the parts it has.
    """

    def __init__(
        self, query: Query, reader: Any, analyzer: Any, phrase_analyzer: Any, fields: tuple[str, ...]
    ) -> None:
        self._reader = reader
        self._analyzer = analyzer
        self._phrase_analyzer = phrase_analyzer
        self._fields = fields
        self.marks = Marks()
        #: Every positive part must match; no negative may.
        self.positive: list[_Wanted] = []
        self.negative: list[_Node] = []
        self._translate(query.parts)
        scoring = [wanted.scoring for wanted in self.positive]
        # Flattened (``a OR b`` over title and body is one Or of four terms, not two Ors of two):
        # Whoosh's top-N search can then drop terms whose best score cannot reach the page, which
        # made such a search five times faster.
        self.query = _all(scoring).normalize() if scoring else None
        self.any_query = _any(scoring).normalize() if scoring else None

    @property
    def optional(self) -> list[_Wanted]:
        """The parts a partial match may lack."""
        return [wanted for wanted in self.positive if not wanted.required]

    def _translate(self, parts: tuple[Part, ...]) -> None:
        for part in parts:
            if isinstance(part, Not):
                excluded = self._item(part.part, highlight=False)
                if excluded is not None:
                    self.negative.append(excluded[1])
                continue
            items = part.parts if isinstance(part, AnyOf) else (part,)
            either = [found for found in (self._item(item) for item in items) if found is not None]
            if either:
                self.positive.append(
                    _Wanted(
                        nodes=tuple(node for _, node in either),
                        scoring=_any([query for query, _ in either]),
                        required=all(isinstance(item, Phrase) and item.quoted for item in items),
                        label=format_query((part,)),
                    )
                )

    def _item(self, item: Word | Phrase, highlight: bool = True) -> tuple[Any, _Node] | None:
        title_only = item.field == "title"
        fields = ("title",) if title_only else self._fields
        where = "title" if title_only else "terms"
        if isinstance(item, Word) and item.prefix:
            if highlight:
                self.marks.prefixes.add(item.text)
            stems = tuple(sorted({_stem(word) for word in self._expand(item.text, fields)} | {item.text}))
            return _any([wq.Term(field, text) for field in fields for text in stems]), _AnyTerm(where, stems)
        words = (item.text,) if isinstance(item, Word) else item.words
        # Each word as one token: the parser split them as the tokenizer does, and lower-casing may have
        # made characters (İ -> i̇) that the tokenizer would split on a second time.
        stems = self._stems(self._analyzer, words)  # a plain search leaves stop words out
        if isinstance(item, Phrase):
            every = self._stems(self._phrase_analyzer, words)  # a phrase keeps them, where the index does
            if len(every) > 1:
                if highlight:
                    self.marks.add(stems or every, item.synonym_of)
                scoring = _any([wq.And([wq.Term(field, text) for text in every]) for field in fields])
                return scoring, _Phrase(fields, every, stems)
        if not stems:
            return None  # only stop words
        if highlight:
            self.marks.add(stems, item.synonym_of)
        if len(stems) == 1:
            return _any([wq.Term(field, stems[0]) for field in fields]), _AnyTerm(where, stems)
        scoring = _any([wq.And([wq.Term(field, text) for text in stems]) for field in fields])
        return scoring, _Phrase(fields, stems, stems)

    @staticmethod
    def _stems(analyzer: Any, words: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(token.text for word in words for token in analyzer(word, tokenize=False, mode="query"))

    def _expand(self, prefix: str, fields: tuple[str, ...]) -> list[str]:
        """The index's unstemmed words that start with ``prefix``, the most frequent first."""
        counts: Counter[str] = Counter()
        for field in (field for field in fields if field in SPELLING_FIELDS):
            spelling = f"spell_{field}"
            for word in islice(self._reader.expand_prefix(spelling, prefix), PREFIX_SCAN):
                text = word.decode("utf-8") if isinstance(word, bytes) else str(word)
                counts[text] += self._reader.doc_frequency(spelling, text)
        return [word for word, _ in counts.most_common(PREFIX_WORDS)]

    def matches(self, searcher: Any, allowed: AbstractSet[int]) -> set[int]:
        """The allowed documents the query matches, exactly.

        Word parts narrow the set first (cheap set algebra over postings); phrases are then checked
        only in the documents still in it.
        """
        found = _narrowed(searcher, self.positive, allowed)
        for node in self.negative:
            if not found:
                break
            found -= _node_docs(searcher, node, found)
        return found

    def partial(self, searcher: Any, allowed: AbstractSet[int]) -> _Partial:
        """The allowed documents matching every required part, no excluded one and at least
        ``PARTIAL_SHARE`` of the others, as tiers: those matching all of them first, then those
        missing one, and so on."""
        base = _narrowed(searcher, [wanted for wanted in self.positive if wanted.required], allowed)
        for node in self.negative:
            if not base:
                break
            base -= _node_docs(searcher, node, base)
        matching = [self.docs_of(searcher, wanted, base) for wanted in self.optional] if base else []
        counts = Counter(chain.from_iterable(matching))
        tiers: dict[int, set[int]] = {}
        for docnum, count in counts.items():
            tiers.setdefault(count, set()).add(docnum)
        least = max(1, ceil(len(self.optional) * PARTIAL_SHARE))
        kept = [tiers[count] for count in sorted(tiers, reverse=True) if count >= least]
        return _Partial(kept, [wanted.label for wanted in self.optional], matching)

    @staticmethod
    def docs_of(searcher: Any, wanted: _Wanted, within: AbstractSet[int]) -> set[int]:
        """Those of ``within`` that match ``wanted``."""
        union: set[int] = set()
        for node in wanted.nodes:
            union |= _node_docs(searcher, node, within)
        return union & within


@dataclass(frozen=True)
class _Partial:
    """A partial search's tiers, and the documents each optional part (``labels``) matches."""

    tiers: list[set[int]]
    labels: list[str]
    matching: list[set[int]]

    def missing(self, docnum: int) -> tuple[str, ...]:
        """The optional parts of the query ``docnum`` lacks, as the user typed them."""
        return tuple(
            label for label, docs in zip(self.labels, self.matching, strict=True) if docnum not in docs
        )


def _narrowed(searcher: Any, parts: list[_Wanted], allowed: AbstractSet[int]) -> set[int]:
    """Those of ``allowed`` matching every one of ``parts`` (all of ``allowed`` for no parts): word
    parts first, then phrases, checked only in what is left."""
    found = set(allowed)
    for wanted in sorted(parts, key=lambda wanted: any(isinstance(n, _Phrase) for n in wanted.nodes)):
        if not found:
            break
        found = _Translation.docs_of(searcher, wanted, found)
    return found


def _node_docs(searcher: Any, node: _Node, within: AbstractSet[int]) -> set[int]:
    """The documents ``node`` matches (for a phrase: only among ``within``)."""
    if isinstance(node, _AnyTerm):
        return term_docs(searcher, node.field, node.texts)
    where = "title" if node.fields == ("title",) else "terms"
    candidates = set(within)
    for word in node.content:
        candidates &= term_docs(searcher, where, (word,))
        if not candidates:
            return set()
    if not node.content:  # stop words only ("to be"): narrowed by the fields that hold them
        for word in node.words:
            candidates &= set().union(*(term_docs(searcher, field, (word,)) for field in node.fields))
            if not candidates:
                return set()
    found: set[int] = set()
    for field in node.fields:
        found |= phrase_docs(searcher, field, node.words, candidates - found)
    return found


def _any(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _all(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.And(queries)


def _allowed(searcher: Any, request: SearchRequest) -> frozenset[int]:
    """The documents a request may see and asked for.

    Allowed, by the document's audience (``Access``): content whose community is in
    ``access.communities`` and, for a sensitive document, also in ``access.sensitive_communities``;
    communities in ``access.listed``; people when ``access.directory``; what is open to everyone
    signed in (never a sensitive document) when ``access.signed_in``. Every filter then narrows that
    set.
    """
    access = request.access
    # An index built before format 3 (until the worker's rebuild replaces it) holds content only.
    audiences = "audience" in searcher.schema
    allowed = term_docs(searcher, "community", map(str, access.communities))
    if allowed and audiences:
        allowed &= term_docs(searcher, "audience", (Audience.READERS.value,))
    hidden = access.communities - access.sensitive_communities
    if hidden and allowed:
        allowed -= term_docs(searcher, "sensitive", (True,)) & term_docs(
            searcher, "community", map(str, hidden)
        )
    if access.listed and audiences:
        allowed |= term_docs(searcher, "audience", (Audience.LISTERS.value,)) & term_docs(
            searcher, "community", map(str, access.listed)
        )
    if access.directory and audiences:
        allowed |= term_docs(searcher, "audience", (Audience.DIRECTORY.value,))
    if access.signed_in and audiences:
        allowed |= term_docs(searcher, "audience", (Audience.SIGNED_IN.value,)) - term_docs(
            searcher, "sensitive", (True,)
        )
    if request.kinds:
        allowed &= term_docs(searcher, "kind", request.kinds)
    if request.communities:
        allowed &= term_docs(searcher, "community", map(str, request.communities))
    if request.organisations:
        allowed &= term_docs(searcher, "organisation", map(str, request.organisations))
    if request.tags:
        allowed &= term_docs(searcher, "tags", {index_tag(tag) for tag in request.tags} - {""})
    if allowed and (request.updated_from is not None or request.updated_to is not None):
        start = _naive_utc(request.updated_from) if request.updated_from is not None else None
        end = _naive_utc(request.updated_to) if request.updated_to is not None else None
        allowed &= set(searcher.docs_for_query(wq.DateRange("updated_at", start, end)))
    return frozenset(allowed)


def _filter_key(request: SearchRequest) -> tuple[object, ...]:
    return (
        request.access,
        request.kinds,
        request.communities,
        request.organisations,
        request.tags,
        request.updated_from,
        request.updated_to,
    )


# --- searching ------------------------------------------------------------------------------------


class _Listed(ListMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """Given documents of one segment as a matcher: skips by bisection and adds no score."""

    _ids: list[int]
    _i: int

    def skip_to(self, id: int) -> None:
        self._i = bisect_left(self._ids, id, self._i)

    def score(self) -> float:
        return 0.0

    def copy(self) -> _Listed:
        return _Listed(self._ids, position=self._i)


class IndexView:
    """A searcher on one index generation, with the caches that stay valid as long as it does.

    Not thread-safe: the backend keeps one per thread.
    """

    def __init__(self, generation: str, ix: FileIndex) -> None:
        self.generation = generation
        self.closed = False
        self._ix = ix
        self._searcher = ix.searcher()
        # Plain words are analysed as ``terms`` was (no stop words), phrases as ``body`` was: an index
        # of an older format (whose body left stop words out) is searched as it was built.
        self._analyzer = ix.schema["terms"].analyzer
        self._phrase_analyzer = ix.schema["body"].analyzer
        self._fields = tuple(field for field in TEXT_FIELDS if field in ix.schema)
        self._allowed: OrderedDict[tuple[object, ...], frozenset[int]] = OrderedDict()
        self._values: Values | None = None

    def refresh(self) -> None:
        """Catch up with commits made since the searcher opened."""
        if not self._searcher.up_to_date():
            # A new searcher, never ``Searcher.refresh()``: that reuses segment readers with their old
            # deletions, so updated and deleted documents would go on matching (whoosh-reloaded
            # 2.7.5); and it fails outright on a searcher opened on an empty index.
            self._searcher.close()
            self._searcher = self._ix.searcher()
            self._allowed.clear()
            self._values = None

    def close(self) -> None:
        self.closed = True
        self._searcher.close()

    def document_count(self) -> int:
        return int(self._searcher.doc_count())

    def search(self, request: SearchRequest) -> SearchResults | None:
        """The page, total and facets (None when nothing matches)."""
        translation = self._translation(request.query)
        if translation.query is None:
            return None
        allowed = self._allowed_for(request)
        if not allowed:
            return None
        matched = translation.matches(self._searcher, allowed)
        tiers, query, partial = [matched], translation.query, None
        if len(matched) < PARTIAL_BELOW and len(translation.optional) > 1:
            partial = translation.partial(self._searcher, allowed)
            tiers, query = partial.tiers, translation.any_query
        total = sum(map(len, tiers))
        if not total:
            return None
        offset = max(request.offset, 0)
        top = self._ranked(tiers, query, offset, offset + request.limit, request.sort is not Sort.DATE)
        highlighter = translation.marks.highlighter(_stem)
        hits = []
        for score, docnum in top:
            stored = self._searcher.stored_fields(docnum)
            kind, object_id = split_key(stored["key"])
            snippet = make_snippet(stored.get("body") or "", highlighter)
            missing = () if partial is None else partial.missing(docnum)
            hits.append(Hit(kind, object_id, float(score), snippet, missing))
        every = matched if partial is None else set().union(*tiers)
        facets = self.values().facets(every) if request.facets else {}
        return SearchResults(hits, total, facets, None if partial is None else len(matched))

    def count(self, request: SearchRequest) -> int:
        translation = self._translation(request.query)
        if translation.query is None:
            return 0
        allowed = self._allowed_for(request)
        return len(translation.matches(self._searcher, allowed)) if allowed else 0

    def _translation(self, query: Query) -> _Translation:
        return _Translation(
            query, self._searcher.reader(), self._analyzer, self._phrase_analyzer, self._fields
        )

    def values(self) -> Values:
        if self._values is None:
            self._values = Values(self.generation, self._searcher)
        return self._values

    def _ranked(
        self, tiers: list[set[int]], query: Any, offset: int, wanted: int, scored: bool
    ) -> list[tuple[float, int]]:
        """Results ``offset`` to ``wanted`` as (score, document number): every document of a tier before
        any of the next, each tier best first (by ``query``'s score, or the most recently updated
        first). Tiers wholly before the page are not ranked."""
        ranked: list[tuple[float, int]] = []
        before = 0  # documents in the tiers skipped
        for tier in tiers:
            if before + len(ranked) >= wanted:
                break
            if not ranked and before + len(tier) <= offset:
                before += len(tier)
                continue
            ranked += self._best(tier, query, wanted - before - len(ranked), scored)
        return ranked[offset - before :]

    def _best(self, docnums: set[int], query: Any, wanted: int, scored: bool) -> list[tuple[float, int]]:
        """The ``wanted`` best of ``docnums``, best first."""
        if not scored:
            updated = self.values().updated
            newest = heapq.nlargest(wanted, docnums, key=lambda docnum: (updated[docnum], -docnum))
            return [(0.0, docnum) for docnum in newest]
        if len(docnums) <= DIRECT:
            return self._scored(query, docnums, wanted)
        # Whoosh's own top-N search skips blocks that cannot reach the page: fastest for many matches.
        results = self._searcher.search(query, filter=docnums, limit=wanted)
        return [(float(score), docnum) for score, docnum in results.top_n]

    def _scored(self, query: Any, docnums: set[int], wanted: int) -> list[tuple[float, int]]:
        """The ``wanted`` best of ``docnums`` by ``query``'s score, best first, scoring those only."""
        ordered = sorted(docnums)
        heap: list[tuple[float, int]] = []
        context = self._searcher.context(needs_current=True)
        for searcher, offset in self._searcher.leaf_searchers():
            start = bisect_left(ordered, offset)
            end = bisect_left(ordered, offset + searcher.doc_count_all())
            if start == end:
                continue
            try:
                matcher = query.matcher(searcher, context)
            except TermNotFound:
                continue
            if not matcher.is_active():
                continue
            matcher = IntersectionMatcher(
                matcher, _Listed([docnum - offset for docnum in ordered[start:end]])
            )
            while matcher.is_active():
                entry = (matcher.score(), -(offset + matcher.id()))
                if len(heap) < wanted:
                    heapq.heappush(heap, entry)
                elif entry > heap[0]:
                    heapq.heapreplace(heap, entry)
                matcher.next()
        return [(score, -negated) for score, negated in sorted(heap, reverse=True)]

    def _allowed_for(self, request: SearchRequest) -> frozenset[int]:
        """The documents this request may return (cached per searcher: searches repeat their access)."""
        key = _filter_key(request)
        found = self._allowed.get(key)
        if found is not None:
            self._allowed.move_to_end(key)
            return found
        found = _allowed(self._searcher, request)
        self._allowed[key] = found
        if len(self._allowed) > FILTER_CACHE:
            self._allowed.popitem(last=False)
        return found

    def suggest(self, request: SearchRequest, keep: frozenset[str]) -> Query | None:
        """The query with each plain word no allowed document holds (but those in ``keep``) replaced
        by the closest word allowed documents hold, the one most of them hold breaking ties."""
        allowed = self._allowed_for(request)
        if not allowed:
            return None

        def frequency(field: str, word: str) -> int:
            # ``spell_body`` knows its words but not which documents hold them: ``body`` knows the
            # documents of each stem.
            return len(term_docs(self._searcher, field, (_stem(word.lower()),)) & allowed)

        return respell(request.query, self._searcher.reader(), self._analyzer, frequency, keep)
