"""The PostgreSQL full-text backend: the index is a table of the application's own database
(``polka.search.pg_tables``), so every app node shares it, a write is one transaction, and permission
trimming is part of the very query that finds, counts and ranks.

What a searcher may find (``Access``, read from the database by the one permission policy in the same
request) becomes the statement's ``WHERE``, beside the words: totals and facet counts are counted
over allowed documents only, by the database. Words are split and stemmed in Python
(``polka.search.pg_query``), so both ends of a search agree whatever the database's locale.

Ranking is ``ts_rank`` with title words weighing twice a body word and where an item lives 0.4 of one,
divided by the log of the document's length, times the document's boost; the most recently updated
first breaks ties. Partial matches (``SearchResults``) are counted in SQL: how many of the optional
parts each document holds, each part's documents found once through the index.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any, TypeVar

from psycopg import errors
from sqlalchemy import (
    ARRAY,
    Boolean,
    ColumnElement,
    Connection,
    Engine,
    Integer,
    Text,
    and_,
    any_,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import TSQUERY, aggregate_order_by
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import OperationalError

from polka.locks import AdvisoryLock
from polka.search.analysis import STOP_WORDS, stem
from polka.search.backend import (
    FACETS,
    PARTIAL_BELOW,
    Change,
    Hit,
    Loader,
    LockTimeout,
    SearchRequest,
    SearchResults,
    Sort,
)
from polka.search.documents import Audience, SearchDocument, index_tag
from polka.search.pg_query import Check, Match, Translation, lexeme, vectors, vocabulary
from polka.search.pg_tables import search_documents, search_journal, search_state, search_words
from polka.search.query import Query
from polka.search.snippets import make_snippet
from polka.search.spelling import edits, respell, swaps, within_reach

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How documents are turned into rows and vectors: raise it with any change to ``pg_query``'s vectors
#: or ``analysis``, and ``polka worker`` rebuilds an index built by an older format. A new database's
#: index starts at 0 (nothing built), so the worker indexes what is already there.
PG_INDEX_FORMAT = 2
#: ``ts_rank``'s weights of D, C, B and A: body, where it lives, (unused), title.
RANK_WEIGHTS = "{0.5,0.2,0.2,1.0}"
#: ``ts_rank``'s normalisation: divide by 1 + the logarithm of the document's length.
RANK_NORMALISATION = 1
#: A prefix searches at most this many stems beyond those starting with it.
PREFIX_STEMS = 64
#: "Did you mean …?" looks at this many words of the vocabulary closest to a word by trigrams …
SPELL_CANDIDATES = 40
#: … of at least this trigram similarity.
SPELL_SIMILARITY = 0.2
#: Documents written per statement.
WRITE_BATCH = 500
#: How long a rebuild waits for one under way in another process (then ``LockBusy``).
REBUILD_WAIT = 6 * 3600.0

D = search_documents.c


@dataclass(frozen=True)
class Partial:
    """A partial search's optional parts, as whether each document holds them (``_holding``), and how
    many of them a match holds at least."""

    holds: list[ColumnElement[bool]]
    least: int


@dataclass(frozen=True)
class _Answer:
    """One pass over a search's matches: their number, facet counts and the page, each entry (kind, id,
    score, which optional parts it holds — empty unless a partial search)."""

    total: int
    facets: dict[str, dict[str, int]]
    page: list[tuple[str, int, float, tuple[bool, ...]]]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` ``size`` at a time (``itertools.batched`` from Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _tsquery(text: str) -> ColumnElement[Any]:
    return cast(literal(text, Text), TSQUERY)


def _matches(text: str, column: ColumnElement[Any] = D.vector) -> ColumnElement[bool]:
    return column.op("@@", return_type=Boolean)(_tsquery(text))


def _where(match: Match) -> ColumnElement[bool]:
    """The documents ``match`` finds: those its terms find in the exact index, checked against their
    vectors as far as the terms are not sure (``Check``)."""
    found = _matches(match.terms, D.terms) if match.terms is not None else true()
    if match.check is Check.NEVER:
        return found
    checked = _matches(match.vector)
    return and_(found, or_(D.complete, checked) if match.check is Check.IF_INCOMPLETE else checked)


def _holding(allowed: ColumnElement[bool], match: Match, name: str) -> ColumnElement[bool]:
    """Whether a document holds ``match``: one of the allowed documents the index finds for it, found
    once for the statement (``name``: its own name in it), not by reading each candidate's vector."""
    holding = select(D.kind, D.object_id).where(allowed, _where(match)).cte(name).prefix_with("MATERIALIZED")
    return tuple_(D.kind, D.object_id).in_(select(holding.c.kind, holding.c.object_id))


def _in_title_or_body(quoted: ColumnElement[str]) -> ColumnElement[bool]:
    """Whether a document holds a stem (``quoted`` as one lexeme) in its title or body, not only where
    it lives: what "Did you mean …?" counts as a word the documents hold. Found by the exact index,
    then checked by the vector's weights."""
    return and_(
        D.terms.op("@@", return_type=Boolean)(cast(quoted, TSQUERY)),
        D.vector.op("@@", return_type=Boolean)(cast(quoted.concat(":AD"), TSQUERY)),
    )


def _one_of(column: ColumnElement[Any], values: Iterable[Any], kind: Any = Integer) -> ColumnElement[bool]:
    return column == any_(literal(sorted(values), ARRAY(kind)))


def _allowed(request: SearchRequest) -> ColumnElement[bool]:
    """The documents a request may see and asked for, as SQL (``polka.search.backend.Access``): content
    whose community is readable and, if sensitive, one the searcher belongs to; communities they may
    list; people if they may see the directory; what is open to everyone signed in (never sensitive).
    Every filter then narrows."""
    access = request.access
    allowed: list[ColumnElement[bool]] = []
    if access.communities:
        readers = and_(D.audience == Audience.READERS.value, _one_of(D.community_id, access.communities))
        if access.communities - access.sensitive_communities:
            member = (
                _one_of(D.community_id, access.sensitive_communities)
                if access.sensitive_communities
                else false()
            )
            readers = and_(readers, or_(D.sensitive.is_(False), member))
        allowed.append(readers)
    if access.listed:
        allowed.append(and_(D.audience == Audience.LISTERS.value, _one_of(D.community_id, access.listed)))
    if access.directory:
        allowed.append(D.audience == Audience.DIRECTORY.value)
    if access.signed_in:
        allowed.append(and_(D.audience == Audience.SIGNED_IN.value, D.sensitive.is_(False)))
    conditions = [or_(*allowed) if allowed else false()]
    # The same said once more as scopes (``pg_tables.SCOPE``), exactly for content and as 0 for the
    # rest: the planner then intersects the words' matches with the scope index's before reading any
    # row, and reads only rows the searcher may see (not every match in every community they may list).
    scopes = set(access.communities) | {-community for community in access.sensitive_communities}
    if access.listed or access.directory or access.signed_in:
        scopes |= {0}
    if request.communities:
        scopes = {scope for scope in scopes if scope == 0 or abs(scope) in request.communities}
        conditions.append(_one_of(D.community_id, request.communities))
    conditions.append(_one_of(D.scope, scopes))
    if request.kinds:
        conditions.append(_one_of(D.kind, request.kinds, Text))
    if request.organisations:
        conditions.append(_one_of(D.organisation_id, request.organisations))
    if request.tags:
        tags = {index_tag(tag) for tag in request.tags} - {""}
        conditions.append(D.tags.overlap(literal(sorted(tags), ARRAY(Text))) if tags else false())
    if request.updated_from is not None:
        conditions.append(D.updated_at >= request.updated_from)
    if request.updated_to is not None:
        conditions.append(D.updated_at <= request.updated_to)
    return and_(*conditions)


def document_row(document: SearchDocument, generation: int) -> dict[str, Any]:
    made = vectors(document)
    return {
        "kind": document.kind,
        "object_id": document.object_id,
        "audience": document.audience.value,
        "community_id": document.community_id,
        "sensitive": document.sensitive,
        "organisation_id": document.organisation_id,
        "author_id": document.author_id,
        "tags": sorted({tag for tag in map(index_tag, document.tags) if tag}),
        "title": document.title,
        "body": document.body,
        "vector": made.full,
        "lead": made.lead,
        "terms": made.terms,
        "complete": made.complete,
        "boost": document.boost,
        "created_at": document.created_at,
        "updated_at": document.updated_at,
        "generation": generation,
    }


class PostgresBackend:
    """A ``SearchBackend`` on the database of ``engine``; see the module's docstring."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- reading -----------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        nothing = SearchResults([], 0, {name: {} for name in FACETS} if request.facets else {})
        if request.access.is_empty or request.query.is_empty or request.limit <= 0:
            return nothing
        with self.engine.connect() as conn:
            translation = Translation(request.query, lambda prefix: self._expand(conn, prefix))
            every = translation.every()
            if every is None:
                return nothing
            allowed = _allowed(request)
            found = self._answer(conn, request, and_(allowed, _where(every)), every.vector)
            complete = None
            if found.total < PARTIAL_BELOW and len(translation.optional) > 1:
                complete = found.total
                strict = translation.strict()
                either = translation.either()
                partial = and_(allowed, _where(either), _where(strict) if strict is not None else true())
                holds = [
                    _holding(allowed, wanted.match, f"part_{number}")
                    for number, wanted in enumerate(translation.optional)
                ]
                found = self._answer(conn, request, partial, either.vector, Partial(holds, translation.least))
            if not found.total:
                return nothing
            bodies = self._bodies(conn, [(kind, object_id) for kind, object_id, _score, _held in found.page])
        highlighter = translation.marks.highlighter(stem)
        hits = []
        for kind, object_id, score, held in found.page:
            missing = tuple(
                wanted.label for wanted, holds in zip(translation.optional, held, strict=False) if not holds
            )
            snippet = make_snippet(bodies.get((kind, object_id), ""), highlighter)
            hits.append(Hit(kind, object_id, float(score), snippet, missing if held else ()))
        return SearchResults(hits, found.total, found.facets if request.facets else {}, complete)

    def count(self, request: SearchRequest) -> int:
        if request.access.is_empty or request.query.is_empty:
            return 0
        with self.engine.connect() as conn:
            every = Translation(request.query, lambda prefix: self._expand(conn, prefix)).every()
            if every is None:
                return 0
            condition = and_(_allowed(request), _where(every))
            return int(conn.scalar(select(func.count()).select_from(search_documents).where(condition)) or 0)

    def suggest(self, request: SearchRequest, keep: frozenset[str] = frozenset()) -> Query | None:
        if not request.query.words() or request.access.is_empty:
            return None
        allowed = _allowed(request)
        with self.engine.connect() as conn:

            def respelling(word: str) -> str | None:
                if word in STOP_WORDS or self._holds(conn, allowed, stem(word)):
                    return None
                return self._closest(conn, allowed, word)

            return respell(request.query, respelling, keep)

    def document_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.scalar(select(func.count()).select_from(search_documents)) or 0)

    def needs_rebuild(self) -> bool:
        """Whether the index was built by an older ``PG_INDEX_FORMAT`` (or never built: 0)."""
        with self.engine.connect() as conn:
            built = conn.scalar(select(search_state.c.format))
        return built is not None and built < PG_INDEX_FORMAT

    def _answer(
        self,
        conn: Connection,
        request: SearchRequest,
        condition: ColumnElement[bool],
        scoring: str,
        partial: Partial | None = None,
    ) -> _Answer:
        """The matches of ``condition`` in one pass: how many, the facet counts, and the page, best
        first by ``scoring`` (ranked on each document's lead, kept in its row). For a partial search,
        only documents holding at least ``partial.least`` of its optional parts, those holding more
        first, each with which parts it holds."""
        by_date = request.sort is Sort.DATE
        score: ColumnElement[Any] = (
            literal(0.0)
            if by_date
            else func.ts_rank(
                literal_column(f"'{RANK_WEIGHTS}'::float4[]"), D.lead, _tsquery(scoring), RANK_NORMALISATION
            )
            * D.boost
        )
        holds = partial.holds if partial is not None else []
        found = (
            select(
                D.kind,
                D.object_id,
                D.community_id,
                D.organisation_id,
                D.tags,
                D.updated_at,
                score.label("score"),
                *(each.label(f"holds_{number}") for number, each in enumerate(holds)),
            )
            .where(condition)
            .subquery("found")
        )
        f = found.c
        held = sum((cast(f[f"holds_{number}"], Integer) for number in range(len(holds))), start=literal(0))
        matched = (
            select(*f, held.label("held"))
            .where(held >= partial.least if partial is not None else true())
            .cte("matched")
        )
        m = matched.c

        def order(c: Any) -> list[Any]:
            return [
                c.held.desc(),
                *([] if by_date else [c.score.desc()]),
                c.updated_at.desc(),
                c.kind,
                c.object_id,
            ]

        entry = ["kind", "object_id", "score", *(f"holds_{number}" for number in range(len(holds)))]
        page = (  # the page alone sorted in full (the rest only as far as the page needs)
            select(*(m[name] for name in entry), m.held, m.updated_at)
            .order_by(*order(m))
            .offset(max(request.offset, 0))
            .limit(request.limit)
            .subquery("page")
        )
        listed = func.json_build_array(*(page.c[name] for name in entry))
        page_rows = select(
            func.coalesce(
                func.json_agg(aggregate_order_by(listed, *order(page.c))), literal_column("'[]'::json")
            )
        ).select_from(page)
        columns: list[Any] = [
            select(func.count()).select_from(matched).scalar_subquery().label("total"),
            page_rows.scalar_subquery().label("page"),
        ]
        if request.facets:
            tag = func.unnest(m.tags).table_valued("value").render_derived(name="tag")
            for name, value, source in (
                ("kind", m.kind, matched),
                ("community", m.community_id, matched),
                ("organisation", m.organisation_id, matched),
                ("tag", tag.c.value, matched.join(tag, func.cardinality(m.tags) > 0)),
            ):
                counted = (
                    select(value.label("value"), func.count().label("n"))
                    .select_from(source)
                    .where(value.is_not(None))
                    .group_by(value)
                    .subquery(name)
                )
                columns.append(
                    select(func.json_object_agg(counted.c.value, counted.c.n)).scalar_subquery().label(name)
                )
        row = conn.execute(select(*columns)).one()
        facets = {
            name: dict(sorted((getattr(row, name) or {}).items(), key=lambda item: -item[1]))
            for name in (FACETS if request.facets else ())
        }
        entries = [
            (entry[0], int(entry[1]), float(entry[2] or 0.0), tuple(bool(each) for each in entry[3:]))
            for entry in row.page
        ]
        return _Answer(int(row.total), facets, entries)

    @staticmethod
    def _bodies(conn: Connection, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """The bodies of a page's hits, for their snippets."""
        if not keys:
            return {}
        rows = conn.execute(select(D.kind, D.object_id, D.body).where(tuple_(D.kind, D.object_id).in_(keys)))
        return {(kind, object_id): body for kind, object_id, body in rows}

    def _expand(self, conn: Connection, prefix: str) -> list[str]:
        """The stems of words starting with ``prefix`` that do not start with it themselves."""
        starting = prefix + "%"
        return list(
            conn.scalars(
                select(search_words.c.stem)
                .where(search_words.c.word.like(starting), search_words.c.stem.not_like(starting))
                .distinct()
                .limit(PREFIX_STEMS)
            )
        )

    @staticmethod
    def _holds(conn: Connection, allowed: ColumnElement[bool], found: str) -> bool:
        """Whether an allowed document holds the stem ``found`` in its title or body: the first one
        found is enough (a common word's every match is not read)."""
        first = select(literal(1)).where(allowed, _in_title_or_body(literal(lexeme(found), Text))).limit(1)
        return conn.scalar(first) is not None

    def _held(self, conn: Connection, allowed: ColumnElement[bool], stems: Sequence[str]) -> dict[str, int]:
        """How many allowed documents hold each of ``stems`` in their title or body (those none holds
        are left out)."""
        if not stems:
            return {}
        wanted = (
            func.unnest(literal(sorted(set(stems)), ARRAY(Text)))
            .table_valued("stem")
            .render_derived(name="wanted")
        )
        rows = conn.execute(
            select(wanted.c.stem, func.count())
            .select_from(wanted)
            .join(search_documents, _in_title_or_body(func.quote_literal(wanted.c.stem)))
            .where(allowed)
            .group_by(wanted.c.stem)
        )
        return {row[0]: row[1] for row in rows}

    def _closest(self, conn: Connection, allowed: ColumnElement[bool], word: str) -> str | None:
        """The vocabulary's word closest to ``word`` that allowed documents hold (within reach:
        ``polka.search.spelling.within_reach``): fewest edits, then most documents, then alphabetical."""
        # For this read's transaction only (it is never committed).
        conn.execute(select(func.set_config("pg_trgm.similarity_threshold", str(SPELL_SIMILARITY), True)))
        rows = conn.execute(
            select(search_words.c.word, search_words.c.stem)
            .where(
                or_(
                    search_words.c.word.op("%", return_type=Boolean)(word),
                    _one_of(search_words.c.word, swaps(word), Text),
                )
            )
            .order_by(func.similarity(search_words.c.word, word).desc())
            .limit(SPELL_CANDIDATES)
        ).all()
        candidates = {row.word: row.stem for row in rows if row.word != word and within_reach(word, row.word)}
        held = self._held(conn, allowed, list(candidates.values()))
        found = {candidate: held[found] for candidate, found in candidates.items() if held.get(found)}
        if not found:
            return None
        return str(min(found, key=lambda candidate: (edits(word, candidate), -found[candidate], candidate)))

    # --- writing -----------------------------------------------------------------------------------

    def apply(self, changes: Sequence[Change], *, timeout: float) -> None:
        """Write every change in one transaction, waiting at most ``timeout`` seconds for a row another
        writer holds (``LockTimeout``); while a rebuild runs, note what changed for it to replay."""
        if not changes:
            return
        with self._writing(timeout) as conn:
            state = conn.execute(
                select(search_state.c.generation, search_state.c.rebuilding).with_for_update(read=True)
            ).one_or_none()
            generation = state.generation if state is not None else 0
            self._write(conn, changes, generation)
            if state is not None and state.rebuilding:
                keys = sorted({(change.kind, change.object_id) for change in changes})
                conn.execute(
                    pg_insert(search_journal)
                    .values([{"kind": kind, "object_id": object_id} for kind, object_id in keys])
                    .on_conflict_do_nothing()
                )

    @contextmanager
    def _writing(self, timeout: float) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    select(func.set_config("lock_timeout", f"{max(1, int(timeout * 1000))}ms", True))
                )
                yield conn
        except OperationalError as exc:
            if isinstance(exc.orig, errors.LockNotAvailable):
                raise LockTimeout(f"another writer held the search index for {timeout:g}s") from exc
            raise

    @staticmethod
    def _write(conn: Connection, changes: Sequence[Change], generation: int) -> None:
        """Replace or remove each change's row, in key order (writers never wait on each other in a
        circle), and add the documents' words to the vocabulary."""
        ordered = sorted(changes, key=lambda change: (change.kind, change.object_id))
        gone = [(change.kind, change.object_id) for change in ordered if change.document is None]
        if gone:
            conn.execute(delete(search_documents).where(tuple_(D.kind, D.object_id).in_(gone)))
        documents = [change.document for change in ordered if change.document is not None]
        if not documents:
            return
        for batch in batched(documents, WRITE_BATCH):
            added = pg_insert(search_documents).values([document_row(each, generation) for each in batch])
            kept = {"kind", "object_id"}
            conn.execute(
                added.on_conflict_do_update(
                    index_elements=[D.kind, D.object_id],
                    set_={
                        column.name: added.excluded[column.name]
                        for column in search_documents.c
                        if column.name not in kept and column.computed is None
                    },
                )
            )
        known = sorted(set().union(*(vocabulary(each) for each in documents)))
        for words in batched(known, 5000):
            conn.execute(
                pg_insert(search_words)
                .values([{"word": word, "stem": stem(word)} for word in words])
                .on_conflict_do_nothing()
            )

    def rebuild(self, documents: Iterable[SearchDocument], reload: Loader) -> int:
        """Rewrite every document in place under a new generation while search goes on answering, then
        replay what the applier changed meanwhile and remove what the rebuild did not write (objects
        gone since). One rebuild at a time (an advisory lock); one that waited for another to end
        does not do the same work again (two workers started on an index of an older format). A failed
        rebuild leaves the index as it was plus what it had written, marked as needing a rebuild."""
        with self.engine.connect() as conn:
            before = conn.execute(select(search_state.c.generation, search_state.c.rebuilding)).one_or_none()
        with AdvisoryLock(self.engine, "polka.search.rebuild").held(timeout=REBUILD_WAIT):
            with self.engine.connect() as conn:
                state = conn.execute(select(search_state)).one_or_none()
            if (
                state is not None
                and before is not None
                and (before.rebuilding or state.generation > before.generation)  # one ran meanwhile
                and state.format == PG_INDEX_FORMAT
                and not state.rebuilding  # and it ended well
            ):
                log.info("the search index was rebuilt by another process meanwhile")
                return self.document_count()
            return self._rebuild(documents, reload)

    def _rebuild(self, documents: Iterable[SearchDocument], reload: Loader) -> int:
        with self.engine.begin() as conn:
            if conn.scalar(select(search_state.c.id)) is None:
                conn.execute(insert(search_state).values(id=1, format=0, generation=0))
            generation = conn.scalar(
                update(search_state)
                .values(generation=search_state.c.generation + 1, rebuilding=True)
                .returning(search_state.c.generation)
            )
            conn.execute(delete(search_journal))
        try:
            indexed = self._rewrite(documents, reload, generation)
        except BaseException:
            # Appliers need not note their changes any longer; the index counts as not built, so the
            # next worker to start (or one waiting for this rebuild) does it again.
            with self.engine.begin() as conn:
                conn.execute(update(search_state).values(rebuilding=False, format=0))
                conn.execute(delete(search_journal))
            raise
        return indexed

    def _rewrite(self, documents: Iterable[SearchDocument], reload: Loader, generation: int) -> int:
        """Write ``documents`` under ``generation``, then end the rebuild: replay the journal and remove
        what this generation did not write. Returns how many documents were written."""
        indexed = 0
        for batch in batched(documents, WRITE_BATCH):
            with self.engine.begin() as conn:
                self._write(conn, [Change(each.kind, each.object_id, each) for each in batch], generation)
            indexed += len(batch)
        with self.engine.begin() as conn:
            # Taken first: appliers under way finish, and new ones wait until the rebuild has ended.
            conn.execute(select(search_state.c.id).with_for_update())
            keys = [
                (row.kind, row.object_id)
                for row in conn.execute(
                    delete(search_journal).returning(search_journal.c.kind, search_journal.c.object_id)
                )
            ]
            if keys:
                fresh = reload(keys)
                self._write(
                    conn,
                    [Change(kind, object_id, fresh.get((kind, object_id))) for kind, object_id in keys],
                    generation,
                )
            conn.execute(delete(search_documents).where(D.generation < generation))
            conn.execute(update(search_state).values(rebuilding=False, format=PG_INDEX_FORMAT))
        # The rows the rebuild replaced are removed and the rest marked visible to every transaction (so
        # a search reads no more than it finds), and the planner's figures brought up to date, now
        # rather than whenever autovacuum comes by.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) search_documents, search_words"))
        return indexed
