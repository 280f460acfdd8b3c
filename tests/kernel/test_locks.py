"""Locks one process at a time holds: a file lock on one machine, an advisory lock on PostgreSQL that
every node shares. A holder that dies frees its lock at once (the kernel, or the database, releases it
with the process's file or connection)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from polka.db import make_engine
from polka.locks import AdvisoryLock, FileLock, Lock, LockBusy
from tests.conftest import PG_URL

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import sys, time
from pathlib import Path
from polka.db import make_engine
from polka.locks import AdvisoryLock, FileLock
kind, where = sys.argv[1], sys.argv[2]
lock = FileLock(Path(where)) if kind == "file" else AdvisoryLock(make_engine(where), "polka.test")
with lock.held(5):
    print("held", flush=True)
    time.sleep(60)
"""


@pytest.fixture(params=["file", "advisory"] if PG_URL else ["file"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def place(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """Where the lock lives: a lock file, or the test database."""
    return str(tmp_path / "test.lock") if kind == "file" else request.getfixturevalue("database_url")


def _lock(kind: str, place: str, engines: list[Engine]) -> Lock:
    if kind == "file":
        return FileLock(Path(place))
    engine = make_engine(place)
    engines.append(engine)
    return AdvisoryLock(engine, "polka.test")


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    made: list[Engine] = []
    yield made
    for engine in made:
        engine.dispose()


def test_one_holder_at_a_time(kind, place, engines):
    first, second = _lock(kind, place, engines), _lock(kind, place, engines)
    with first.held(1):
        started = time.monotonic()
        with pytest.raises(LockBusy), second.held(0.2):
            pass
        assert 0.15 < time.monotonic() - started < 3  # it waited for the timeout, then gave up
        with pytest.raises(LockBusy), second.held(0):
            pass  # 0: tried once
    with second.held(0.2):
        pass  # free again once the first let go


def test_a_holder_killed_mid_way_frees_the_lock(kind, place, engines):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, kind, place], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        lock = _lock(kind, place, engines)
        with pytest.raises(LockBusy), lock.held(0.1):
            pass
        holder.kill()
        holder.wait(timeout=10)
        with lock.held(5):
            pass  # the dead holder's lock went with it
    finally:
        holder.kill()
        holder.communicate(timeout=10)  # reaped, and its output pipe closed
