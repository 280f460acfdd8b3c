"""Alembic: ``upgrade head`` on an empty database gives exactly the models' schema, on SQLite and
(when ``POLKA_TEST_DATABASE_URL`` is set) on a scratch PostgreSQL database."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, make_url, text

from polka.db import Base, make_engine
from polka.dbcli import alembic_config

PG_URL = os.environ.get("POLKA_TEST_DATABASE_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    if not PG_URL:
        pytest.skip("POLKA_TEST_DATABASE_URL is not set")
    name = f"polka_migrations_{secrets.token_hex(4)}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_head_matches_the_models(empty_database):
    command.upgrade(alembic_config(empty_database), "head")
    engine = make_engine(empty_database)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
            differences = compare_metadata(context, Base.metadata)
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert differences == [], differences
    assert set(Base.metadata.tables) <= tables


def test_downgrade_to_base_and_upgrade_again(empty_database):
    config = alembic_config(empty_database)
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
