"""Locks that one process at a time holds, whichever process and whichever machine: on PostgreSQL a
session-level advisory lock (``AdvisoryLock``), held by a connection of its own and released by the
database the moment that connection ends (a killed process never leaves one behind); on one machine a
file lock (``FileLock``), released by the kernel the same way.

Both are taken with ``held(timeout)``, which raises ``LockBusy`` when another holder kept it for
``timeout`` seconds (0: try once).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from psycopg import errors
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import OperationalError

#: How long to wait between tries for a file lock another process has.
POLL = 0.01


class LockBusy(Exception):
    """Another process held the lock for longer than the timeout."""


class Lock(Protocol):
    def held(self, timeout: float) -> AbstractContextManager[None]: ...


class FileLock:
    """An exclusive lock between processes (and threads) on this machine, held through a lock file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockBusy(f"another process held {self.path} for {timeout:g}s") from None
                    time.sleep(POLL)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


def lock_key(name: str) -> int:
    """A stable 64-bit advisory lock key for ``name`` (the same on every node and release)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


class AdvisoryLock:
    """A PostgreSQL session-level advisory lock named ``name``, shared by every node of the database."""

    def __init__(self, engine: Engine, name: str) -> None:
        self.engine = engine
        self.name = name
        self.key = lock_key(name)

    @contextmanager
    def held(self, timeout: float) -> Iterator[None]:
        with self.engine.connect() as conn:
            if timeout <= 0:
                taken = conn.scalar(select(func.pg_try_advisory_lock(self.key)))
            else:
                # The database does the waiting: ``lock_timeout`` (for this transaction only) bounds it.
                conn.execute(
                    select(func.set_config("lock_timeout", f"{max(1, round(timeout * 1000))}ms", True))
                )
                try:
                    conn.execute(select(func.pg_advisory_lock(self.key)))
                    taken = True
                except OperationalError as exc:
                    if not isinstance(exc.orig, errors.LockNotAvailable):
                        raise
                    taken = False
            if not taken:
                conn.rollback()
                raise LockBusy(f"another process held the lock {self.name!r} for {timeout:g}s")
            conn.commit()  # the lock belongs to the session, not to this transaction
            try:
                yield
            finally:
                conn.execute(select(func.pg_advisory_unlock(self.key)))
                conn.commit()
