"""The Whoosh backend's own ways: its analysis, index formats, generations and rebuilds, and writers
in other processes (what every backend does: ``test_backends.py``)."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from whoosh.analysis import STOP_WORDS

from polka.search import analysis, whoosh_backend, whoosh_reading
from polka.search.backend import Access, Change, LockTimeout
from polka.search.documents import SearchDocument
from polka.search.whoosh_backend import JOURNAL, POINTER, WhooshBackend
from tests.search.backends import EVERYONE, doc, find, ids, put

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[WhooshBackend]:
    """A Whoosh backend on an empty index."""
    backend = WhooshBackend(tmp_path / "index")
    yield backend
    backend.close()


def test_both_backends_leave_out_the_same_stop_words() -> None:
    assert analysis.STOP_WORDS == STOP_WORDS


@pytest.mark.parametrize(
    "text",
    ["Meetings of the Policing board", "O'Brien e-mail PNC-123 İstanbul ÉCOLE x_y 3.5", "straße ǅ ΣΑΣ ﬁne"],
)
def test_the_counting_field_holds_the_words_the_text_fields_hold_but_stop_words(text: str) -> None:
    schema = whoosh_reading.make_schema()
    body = {token.text for token in schema["body"].analyzer(text)}
    assert whoosh_reading.index_stems(text) == {token.text for token in schema["terms"].analyzer(text)}
    assert whoosh_reading.index_stems(text) == body - STOP_WORDS


def test_an_index_of_the_format_before_audiences_is_searched_as_built_until_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = WhooshBackend(tmp_path / "index")
    for field in ("audience", "context"):  # format 2, as the last release wrote it
        engine.schema.remove(field)
    written = whoosh_backend.document_fields
    monkeypatch.setattr(
        whoosh_backend,
        "document_fields",
        lambda document: {k: v for k, v in written(document).items() if k not in ("audience", "context")},
    )
    put(engine, doc(1, body="custody open"), doc(2, body="custody sensitive", sensitive=True))
    engine.close()
    monkeypatch.undo()

    reader = WhooshBackend(tmp_path / "index")
    assert ids(find(reader, "custody", Access(frozenset({1}), frozenset(), listed=frozenset({1})))) == {1}
    assert ids(find(reader, "custody", EVERYONE)) == {1, 2}
    reader.close()


# --- rebuilding ------------------------------------------------------------------------------------


def no_reload(pairs: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SearchDocument]:
    return {}


def test_rebuild_swaps_in_a_new_index_and_search_answers_throughout(engine: WhooshBackend) -> None:
    put(engine, doc(1, body="custody old"), doc(2, body="custody gone"))
    seen_during: list[set[int]] = []

    def documents() -> Iterator[SearchDocument]:
        yield doc(1, body="custody new")
        seen_during.append(ids(find(engine, "custody")))
        yield doc(3, body="custody added")

    assert engine.rebuild(documents(), no_reload) == 2
    assert seen_during == [{1, 2}]
    assert ids(find(engine, "custody")) == {1, 3}
    assert ids(find(engine, "old")) == set()
    assert [p.name for p in engine.root.iterdir() if p.name.startswith("gen-")] == [
        (engine.root / POINTER).read_text()
    ]


def test_changes_applied_during_a_rebuild_survive_the_swap(engine: WhooshBackend) -> None:
    put(engine, doc(1, body="custody first"), doc(2, body="custody second"))
    database = {("wiki", 1): doc(1, body="custody edited"), ("wiki", 3): doc(3, body="custody created")}
    reloaded: list[list[tuple[str, int]]] = []

    def documents() -> Iterator[SearchDocument]:
        yield doc(1, body="custody first")  # read before the edit
        yield doc(2, body="custody second")  # read before its deletion
        # Meanwhile the outbox applies an edit, a deletion and a new page to the live index.
        engine.apply(
            [
                Change("wiki", 1, database[("wiki", 1)]),
                Change("wiki", 2, None),
                Change("wiki", 3, database[("wiki", 3)]),
            ],
            timeout=5,
        )
        assert ids(find(engine, "custody")) == {1, 3}

    def reload(pairs: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SearchDocument]:
        reloaded.append(list(pairs))
        return {pair: database[pair] for pair in pairs if pair in database}

    assert engine.rebuild(documents(), reload) == 2
    assert sorted(reloaded[0]) == [("wiki", 1), ("wiki", 2), ("wiki", 3)]
    assert ids(find(engine, "custody")) == {1, 3}
    assert ids(find(engine, "edited")) == {1}
    assert not (engine.root / JOURNAL).exists()


def test_an_apply_waiting_during_the_swap_writes_to_the_new_index(engine: WhooshBackend) -> None:
    put(engine, doc(1, body="custody"))
    late = WhooshBackend(engine.root)  # another worker's engine
    waiting = threading.Thread(target=lambda: put(late, doc(9, body="custody late")))

    def documents() -> Iterator[SearchDocument]:
        yield doc(1, body="custody")
        put(engine, doc(1, body="custody edited"))  # so the rebuild has something to replay

    def reload(pairs: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SearchDocument]:
        waiting.start()  # the rebuild holds the live writer: this apply waits for it
        time.sleep(0.2)
        return {("wiki", 1): doc(1, body="custody edited")}

    engine.rebuild(documents(), reload)
    waiting.join(timeout=10)
    late.close()
    assert ids(find(engine, "custody")) == {1, 9}


def test_a_rebuild_that_fails_leaves_the_live_index_alone(engine: WhooshBackend) -> None:
    put(engine, doc(1, body="custody"))

    def documents() -> Iterator[SearchDocument]:
        yield doc(2, body="custody")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        engine.rebuild(documents(), no_reload)
    assert ids(find(engine, "custody")) == {1}
    assert len([p for p in engine.root.iterdir() if p.name.startswith("gen-")]) == 1
    assert not (engine.root / JOURNAL).exists()


def test_a_crashed_rebuild_is_cleaned_up_by_the_next(engine: WhooshBackend) -> None:
    put(engine, doc(1, body="custody"))
    (engine.root / JOURNAL).write_text("wiki:1\nwiki:77\n")  # a rebuild died mid-way
    half_built = engine.root / "gen-1-deadbeef"
    half_built.mkdir()
    (half_built / "_MAIN_1.toc").write_bytes(b"partial")
    put(engine, doc(2, body="custody"))  # applying still works meanwhile

    assert engine.rebuild([doc(1, body="custody"), doc(2, body="custody")], no_reload) == 2
    assert not half_built.exists()
    assert not (engine.root / JOURNAL).exists()
    assert ids(find(engine, "custody")) == {1, 2}


# --- other processes -------------------------------------------------------------------------------

HOLD_WRITER = """
import sys
from pathlib import Path
from whoosh.index import open_dir
root = Path(sys.argv[1])
writer = open_dir(str(root / (root / "CURRENT").read_text())).writer()
print("holding", flush=True)
sys.stdin.readline()
writer.cancel()
"""

APPLY_MANY = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from polka.search.backend import Change
from polka.search.documents import Audience, SearchDocument
from polka.search.whoosh_backend import WhooshBackend
engine = WhooshBackend(Path(sys.argv[1]))
first = int(sys.argv[2])
now = datetime.now(UTC)
print("ready", flush=True)
sys.stdin.readline()
for number in range(first, first + 40):
    document = SearchDocument("wiki", number, 1, "OFFICIAL", False, "Page", "custody", now, now)
    engine.apply([Change("wiki", number, document)], timeout=30)
print("done", flush=True)
"""


def _python(script: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def test_apply_times_out_while_another_process_holds_the_writer(engine: WhooshBackend) -> None:
    put(engine, doc(1, body="custody"))
    holder = _python(HOLD_WRITER, str(engine.root))
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(LockTimeout):
            put_with_timeout(engine, doc(2, body="custody"), timeout=0.3)
    finally:
        holder.communicate("\n", timeout=10)
    put_with_timeout(engine, doc(2, body="custody"), timeout=5)
    assert ids(find(engine, "custody")) == {1, 2}


def put_with_timeout(engine: WhooshBackend, document: SearchDocument, timeout: float) -> None:
    engine.apply([Change(document.kind, document.object_id, document)], timeout=timeout)


def test_two_processes_writing_at_once_lose_nothing(engine: WhooshBackend) -> None:
    engine.document_count()  # creates the index both will write to
    writers = [_python(APPLY_MANY, str(engine.root), str(first)) for first in (1, 101)]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("\n")
        writer.stdin.flush()
    for writer in writers:
        output, _ = writer.communicate(timeout=60)
        assert output.strip() == "done"
        assert writer.returncode == 0
    assert engine.document_count() == 80
    results = find(engine, "custody", limit=100)
    assert ids(results) == set(range(1, 41)) | set(range(101, 141))
