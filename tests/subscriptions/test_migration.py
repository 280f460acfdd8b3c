"""The migration to one subscriptions table: every watch of a database holding watches becomes a
subscription with the same person, object and time, and the watch tables are gone (SQLite, and
PostgreSQL when ``POLKA_TEST_DATABASE_URL`` is set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import sqlalchemy as sa
from alembic import command

from polka.db import UTCDateTime, make_engine
from polka.dbcli import alembic_config
from tests.test_migrations import empty_database  # noqa: F401  (the fixture: SQLite and PostgreSQL)

BEFORE = "9be89dd0b14c"
AFTER = "89b0f6389b8d"
START = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
_serial = count(1)


def _insert(conn: sa.Connection, table_name: str, /, **values: Any) -> int:
    """A row of ``table_name`` as it was at ``BEFORE``: the given values, and a plain one in every other
    column that must hold something."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.primary_key or column.server_default is not None:
            continue
        python_type = column.type.python_type
        if python_type is bool:
            row[column.name] = False
        elif python_type is int:
            row[column.name] = 1
        elif python_type is datetime:
            row[column.name] = START
        else:
            row[column.name] = f"{column.name}-{next(_serial)}"
    key = conn.execute(table.insert().values(row).returning(table.c.id)).scalar_one()
    return int(key)


def _stamped(name: str, *columns: str) -> sa.TableClause:
    return sa.table(
        name, *(sa.column(c, sa.Integer) for c in columns), sa.column("created_at", UTCDateTime())
    )


def test_every_watch_becomes_a_subscription_with_the_same_person_object_and_time(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_database)
    expected = set()
    try:
        with engine.begin() as conn:
            users = [
                _insert(conn, "account_users", status="active", email=f"u{n}@met.police.uk") for n in range(3)
            ]
            community = _insert(
                conn, "community_communities", visibility="open", marking_ceiling="OFFICIAL", status="active"
            )
            pages = [
                _insert(conn, "wiki_pages", community_id=community, marking="OFFICIAL", head_number=1)
                for _ in range(2)
            ]
            documents = [
                _insert(conn, "docs_documents", community_id=community, marking="OFFICIAL", status="approved")
                for _ in range(2)
            ]
            folder = _insert(conn, "docs_folders", community_id=community)
            wiki_watches = _stamped("wiki_watches", "page_id", "user_id")
            docs_watches = _stamped("docs_watches", "user_id", "document_id", "folder_id")
            minutes = count()
            for user in users:
                for page in pages[: 1 + user % 2]:
                    when = START + timedelta(minutes=next(minutes))
                    conn.execute(wiki_watches.insert().values(page_id=page, user_id=user, created_at=when))
                    expected.add((user, "wiki.page", page, when))
                for document in documents[user % 2 :]:
                    when = START + timedelta(minutes=next(minutes))
                    conn.execute(
                        docs_watches.insert().values(user_id=user, document_id=document, created_at=when)
                    )
                    expected.add((user, "docs.document", document, when))
                when = START + timedelta(minutes=next(minutes))
                conn.execute(docs_watches.insert().values(user_id=user, folder_id=folder, created_at=when))
                expected.add((user, "docs.folder", folder, when))

        command.upgrade(config, AFTER)

        subscriptions = sa.table(
            "subscription_subscriptions",
            sa.column("user_id", sa.Integer),
            sa.column("kind", sa.String),
            sa.column("object_id", sa.Integer),
            sa.column("created_at", UTCDateTime()),
        )
        with engine.connect() as conn:
            rows = conn.execute(sa.select(subscriptions)).all()
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert len(rows) == len(expected) == 12
    assert {tuple(row) for row in rows} == expected
    assert not {"wiki_watches", "docs_watches"} & tables


def test_downgrading_gives_the_watches_back(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, AFTER)
    engine = make_engine(empty_database)
    try:
        with engine.begin() as conn:
            user = _insert(conn, "account_users", status="active", email="back@met.police.uk")
            community = _insert(
                conn, "community_communities", visibility="open", marking_ceiling="OFFICIAL", status="active"
            )
            page = _insert(conn, "wiki_pages", community_id=community, marking="OFFICIAL", head_number=1)
            folder = _insert(conn, "docs_folders", community_id=community)
            follows = sa.table(
                "subscription_subscriptions",
                *(sa.column(c, sa.Integer) for c in ("user_id", "object_id")),
                sa.column("kind", sa.String),
                sa.column("created_at", UTCDateTime()),
            )
            for kind, object_id in (
                ("wiki.page", page),
                ("docs.folder", folder),
                ("communities.community", 1),
            ):
                conn.execute(
                    follows.insert().values(user_id=user, kind=kind, object_id=object_id, created_at=START)
                )
        command.downgrade(config, BEFORE)
        with engine.connect() as conn:
            pages = conn.execute(sa.select(_stamped("wiki_watches", "page_id", "user_id"))).all()
            folders = conn.execute(
                sa.select(_stamped("docs_watches", "user_id", "document_id", "folder_id"))
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in pages] == [(page, user, START)]
    assert [tuple(r) for r in folders] == [(user, None, folder, START)]
