"""The migration that has wiki pages searched by the text people read (3f9b2c1d7a6e): it queues every page
for the search applier, which rewrites each entry from the new text; it imports no application code."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from sqlalchemy import text

from polka.db import make_engine
from polka.dbcli import alembic_config
from polka.wiki.kinds import PAGE_KIND
from tests.test_migrations import empty_database  # noqa: F401  (SQLite, and PostgreSQL when configured)

BEFORE = "812490c06dfd"
AFTER = "3f9b2c1d7a6e"
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def _fill(conn) -> None:
    conn.execute(
        text(
            "INSERT INTO community_communities (id, slug, name, summary, description, visibility,"
            " marking_ceiling, status, request_reason, decision_reason, created_at) VALUES (1, 'c1',"
            " 'A community', '', '', 'open', 'OFFICIAL', 'active', '', '', :now)"
        ),
        {"now": NOW},
    )
    for page_id in (1, 2, 3):
        conn.execute(
            text(
                "INSERT INTO wiki_pages (id, community_id, slug, title, head_number, is_template, protected,"
                " marking, created_at, updated_at) VALUES (:id, 1, :slug, 'A page', 1, false, false,"
                " 'OFFICIAL', :now, :now)"
            ),
            {"id": page_id, "slug": f"page-{page_id}", "now": NOW},
        )


def test_every_wiki_page_is_queued_for_the_search_index(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_database)
    try:
        with engine.begin() as conn:
            _fill(conn)
        command.upgrade(config, AFTER)
        with engine.connect() as conn:
            queued = conn.execute(text("SELECT kind, object_id, created_at FROM search_outbox")).all()
        command.downgrade(config, BEFORE)
    finally:
        engine.dispose()
    assert sorted((kind, object_id) for kind, object_id, _ in queued) == [(PAGE_KIND, n) for n in (1, 2, 3)]
    assert all(created_at is not None for _, _, created_at in queued)


def test_the_migration_imports_no_application_code():
    [migration] = (Path(__file__).parents[1] / "migrations" / "versions").glob(f"*_{AFTER}_*.py")
    source = migration.read_text(encoding="utf-8")
    assert re.findall(r"^\s*(?:from|import) polka\b.*", source, re.MULTILINE) == []
