"""Operations test helpers: a database that forgets its migration for one test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text


@pytest.fixture
def unmigrated(app: Flask) -> Iterator[None]:
    """The test database as if never migrated: its recorded revision is gone for the test (and put back
    after it, for the tests that share a PostgreSQL database)."""
    engine = app.extensions["polka.engine"]
    with engine.begin() as conn:
        kept = list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        conn.execute(text("DELETE FROM alembic_version"))
    yield
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        for revision in kept:
            conn.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:revision)"), {"revision": revision}
            )
