"""Alembic: ``upgrade head`` on an empty database gives exactly the models' schema, on SQLite and
(when ``POLKA_TEST_DATABASE_URL`` is set) on a scratch PostgreSQL database."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, inspect, make_url, text

from polka.db import Base, make_engine
from polka.dbcli import alembic_config
from polka.models import metadata_for
from polka.search.pg_tables import SEARCH_METADATA
from tests.servers import scratch_postgresql

PG_URL = os.environ.get("POLKA_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    if not PG_URL:
        pytest.skip("POLKA_TEST_DATABASE_URL is not set")
    with scratch_postgresql("polka_migrations", PG_URL) as url:
        yield url


@contextmanager
def upgraded(url: str, before: str, fill: Callable[[Connection], None], after: str) -> Iterator[Engine]:
    """The database at revision ``before``, given rows by ``fill``, then upgraded to ``after``: an engine
    on it for the block (disposed after)."""
    config = alembic_config(url)
    command.upgrade(config, before)
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            fill(conn)
        command.upgrade(config, after)
        yield engine
    finally:
        engine.dispose()


def application_imports(revision: str) -> list[str]:
    """The lines of migration ``revision`` importing POLKA's code, which moves and changes: a migration
    must run the same for ever."""
    [migration] = (Path(__file__).parents[1] / "migrations" / "versions").glob(f"*_{revision}_*.py")
    return re.findall(r"^\s*(?:from|import) polka\b.*", migration.read_text(encoding="utf-8"), re.MULTILINE)


def test_upgrade_head_matches_the_models(empty_database):
    command.upgrade(alembic_config(empty_database), "head")
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            differences = compare_metadata(context, metadata_for(conn.dialect.name))
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert differences == [], differences
    assert set(Base.metadata.tables) <= tables
    # The search backend's tables only where the backend can run.
    search_tables = set(SEARCH_METADATA.tables)
    if empty_database.startswith("postgresql"):
        assert search_tables <= tables
    else:
        assert not search_tables & tables


def test_downgrade_to_base_and_upgrade_again(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")


def test_a_user_who_may_not_create_pg_trgm_is_told_what_to_ask_for():
    if not PG_URL:
        pytest.skip("POLKA_TEST_DATABASE_URL is not set")
    role = f"polka_limited_{secrets.token_hex(4)}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        with scratch_postgresql("polka_migrations", PG_URL) as url:
            owner = make_engine(url, isolation_level="AUTOCOMMIT")
            with owner.connect() as conn:  # the tables, but not the database's extensions
                conn.execute(text(f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"'))
            owner.dispose()
            limited = make_url(url).set(username=role).render_as_string(hide_password=False)
            with pytest.raises(
                RuntimeError, match=r"CREATE EXTENSION pg_trgm; in database polka_migrations_"
            ):
                command.upgrade(alembic_config(limited), "head")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()
