"""Applying the outbox to the index after commit: one applier at a time, and no update ever lost.

An applier takes a lock shared by every process that applies to the same index (a file lock beside a
Whoosh index; an advisory lock of the database for the PostgreSQL backend, shared by every node), then
reads the oldest outbox rows, loads each object's current document through its feature's adapter,
writes them to the index in one commit and only then deletes the rows it read. Because the objects are
loaded while the lock is held, a later change can never be overwritten by an earlier one; because rows
are deleted last, a crash or a lock timeout leaves them for the next applier (another request, another
gunicorn worker, or ``polka worker``), and applying a row twice does no harm.

In a web process, ``notify`` wakes a background thread after each commit that queued a change, so the
request never waits for the index. ``inline=True`` (tests) applies at once in the committing thread.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from polka.db import transaction
from polka.locks import Lock, LockBusy
from polka.search.backend import Change, SearchBackend
from polka.search.documents import SearchDocument
from polka.search.outbox import SearchOutbox
from polka.search.registry import adapter_for, adapters

log = logging.getLogger(__name__)

#: Outbox rows applied per index commit.
BATCH = 200
#: Objects loaded per query while rebuilding.
REBUILD_BATCH = 500
#: After a failed attempt the background thread tries again this many seconds later.
RETRY_AFTER = 2.0


def load_changes(session: Session, keys: Iterable[tuple[str, int]]) -> list[Change]:
    """The current state of each object: its document, or None (deleted, unpublished, unknown kind)."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for kind, object_id in dict.fromkeys(keys):
        by_kind[kind].append(object_id)
    changes = []
    for kind, ids in by_kind.items():
        adapter = adapter_for(kind)
        found = adapter.documents(session, ids) if adapter is not None else {}
        changes += [Change(kind, object_id, found.get(object_id)) for object_id in ids]
    return changes


class OutboxApplier:
    """Drains the search outbox into a backend; see the module's docstring for the guarantees."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        backend: SearchBackend,
        lock: Lock,
        *,
        timeout: float = 10.0,
        inline: bool = False,
    ) -> None:
        self.sessions = sessions
        self.backend = backend
        self.lock = lock
        self.timeout = timeout
        self.inline = inline
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid = 0
        self._start_lock = threading.Lock()
        self._format_checked = False

    # --- applying ---------------------------------------------------------------------------------

    def apply_once(self, batch: int = BATCH) -> int:
        """Apply the oldest ``batch`` outbox rows; return how many rows were applied (0: none left).

        ``LockBusy`` when another applier held the lock for ``timeout`` seconds: nothing changed.
        """
        with self.lock.held(self.timeout):
            with self.sessions() as session:
                rows = session.execute(
                    select(SearchOutbox.id, SearchOutbox.kind, SearchOutbox.object_id)
                    .order_by(SearchOutbox.id)
                    .limit(batch)
                ).all()
                if not rows:
                    return 0
                changes = load_changes(session, ((row.kind, row.object_id) for row in rows))
                session.rollback()  # end the read before the (slower) index write
            self.backend.apply(changes, timeout=self.timeout)
            with self.sessions() as session, transaction(session):
                session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_([row.id for row in rows])))
        return len(rows)

    def drain(self) -> int:
        """Apply outbox rows until none is left; return how many were applied."""
        applied = 0
        while count := self.apply_once():
            applied += count
        return applied

    def pending(self) -> int:
        """How many outbox rows wait to be applied."""
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)

    def drain_quietly(self) -> bool:
        """``drain``, logging instead of raising; False when rows may be left (they wait for the next try)."""
        try:
            self.drain()
        except LockBusy as exc:
            log.warning("search index busy, outbox left for the next applier: %s", exc)
            return False
        except Exception:
            log.exception("could not apply the search outbox; it is kept for the next applier")
            return False
        return True

    # --- after commit -----------------------------------------------------------------------------

    def notify(self) -> None:
        """A transaction that queued changes has committed: apply them (soon, or now when inline)."""
        if self.inline:
            self.drain_quietly()
            return
        self._ensure_thread()
        self._wake.set()

    def _ensure_thread(self) -> None:
        with self._start_lock:
            # A forked process (gunicorn) inherits the object but not the thread: start its own.
            if self._thread is not None and self._thread_pid == os.getpid() and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="polka-search-applier", daemon=True)
            self._thread_pid = os.getpid()
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            if not self.drain_quietly():
                self._stop.wait(RETRY_AFTER)
                self._wake.set()

    def stop(self) -> None:
        """Stop the background thread (after the batch in hand)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join(timeout=self.timeout + 5)

    # --- rebuilding -------------------------------------------------------------------------------

    def rebuild_if_outdated(self) -> int | None:
        """Once per process (the worker's idle loop asks): rebuild the index if an older release built
        it (``SearchBackend.needs_rebuild``), as ``polka search reindex`` would; the number indexed, or
        None when it was current. Search answers from the old index until the new one is swapped in;
        a failure is logged and tried again by the next process."""
        if self._format_checked:
            return None
        self._format_checked = True
        try:
            if not self.backend.needs_rebuild():
                return None
            log.warning(
                "the search index was built by an older release: rebuilding it (search keeps answering)"
            )
            indexed = self.rebuild()
        except Exception:
            log.exception("could not rebuild the search index; run `polka search reindex`")
            return None
        log.warning("search index rebuilt: %d items", indexed)
        return indexed

    def rebuild(self) -> int:
        """Rebuild the whole index from the database (``polka search reindex``); return its size."""

        def documents() -> Iterator[SearchDocument]:
            for adapter in adapters():
                with self.sessions() as session:
                    for ids in adapter.all_ids(session):
                        yield from adapter.documents(session, ids).values()
                        session.expire_all()

        def reload(keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], SearchDocument]:
            with self.sessions() as session:
                changes = load_changes(session, keys)
            return {(c.kind, c.object_id): c.document for c in changes if c.document is not None}

        return self.backend.rebuild(documents(), reload)
