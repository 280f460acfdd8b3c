"""The migration that has wiki pages searched by the text people read (3f9b2c1d7a6e): it queues every page
for the search applier, which rewrites each entry from the new text; it imports no application code."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from polka.dbcli import alembic_config
from polka.wiki.kinds import PAGE_KIND
from tests.test_migrations import (  # noqa: F401  (empty_database: SQLite, and PostgreSQL when configured)
    application_imports,
    empty_database,
    upgraded,
)

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
    with upgraded(empty_database, BEFORE, _fill, AFTER) as engine:
        with engine.connect() as conn:
            queued = conn.execute(text("SELECT kind, object_id, created_at FROM search_outbox")).all()
        command.downgrade(alembic_config(empty_database), BEFORE)
    assert sorted((kind, object_id) for kind, object_id, _ in queued) == [(PAGE_KIND, n) for n in (1, 2, 3)]
    assert all(created_at is not None for _, _, created_at in queued)


def test_the_migration_imports_no_application_code():
    assert application_imports(AFTER) == []
