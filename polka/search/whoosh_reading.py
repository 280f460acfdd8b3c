"""The Whoosh index's schema and how it is searched: query translation, permission trimming, scoring,
facets and spelling suggestions. Only ``polka.search.whoosh_*`` modules import Whoosh.

One pass answers a search: the query's matches are walked once, restricted to the documents the
request may see (a cached, sorted list of Whoosh document numbers per access and filters), and every
match is both counted (total, facets) and scored (a heap keeps the page). Nothing outside the allowed
set is ever scored, counted or read.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from typing import Any

from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, TEXT, Schema
from whoosh.index import FileIndex
from whoosh.lang.porter import stem
from whoosh.matching import IntersectionMatcher, ListMatcher
from whoosh.reading import TermNotFound

from polka.search.backend import FACETS, Hit, SearchRequest, SearchResults, Sort
from polka.search.documents import SearchDocument, split_key
from polka.search.query import WORD_PATTERN, AnyOf, Not, Part, Phrase, Query, Word, format_query
from polka.search.snippets import Highlighter, make_snippet

#: Title matches weigh this many times a body match.
TITLE_BOOST = 2.0
TEXT_FIELDS = ("title", "body")
#: A prefix (``polic*``) searches at most this many of the index's words that start with it, the most
#: frequent first, after looking at no more than ``PREFIX_SCAN`` of them.
PREFIX_WORDS = 64
PREFIX_SCAN = 1024
#: Allowed-document lists kept per searcher (one per distinct access and filters).
FILTER_CACHE = 64
#: Below this share of the index, matches are found by skipping through the allowed list; above it,
#: by checking each match against the allowed set.
SPARSE = 0.3
#: Words outside these lengths are not respelled.
SPELL_MIN, SPELL_MAX = 3, 32


def make_schema() -> Schema:
    """The index's fields. Changing them needs ``polka search reindex``.

    Title and body are stemmed (English); ``spelling=True`` also indexes their unstemmed words, for
    spelling suggestions and for prefixes (``investigat*`` must find "investigation", whose stem
    "investig" is shorter than the prefix).
    """
    return Schema(
        key=ID(stored=True, unique=True),
        kind=ID,
        community=ID,
        organisation=ID,
        author=ID,
        sensitive=BOOLEAN,
        tags=KEYWORD(lowercase=True, commas=True),
        title=TEXT(analyzer=_analyzer(), field_boost=TITLE_BOOST, spelling=True),
        body=TEXT(analyzer=_analyzer(), stored=True, spelling=True),
        updated_at=DATETIME(sortable=True),
        created_at=DATETIME,
    )


def _analyzer() -> Any:
    """English stemming over runs of letters and digits: the same split the query parser makes.

    Single letters and digits are kept (``minsize=1``) so ``e-mail``, ``O'Brien`` and ``section 5``
    are found as written.
    """
    return StemmingAnalyzer(expression=WORD_PATTERN, minsize=1)


def document_fields(document: SearchDocument) -> dict[str, Any]:
    """A document as the keyword arguments of Whoosh's ``add_document``/``update_document``."""
    fields: dict[str, Any] = {
        "key": document.key,
        "kind": document.kind,
        "community": str(document.community_id),
        "sensitive": document.sensitive,
        "title": document.title,
        "body": document.body,
        "updated_at": _naive_utc(document.updated_at),
        "created_at": _naive_utc(document.created_at),
    }
    if document.organisation_id is not None:
        fields["organisation"] = str(document.organisation_id)
    if document.author_id is not None:
        fields["author"] = str(document.author_id)
    tags = [tag for tag in map(_tag, document.tags) if tag]
    if tags:
        fields["tags"] = ",".join(tags)
    return fields


def _naive_utc(moment: datetime) -> datetime:
    """Whoosh compares naive datetimes: an aware one becomes naive UTC."""
    return moment if moment.tzinfo is None else moment.astimezone(UTC).replace(tzinfo=None)


def _tag(tag: str) -> str:
    return " ".join(tag.replace(",", " ").split()).lower()


# --- queries --------------------------------------------------------------------------------------


class _Translation:
    """A parsed query as a Whoosh query (``None`` when nothing searchable is left, e.g. only stop
    words), with the stems and prefixes a snippet should highlight."""

    def __init__(self, query: Query, reader: Any, analyzer: Any) -> None:
        self._reader = reader
        self._analyzer = analyzer
        self.stems: set[str] = set()
        self.prefixes: set[str] = set()
        self.query = self._translate(query.parts)

    def _translate(self, parts: tuple[Part, ...]) -> Any | None:
        positive: list[Any] = []
        negative: list[Any] = []
        for part in parts:
            if isinstance(part, Not):
                excluded = self._item(part.part, highlight=False)
                if excluded is not None:
                    negative.append(excluded)
            elif isinstance(part, AnyOf):
                either = [found for found in (self._item(item) for item in part.parts) if found is not None]
                if either:
                    positive.append(_any(either))
            else:
                found = self._item(part)
                if found is not None:
                    positive.append(found)
        if not positive:
            return None
        matched = positive[0] if len(positive) == 1 else wq.And(positive)
        return wq.AndNot(matched, _any(negative)) if negative else matched

    def _item(self, item: Word | Phrase, highlight: bool = True) -> Any | None:
        fields = (item.field,) if item.field in TEXT_FIELDS else TEXT_FIELDS
        if isinstance(item, Word) and item.prefix:
            if highlight:
                self.prefixes.add(item.text)
            stems = sorted({stem(word) for word in self._expand(item.text, fields)} | {item.text})
            return _any([wq.Term(field, text) for field in fields for text in stems])
        words = (item.text,) if isinstance(item, Word) else item.words
        stems = [token.text for token in self._analyzer(" ".join(words), mode="query")]
        if not stems:
            return None  # only stop words
        if highlight:
            self.stems.update(stems)
        if len(stems) == 1:
            return _any([wq.Term(field, stems[0]) for field in fields])
        return _any([wq.Phrase(field, stems) for field in fields])

    def _expand(self, prefix: str, fields: tuple[str, ...]) -> list[str]:
        """The index's unstemmed words that start with ``prefix``, the most frequent first."""
        counts: Counter[str] = Counter()
        for field in fields:
            spelling = f"spell_{field}"
            for word in islice(self._reader.expand_prefix(spelling, prefix), PREFIX_SCAN):
                text = word.decode("utf-8") if isinstance(word, bytes) else str(word)
                counts[text] += self._reader.doc_frequency(spelling, text)
        return [word for word, _ in counts.most_common(PREFIX_WORDS)]


def _any(queries: list[Any]) -> Any:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _terms(field: str, values: Iterable[object]) -> Any:
    texts = sorted({str(value) for value in values})
    return _any([wq.Term(field, text) for text in texts]) if texts else wq.NullQuery


def _allowed_query(request: SearchRequest) -> Any:
    """The documents a request may see and asked for.

    Allowed: the community is in ``access.communities`` and, for a sensitive document, also in
    ``access.sensitive_communities``. Every filter then narrows that set.
    """
    access = request.access
    allowed = _terms("community", access.communities)
    hidden = access.communities - access.sensitive_communities
    if hidden:
        allowed = wq.AndNot(allowed, wq.And([wq.Term("sensitive", True), _terms("community", hidden)]))
    narrowing = [allowed]
    if request.kinds:
        narrowing.append(_terms("kind", request.kinds))
    if request.communities:
        narrowing.append(_terms("community", request.communities))
    if request.organisations:
        narrowing.append(_terms("organisation", request.organisations))
    if request.tags:
        narrowing.append(_terms("tags", {_tag(tag) for tag in request.tags} - {""}))
    if request.updated_from is not None or request.updated_to is not None:
        start = _naive_utc(request.updated_from) if request.updated_from is not None else None
        end = _naive_utc(request.updated_to) if request.updated_to is not None else None
        narrowing.append(wq.DateRange("updated_at", start, end))
    return narrowing[0] if len(narrowing) == 1 else wq.And(narrowing)


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


# --- matching -------------------------------------------------------------------------------------


class _Listed(ListMatcher):  # type: ignore[misc]  # Whoosh is untyped
    """The allowed documents of one segment as a matcher: skips by bisection and adds no score."""

    _ids: list[int]
    _i: int

    def skip_to(self, id: int) -> None:
        self._i = bisect_left(self._ids, id, self._i)

    def score(self) -> float:
        return 0.0

    def copy(self) -> _Listed:
        return _Listed(self._ids, position=self._i)


@dataclass(frozen=True)
class _Allowed:
    """The Whoosh document numbers a request may see: as a set, and per segment as sorted local
    numbers (keyed by the segment's offset)."""

    docnums: frozenset[int]
    by_segment: dict[int, list[int]]
    sparse: bool


class _Values:
    """Each document's facet values and update time by document number, read once per searcher from
    the postings, so counting facets and sorting by date never read stored fields."""

    def __init__(self, reader: Any) -> None:
        size = reader.doc_count_all()
        self.single: dict[str, list[str | None]] = {}
        for name in ("kind", "community", "organisation"):
            values: list[str | None] = [None] * size
            for value in reader.field_terms(name):
                for docnum in reader.postings(name, value).all_ids():
                    values[docnum] = value
            self.single[name] = values
        self.tags: list[tuple[str, ...]] = [()] * size
        for value in reader.field_terms("tags"):
            for docnum in reader.postings("tags", value).all_ids():
                self.tags[docnum] = (*self.tags[docnum], value)
        self.updated: list[int] = list(reader.column_reader("updated_at", translate=False)) if size else []

    def facets(self, docnums: list[int]) -> dict[str, dict[str, int]]:
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

    def newest(self, docnums: list[int], number: int) -> list[int]:
        updated = self.updated
        return heapq.nlargest(number, docnums, key=lambda docnum: (updated[docnum], -docnum))


class IndexView:
    """A searcher on one index generation, with the caches that stay valid as long as it does.

    Not thread-safe: the backend keeps one per thread.
    """

    def __init__(self, generation: str, ix: FileIndex) -> None:
        self.generation = generation
        self.closed = False
        self._ix = ix
        self._searcher = ix.searcher()
        self._analyzer = ix.schema["body"].analyzer
        self._allowed: OrderedDict[tuple[object, ...], _Allowed] = OrderedDict()
        self._values: _Values | None = None

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
        translation = _Translation(request.query, self._searcher.reader(), self._analyzer)
        if translation.query is None:
            return None
        offset = max(request.offset, 0)
        wanted = offset + request.limit
        scored = request.sort is not Sort.DATE
        matched, top = self._run(translation.query, request, wanted if scored else 0)
        if not matched:
            return None
        if not scored:
            top = [(0.0, docnum) for docnum in self.values().newest(matched, wanted)]
        highlighter = Highlighter(translation.stems, translation.prefixes, stem)
        hits = []
        for score, docnum in top[offset:]:
            stored = self._searcher.stored_fields(docnum)
            kind, object_id = split_key(stored["key"])
            snippet = make_snippet(stored.get("body") or "", highlighter)
            hits.append(Hit(kind, object_id, float(score), snippet))
        facets = self.values().facets(matched) if request.facets else {}
        return SearchResults(hits, len(matched), facets)

    def count(self, request: SearchRequest) -> int:
        translation = _Translation(request.query, self._searcher.reader(), self._analyzer)
        if translation.query is None:
            return 0
        return len(self._run(translation.query, request, 0)[0])

    def suggest(self, query: Query) -> Query | None:
        """The query with each unknown plain word replaced by the index's closest word."""
        reader = self._searcher.reader()
        if not reader.doc_count():
            return None
        fixes: dict[str, str] = {}
        for word in dict.fromkeys(query.words()):
            if not SPELL_MIN <= len(word) <= SPELL_MAX or not word.isalpha():
                continue
            if not list(self._analyzer(word, mode="query")):
                continue  # a stop word: never indexed, so never misspelt
            if any(reader.doc_frequency(f"spell_{field}", word) for field in TEXT_FIELDS):
                continue
            better = _respelling(reader, word)
            if better is not None and better != word:
                fixes[word] = better
        if not fixes:
            return None
        parts = tuple(_respelt(part, fixes) for part in query.parts)
        return Query(parts, format_query(parts))

    def values(self) -> _Values:
        if self._values is None:
            self._values = _Values(self._searcher.reader())
        return self._values

    def _run(
        self, query: Any, request: SearchRequest, wanted: int
    ) -> tuple[list[int], list[tuple[float, int]]]:
        """Walk the query's allowed matches once: every one's document number, and (when ``wanted``)
        the ``wanted`` best as (score, document number), best first."""
        allowed = self._allowed_for(request)
        matched: list[int] = []
        heap: list[tuple[float, int]] = []
        if not allowed.docnums:
            return matched, []
        context = (
            self._searcher.context(needs_current=bool(wanted)) if wanted else self._searcher.boolean_context()
        )
        for searcher, offset in self._searcher.leaf_searchers():
            listed = allowed.by_segment.get(offset)
            if not listed:
                continue
            try:
                matcher = query.matcher(searcher, context)
            except TermNotFound:
                continue
            if not matcher.is_active():
                continue
            if allowed.sparse:
                matcher = IntersectionMatcher(matcher, _Listed(listed))
            elif not wanted:
                found = map(offset.__add__, matcher.all_ids())
                matched.extend(filter(allowed.docnums.__contains__, found))
                continue
            docnums = allowed.docnums
            sparse = allowed.sparse
            while matcher.is_active():
                docnum = offset + matcher.id()
                if sparse or docnum in docnums:
                    matched.append(docnum)
                    if wanted:
                        entry = (matcher.score(), -docnum)
                        if len(heap) < wanted:
                            heapq.heappush(heap, entry)
                        elif entry > heap[0]:
                            heapq.heapreplace(heap, entry)
                matcher.next()
        return matched, [(score, -negated) for score, negated in sorted(heap, reverse=True)]

    def _allowed_for(self, request: SearchRequest) -> _Allowed:
        key = _filter_key(request)
        found = self._allowed.get(key)
        if found is not None:
            self._allowed.move_to_end(key)
            return found
        docnums = sorted(self._searcher.docs_for_query(_allowed_query(request)))
        by_segment: dict[int, list[int]] = {}
        for searcher, offset in self._searcher.leaf_searchers():
            start = bisect_left(docnums, offset)
            end = bisect_left(docnums, offset + searcher.doc_count_all())
            by_segment[offset] = [docnum - offset for docnum in docnums[start:end]]
        total = max(self._searcher.doc_count_all(), 1)
        found = _Allowed(frozenset(docnums), by_segment, len(docnums) < SPARSE * total)
        self._allowed[key] = found
        if len(self._allowed) > FILTER_CACHE:
            self._allowed.popitem(last=False)
        return found


# --- spelling -------------------------------------------------------------------------------------


def _respelling(reader: Any, word: str) -> str | None:
    """The index's closest word to ``word`` (fewest edits, then most documents), or None."""
    for distance in (1, 2):
        found: Counter[str] = Counter()
        for field in TEXT_FIELDS:
            spelling = f"spell_{field}"
            candidates = set()
            for leaf, _ in reader.leaf_readers():
                candidates.update(leaf.terms_within(spelling, word, distance, prefix=1))
            for candidate in candidates:
                found[candidate] += reader.doc_frequency(spelling, candidate)
        if found:
            return min(found, key=lambda candidate: (-found[candidate], candidate))
    return None


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
