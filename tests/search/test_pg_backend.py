"""The PostgreSQL backend's own ways: rebuilding in place while search answers and the applier writes,
waiting for another writer, the limits of a vector, and the words it gives the database."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

import pytest
from sqlalchemy import Connection, Engine, select, text

from polka.db import make_engine
from polka.search.backend import Change, LockTimeout
from polka.search.documents import SearchDocument
from polka.search.pg_backend import PostgresBackend
from polka.search.pg_query import INCOMPLETE, LEAD_WORDS, MAX_POSITION, vectors
from polka.search.pg_tables import search_state
from tests.conftest import PG_URL
from tests.search.backends import doc, find, ids, put
from tests.servers import scratch_postgresql
from tests.test_migrations import upgraded

pytestmark = pytest.mark.skipif(not PG_URL, reason="the PostgreSQL backend needs POLKA_TEST_DATABASE_URL")


@pytest.fixture
def database(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(database: Engine) -> PostgresBackend:
    return PostgresBackend(database)


def no_reload(keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SearchDocument]:
    return {}


# --- rebuilding --------------------------------------------------------------------------------------


def test_a_rebuild_rewrites_everything_and_drops_what_is_gone_while_search_answers(engine):
    put(engine, doc(1, body="custody old"), doc(2, body="custody gone"))
    seen_during: list[set[int]] = []

    def documents() -> Iterator[SearchDocument]:
        yield doc(1, body="custody new")
        seen_during.append(ids(find(engine, "custody")))  # mid-rebuild: search still answers
        yield doc(3, body="custody added")

    assert engine.rebuild(documents(), no_reload) == 2
    assert seen_during == [{1, 2}]
    assert ids(find(engine, "custody")) == {1, 3}
    assert ids(find(engine, "new")) == {1}
    assert engine.document_count() == 2


def test_changes_applied_during_a_rebuild_survive_it(engine):
    put(engine, doc(1, body="custody"), doc(2, body="custody"), doc(3, body="custody"))
    database = {("wiki", 1): doc(1, body="custody updated"), ("wiki", 3): doc(3, body="custody")}

    def documents() -> Iterator[SearchDocument]:
        yield doc(1, body="custody")  # read before the update below: stale
        yield doc(2, body="custody")  # read before the delete below: stale
        # Meanwhile the applier writes the changes it was told of.
        engine.apply([Change("wiki", 1, database[("wiki", 1)]), Change("wiki", 2, None)], timeout=5)
        yield doc(3, body="custody")

    def reload(keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SearchDocument]:
        return {key: database[key] for key in keys if key in database}

    engine.rebuild(documents(), reload)
    assert ids(find(engine, "custody")) == {1, 3}
    assert ids(find(engine, "updated")) == {1}


def test_a_rebuild_that_fails_leaves_the_index_answering_and_the_applier_free(engine, database):
    put(engine, doc(1, body="custody"), doc(2, body="custody"))

    def documents() -> Iterator[SearchDocument]:
        yield doc(1, body="custody")
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        engine.rebuild(documents(), no_reload)
    assert ids(find(engine, "custody")) == {1, 2}
    with database.connect() as conn:
        assert conn.execute(select(search_state.c.rebuilding)).scalar() is False
    assert engine.needs_rebuild()  # the next worker to start does it again
    put(engine, doc(3, body="custody"))
    assert ids(find(engine, "custody")) == {1, 2, 3}


def test_an_apply_waits_for_a_rebuild_to_end_and_is_not_lost(engine, database):
    put(engine, doc(1, body="custody"))
    ended = threading.Event()
    applied: list[float] = []

    def documents() -> Iterator[SearchDocument]:
        writer = threading.Thread(
            target=lambda: (put(engine, doc(2, body="custody late")), applied.append(1))
        )
        writer.start()
        writer.join(timeout=10)  # an apply during the rebuild does not wait: rows are not locked yet
        assert applied
        yield doc(1, body="custody")
        ended.set()

    engine.rebuild(documents(), lambda keys: {("wiki", 2): doc(2, body="custody late")})
    assert ended.is_set()
    assert ids(find(engine, "custody")) == {1, 2}


# --- writers -------------------------------------------------------------------------------------------


def test_an_apply_gives_up_when_another_writer_holds_the_row(engine, database):
    put(engine, doc(1, body="custody"))
    with database.connect() as other:
        other.execute(text("SELECT 1 FROM search_documents WHERE object_id = 1 FOR UPDATE"))
        with pytest.raises(LockTimeout):
            engine.apply([Change("wiki", 1, doc(1, body="custody changed"))], timeout=0.2)
        other.rollback()
    assert ids(find(engine, "changed")) == set()  # nothing was written
    put(engine, doc(1, body="custody changed"))
    assert ids(find(engine, "changed")) == {1}


# --- vectors -----------------------------------------------------------------------------------------


def test_a_very_long_document_is_indexed_and_its_words_found(engine):
    # 100,000 words (the longest page a wiki takes is about that), far beyond the positions a vector keeps
    words = " ".join(f"word{n % 5000}" for n in range(100_000))
    put(engine, doc(1, "Long", f"opening phrase {words} closing remark"))
    assert ids(find(engine, "word4999")) == {1}  # plain words anywhere
    assert ids(find(engine, "remark")) == {1}
    assert ids(find(engine, '"opening phrase"')) == {1}
    assert ids(find(engine, '"closing remark"')) == {1}  # two words: anywhere, by their pair
    assert ids(find(engine, '"phrase word0 word1"')) == {1}  # longer: within the first 16,383 words
    assert ids(find(engine, '"remark closing"')) == set()


def test_a_document_too_big_for_every_pair_is_still_found_by_its_phrases(engine):
    # 400 words in 150,000 pairs of them, about 110,000 different: every word fits in the terms, not
    # every pair, so such a document's phrases are checked by its vector
    chosen = random.Random(19).choices([f"w{n}" for n in range(400)], k=150_000)
    words = " ".join(chosen)
    made = vectors(doc(1, "Huge", f"opening phrase {words} closing remark"))
    assert not made.complete
    assert f"'{INCOMPLETE}'" in made.terms
    assert {f"'{word}'" for word in chosen} <= set(made.terms.split(" "))  # every stem
    put(engine, doc(1, "Huge", f"opening phrase {words} closing remark"), doc(2, "Small", "opening words"))
    assert ids(find(engine, '"opening phrase"')) == {1}
    assert ids(find(engine, "title:huge")) == {1}
    assert ids(find(engine, '"phrase opening"')) == set()
    assert ids(find(engine, 'opening -"opening phrase"')) == {2}


def test_terms_hold_stems_pairs_within_a_field_and_the_title_marked_apart():
    made = vectors(replace(doc(1, "Custody suite", "Custody review"), context="Roads"))
    assert made.complete
    assert set(re.findall(r"'([^']*)'", made.terms)) == {
        "custodi", "suit", "road", "review",  # every stem
        "=custodi", "=suit", "=~custodi suit",  # the title's, marked
        "~custodi suit", "~custodi review",  # pairs; none runs from one field into the next
    }  # fmt: skip


def test_rows_written_before_terms_existed_are_found_until_the_worker_rebuilds():
    # The index as the previous release left it (vectors, no terms), then migration 7c41d2e8a9b3
    written = [
        doc(1, "Custody suite", "The risk assessment was reviewed."),
        doc(2, "Notes", "risk and assessment"),
    ]

    def fill(conn: Connection) -> None:
        for each in written:
            made = vectors(each)
            conn.execute(
                text(
                    "INSERT INTO search_documents (kind, object_id, audience, community_id, sensitive, title,"
                    " body, vector, lead, created_at, updated_at) VALUES (:kind, :id, :audience, 1, false,"
                    " :title, :body, CAST(:vector AS tsvector), CAST(:lead AS tsvector), :at, :at)"
                ),
                {
                    "kind": each.kind,
                    "id": each.object_id,
                    "audience": each.audience.value,
                    "title": each.title,
                    "body": each.body,
                    "vector": made.full,
                    "lead": made.lead,
                    "at": each.updated_at,
                },
            )
        conn.execute(text("UPDATE search_state SET format = 1"))

    with (
        scratch_postgresql("polka_terms", PG_URL) as url,
        upgraded(url, "554f5ece6f14", fill, "head") as database,
    ):
        backend = PostgresBackend(database)
        assert backend.needs_rebuild()  # the worker will rebuild it; meanwhile search finds every row
        assert ids(find(backend, '"risk assessment"')) == {1}
        assert ids(find(backend, "title:suite")) == {1}
        assert ids(find(backend, "risk -title:custody")) == {2}
        assert ids(find(backend, "assessment")) == {1, 2}


def test_the_vector_weights_fields_and_leaves_a_gap_between_them():
    vector = vectors(replace(doc(1, "Custody suite", "Custody review"), context="Roads")).full
    assert vector == "'custodi':1A,6D 'suit':2A 'road':4C 'review':7D"


def test_positions_past_the_last_one_a_vector_keeps_share_it():
    vector = vectors(doc(1, "", " ".join(["custody"] * 5) + " x" * MAX_POSITION + " custody")).full
    assert vector.startswith("'custodi':3D,4D,5D,6D,7D,16383D ")


def test_a_rebuild_that_waited_for_another_does_not_do_it_again(engine):
    put(engine, doc(1, body="custody"))
    started, release = threading.Event(), threading.Event()
    second_read: list[object] = []

    def slow() -> Iterator[SearchDocument]:
        started.set()
        release.wait(timeout=10)
        yield doc(1, body="custody rebuilt")

    def second() -> Iterator[SearchDocument]:
        second_read.append("read")
        yield doc(1, body="custody again")

    first = threading.Thread(target=lambda: engine.rebuild(slow(), no_reload))
    first.start()
    assert started.wait(timeout=10)
    waiting = threading.Thread(target=lambda: second_read.append(engine.rebuild(second(), no_reload)))
    waiting.start()
    time.sleep(0.3)  # the second is waiting for the first's lock
    release.set()
    first.join(timeout=30)
    waiting.join(timeout=30)
    assert second_read == [1]  # it answered the index's size, and read nothing
    assert ids(find(engine, "rebuilt")) == {1}


def test_the_lead_that_ranks_holds_the_title_where_it_lives_and_the_opening_of_the_body():
    body = " ".join(f"w{n}" for n in range(LEAD_WORDS + 50)) + " custody"
    vector, lead, _terms, _complete = vectors(replace(doc(1, "Custody suite", body), context="Roads"))
    assert lead.startswith("'custodi':1A 'suit':2A 'road':4C 'w0':6D")
    assert f"'w{LEAD_WORDS - 1}':" in lead
    assert f"'w{LEAD_WORDS}':" not in lead
    assert f"'w{LEAD_WORDS}':" in vector
    assert "'custodi':1A," in vector  # the whole vector has its place in the body too


def test_a_title_match_still_ranks_first_when_matches_lie_beyond_the_lead(engine):
    filler = " ".join(f"w{n}" for n in range(LEAD_WORDS + 10))
    put(
        engine,
        doc(1, "Notes", f"{filler} custody custody custody", days=2),
        doc(2, "Custody notes", "Other things.", days=1),
    )
    assert [hit.object_id for hit in find(engine, "custody").hits] == [2, 1]
