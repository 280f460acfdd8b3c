"""The Whoosh backend: index generations under one directory, a pointer naming the live one, a
searcher per thread, writers that wait for each other across processes, and rebuilds that never stop
search answering. How the index is searched lives in ``polka.search.whoosh_reading``.

Layout under ``root``::

    CURRENT            the live generation's directory name (replaced atomically)
    gen-<time>-<hex>/  a Whoosh index, and ``FORMAT``: the ``INDEX_FORMAT`` it was built by (none: 1)
    rebuild.lock       held (flock) by the one rebuild that may run at a time
    rebuild.journal    while a rebuild runs: the key of everything apply() changed, replayed before
                       the swap

Writers take Whoosh's own writer lock with a timeout (``ix.writer(timeout=…)``), never ``AsyncWriter``,
which loses its queued writes when its process dies.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

from whoosh.index import EmptyIndexError, FileIndex, LockError, create_in, open_dir

from polka.search.backend import FACETS, Change, Loader, LockTimeout, SearchRequest, SearchResults
from polka.search.documents import SearchDocument, document_key, split_key
from polka.search.query import Query
from polka.search.whoosh_reading import INDEX_FORMAT, IndexView, document_fields, make_schema

T = TypeVar("T")

POINTER = "CURRENT"
JOURNAL = "rebuild.journal"
REBUILD_LOCK = "rebuild.lock"
GENERATION_PREFIX = "gen-"
FORMAT = "FORMAT"
#: Memory the rebuild's writer may use before it writes a segment out.
REBUILD_LIMITMB = 256
#: How long a rebuild waits for the live index's writer before it swaps generations.
REBUILD_WAIT = 300.0


# --- the backend ----------------------------------------------------------------------------------


def _writer(ix: FileIndex, **options: Any) -> Any:
    """A Whoosh writer that leaves each segment as separate files.

    Whoosh's default compound segment is read by copying it whole into memory for every searcher
    opened: measured on 50,000 documents, 580 MB and 170 ms per searcher, and every commit opens new
    searchers. Separate files are read in place.
    """
    return ix.writer(compound=False, **options)


class WhooshBackend:
    """A ``SearchBackend`` on Whoosh index generations under ``root``; see the module's docstring."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.schema = make_schema()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._views: set[IndexView] = set()
        self._indexes: dict[str, FileIndex] = {}

    # --- reading -----------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        nothing = SearchResults([], 0, {name: {} for name in FACETS} if request.facets else {})
        if request.access.is_empty or request.query.is_empty or request.limit <= 0:
            return nothing  # without touching the index
        return self._reading(lambda view: view.search(request)) or nothing

    def count(self, request: SearchRequest) -> int:
        if request.access.is_empty or request.query.is_empty:
            return 0
        return self._reading(lambda view: view.count(request))

    def suggest(self, request: SearchRequest, keep: frozenset[str] = frozenset()) -> Query | None:
        if not request.query.words() or request.access.is_empty:
            return None
        return self._reading(lambda view: view.suggest(request, keep))

    def document_count(self) -> int:
        return self._reading(lambda view: view.document_count())

    def needs_rebuild(self) -> bool:
        """Whether the live index was built by an older ``INDEX_FORMAT`` than this code's (a release
        changed how documents are analysed or stored): only a rebuild brings it up to date, since
        Whoosh writes every change with the schema an index was created with."""
        try:
            generation = self._read_pointer()
        except FileNotFoundError:
            return False  # no index yet: the first one is made by this code
        try:
            built = int((self.root / generation / FORMAT).read_text("utf-8").strip())
        except FileNotFoundError:
            built = 1  # generations made before the format was written down
        return built < INDEX_FORMAT

    def close(self) -> None:
        """Close every searcher this backend opened, in any thread; the next call opens a new one."""
        with self._lock:
            views, self._views = self._views, set()
            self._indexes.clear()
        for view in views:
            with suppress(Exception):
                view.close()

    def _reading(self, work: Callable[[IndexView], T]) -> T:
        """Run ``work`` on this thread's searcher, retrying once if a commit or a generation swap
        removed a file under it."""
        try:
            return work(self._view())
        except (FileNotFoundError, EmptyIndexError):
            self._drop_view()
            return work(self._view())

    def _view(self) -> IndexView:
        generation = self._live_generation()
        view: IndexView | None = getattr(self._local, "view", None)
        if view is not None and not view.closed and view.generation == generation:
            view.refresh()
            return view
        self._drop_view()
        view = IndexView(generation, self._index(generation))
        self._local.view = view
        with self._lock:
            self._views.add(view)
        return view

    def _drop_view(self) -> None:
        view: IndexView | None = getattr(self._local, "view", None)
        self._local.view = None
        if view is not None:
            with self._lock:
                self._views.discard(view)
            with suppress(Exception):
                view.close()

    # --- writing -----------------------------------------------------------------------------------

    def apply(self, changes: Sequence[Change], *, timeout: float) -> None:
        if not changes:
            return
        deadline = time.monotonic() + timeout
        while True:
            generation = self._live_generation()
            try:
                writer = _writer(self._index(generation), timeout=max(0.0, deadline - time.monotonic()))
            except LockError:
                raise LockTimeout(f"the search index's writer was busy for {timeout:g}s") from None
            except (FileNotFoundError, EmptyIndexError):
                if self._live_generation() != generation:
                    continue  # a rebuild swapped generations and removed this one
                raise
            try:
                if self._live_generation() != generation:
                    writer.cancel()  # a rebuild swapped while we waited: write to the new generation
                    continue
                self._journal([document_key(change.kind, change.object_id) for change in changes])
                for change in changes:
                    if change.document is None:
                        writer.delete_by_term("key", document_key(change.kind, change.object_id))
                    else:
                        writer.update_document(**document_fields(change.document))
                writer.commit()
            except BaseException:
                with suppress(Exception):
                    writer.cancel()
                raise
            return

    def rebuild(self, documents: Iterable[SearchDocument], reload: Loader) -> int:
        """Build a new generation from ``documents`` and swap it in (see ``SearchBackend.rebuild``).

        Read ``documents`` lazily, after this call starts: the journal of concurrent changes exists
        from the start, so anything changed after a document was read is replayed before the swap.
        """
        with self._rebuilding():
            live = self._live_generation()
            self._clean(keep=live)  # what a crashed rebuild left: a half-built generation, a journal
            journal = self.root / JOURNAL
            journal.write_bytes(b"")  # a stale journal from a crashed rebuild starts empty
            generation = self._new_generation()
            path = self.root / generation
            swapped = False
            try:
                path.mkdir()
                ix = self._create(path)
                writer = _writer(ix, limitmb=REBUILD_LIMITMB)
                try:
                    for document in documents:
                        writer.add_document(**document_fields(document))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
                swapped = self._catch_up_and_swap(live, ix, generation, reload)
            finally:
                journal.unlink(missing_ok=True)
                if not swapped:
                    shutil.rmtree(path, ignore_errors=True)
            self._clean(keep=generation)
            with ix.searcher() as searcher:
                return int(searcher.doc_count())

    def _catch_up_and_swap(self, live: str, ix: FileIndex, generation: str, reload: Loader) -> bool:
        """Hold the live index's writer lock (so no apply runs), replay the journal into the new
        generation, and point ``CURRENT`` at it."""
        lock = self._index(live).lock("WRITELOCK")
        deadline = time.monotonic() + REBUILD_WAIT
        while not lock.acquire(blocking=False):
            if time.monotonic() > deadline:
                raise LockTimeout(f"the search index's writer was busy for {REBUILD_WAIT:g}s")
            time.sleep(0.02)
        try:
            keys = list(dict.fromkeys((self.root / JOURNAL).read_text("utf-8").split()))
            if keys:
                pairs = [split_key(key) for key in keys]
                found = reload(pairs)
                writer = _writer(ix)
                try:
                    for pair in pairs:
                        document = found.get(pair)
                        if document is None:
                            writer.delete_by_term("key", document_key(*pair))
                        else:
                            writer.update_document(**document_fields(document))
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
            self._point_at(generation)
            return True
        finally:
            lock.release()

    def _journal(self, keys: Sequence[str]) -> None:
        """While a rebuild runs, note the keys an apply changed (held under the writer lock)."""
        try:
            descriptor = os.open(self.root / JOURNAL, os.O_WRONLY | os.O_APPEND)
        except FileNotFoundError:
            return  # no rebuild is running
        try:
            data = "".join(f"{key}\n" for key in keys).encode("utf-8")
            while data:
                data = data[os.write(descriptor, data) :]
        finally:
            os.close(descriptor)

    @contextmanager
    def _rebuilding(self) -> Iterator[None]:
        """One rebuild at a time on this machine (a second one waits)."""
        self.root.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.root / REBUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)

    # --- generations -------------------------------------------------------------------------------

    def _live_generation(self) -> str:
        """The live generation's directory name, creating an empty index the first time."""
        try:
            return self._read_pointer()
        except FileNotFoundError:
            pass
        self.root.mkdir(parents=True, exist_ok=True)
        generation = self._new_generation()
        (self.root / generation).mkdir()
        self._create(self.root / generation)
        temporary = self._pointer_file(generation)
        try:
            os.link(temporary, self.root / POINTER)  # fails if another process got there first
        except FileExistsError:
            shutil.rmtree(self.root / generation, ignore_errors=True)
        finally:
            temporary.unlink()
        return self._read_pointer()

    def _read_pointer(self) -> str:
        name = (self.root / POINTER).read_text("utf-8").strip()
        if not name.startswith(GENERATION_PREFIX) or "/" in name or "\\" in name:
            raise RuntimeError(f"{self.root / POINTER} does not name an index generation: {name!r}")
        return name

    def _point_at(self, generation: str) -> None:
        temporary = self._pointer_file(generation)
        os.replace(temporary, self.root / POINTER)
        directory = os.open(self.root, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def _pointer_file(self, generation: str) -> Path:
        temporary = self.root / f".{POINTER}.{secrets.token_hex(6)}"
        with temporary.open("w", encoding="utf-8") as handle:
            handle.write(generation)
            handle.flush()
            os.fsync(handle.fileno())
        return temporary

    def _create(self, path: Path) -> FileIndex:
        """A new, empty Whoosh index in ``path`` (an empty directory), marked with this code's format."""
        (path / FORMAT).write_text(f"{INDEX_FORMAT}\n", encoding="utf-8")
        return create_in(str(path), self.schema)

    @staticmethod
    def _new_generation() -> str:
        return f"{GENERATION_PREFIX}{time.time_ns()}-{secrets.token_hex(4)}"

    def _index(self, generation: str) -> FileIndex:
        with self._lock:
            ix = self._indexes.get(generation)
        if ix is None:
            ix = open_dir(str(self.root / generation))
            with self._lock:
                for stale in [name for name in self._indexes if name != generation]:
                    del self._indexes[stale]
                self._indexes[generation] = ix
        return ix

    def _clean(self, keep: str) -> None:
        """Remove every generation but ``keep``, and stray pointer files (rebuild lock held)."""
        for path in self.root.iterdir():
            if path.name.startswith(GENERATION_PREFIX) and path.name != keep and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f".{POINTER}."):
                path.unlink(missing_ok=True)
        with self._lock:
            for stale in [name for name in self._indexes if name != keep]:
                del self._indexes[stale]
