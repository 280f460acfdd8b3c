"""The search backends every backend test runs on: Whoosh (scoring a page both ways) and, when the
tests run on PostgreSQL (``POLKA_TEST_DATABASE_URL``), the PostgreSQL backend on the test database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from polka.db import make_engine
from polka.search import whoosh_reading
from polka.search.backend import SearchBackend
from polka.search.pg_backend import PostgresBackend
from polka.search.whoosh_backend import WhooshBackend
from tests.conftest import PG_URL

#: The backends a test of every backend runs on.
ENGINES = ["whoosh", "postgresql"] if PG_URL else ["whoosh"]


def _backend(name: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    if name == "postgresql":
        engine = make_engine(request.getfixturevalue("database_url"))  # emptied for this test
        yield PostgresBackend(engine)
        engine.dispose()
        return
    backend = WhooshBackend(tmp_path / "index")
    yield backend
    backend.close()


@pytest.fixture(params=["whoosh one by one", "whoosh top-n", *ENGINES[1:]])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SearchBackend]:
    """An empty index of each backend; Whoosh's with both ways of scoring a page (a few matches are
    scored one by one, many by Whoosh's own top-N search)."""
    if request.param == "whoosh top-n":
        monkeypatch.setattr(whoosh_reading, "DIRECT", 0)
    yield from _backend(request.param.split()[0], request, tmp_path)


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    """An empty index of each backend, for tests where how a page is scored does not matter."""
    yield from _backend(request.param, request, tmp_path)
