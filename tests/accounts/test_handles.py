"""Handles, what people are mentioned by: made from the name and unique; and
the migration that gave every existing account one (SQLite, and PostgreSQL when
``POLKA_TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from polka.db import make_engine
from polka.dbcli import alembic_config
from tests.subscriptions.test_migration import _insert
from tests.support import text
from tests.test_migrations import empty_database  # noqa: F401  (the fixture: SQLite and PostgreSQL)

BEFORE = "c76ba4b141d3"
AFTER = "a39f6bbafb60"


def test_a_handle_is_made_from_the_name_and_people_of_the_same_name_get_a_number(make):
    first = make.user("Claire Whitfield")
    second = make.user("Claire Whitfield")
    accented = make.user("Chloë O'Brien")
    assert first.handle == "claire-whitfield"
    assert second.handle == "claire-whitfield-2"
    assert accented.handle == "chloe-o-brien"


def test_a_profile_says_the_handle_and_a_mention_leads_to_it(web, login, make):
    person = make.user("Sandra Okafor")
    login.as_new_user()
    assert "@sandra-okafor" in text(web.get(f"/people/{person.id}"))
    response = web.get("/people/@sandra-okafor")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/people/{person.id}")
    assert web.get("/people/@nobody-of-that-name").status_code == 404


def test_the_migration_gives_every_account_a_unique_handle_oldest_first(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_database)
    try:
        with engine.begin() as conn:
            ids = [
                _insert(conn, "account_users", status="active", email=f"u{n}@met.police.uk", name=name)
                for n, name in enumerate(["Claire Whitfield", "Claire Whitfield", "Łukasz Nowak", "???"])
            ]
        command.upgrade(config, AFTER)
        with engine.connect() as conn:
            handles = dict(conn.execute(sa.text("SELECT id, handle FROM account_users")).all())
        assert [handles[i] for i in ids] == [
            "claire-whitfield",
            "claire-whitfield-2",
            "ukasz-nowak",
            "member",
        ]
    finally:
        engine.dispose()
