"""The migration that makes room for kept rendered HTML (812490c06dfd): it adds the places and renders
nothing (it imports no application code), so existing communities and bios have no kept HTML, which their
pages render in memory until ``polka communities rerender`` / ``polka people rerender`` keep it."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from polka.dbcli import alembic_config
from tests.test_migrations import (  # noqa: F401  (empty_database: SQLite, and PostgreSQL when configured)
    application_imports,
    empty_database,
    upgraded,
)

BEFORE = "c0a7e1d2b3f4"
AFTER = "812490c06dfd"
NOW = datetime(2026, 12, 6, 9, 30, tzinfo=UTC)


def _fill(conn) -> None:
    for user_id, bio in ((1, "I chair the **national** group."), (2, "")):
        conn.execute(
            text(
                "INSERT INTO account_users (id, email, name, password_hash, status, is_admin, job_title,"
                " phone, bio, ask_me_about, created_at) VALUES (:id, :email, 'Someone', 'x', 'active',"
                " false, '', '', :bio, '', :now)"
            ),
            {"id": user_id, "email": f"user{user_id}@met.police.uk", "bio": bio, "now": NOW},
        )
    for community_id, description in ((1, "Case studies for *neighbourhood* teams."), (2, "")):
        conn.execute(
            text(
                "INSERT INTO community_communities (id, slug, name, summary, description, visibility,"
                " marking_ceiling, status, request_reason, decision_reason, created_at) VALUES (:id,"
                " :slug, 'A community', '', :description, 'open', 'OFFICIAL', 'active', '', '', :now)"
            ),
            {"id": community_id, "slug": f"c{community_id}", "description": description, "now": NOW},
        )


def test_existing_descriptions_and_bios_are_left_with_no_kept_html(empty_database):  # noqa: F811
    with upgraded(empty_database, BEFORE, _fill, AFTER) as engine:
        with engine.connect() as conn:
            descriptions = conn.execute(
                text(
                    "SELECT id, description, description_html, description_renderer_version"
                    " FROM community_communities ORDER BY id"
                )
            ).all()
            bios = conn.execute(text("SELECT count(*) FROM people_bio_renderings")).scalar()
        command.downgrade(alembic_config(empty_database), BEFORE)
        with engine.connect() as conn:
            kept_after_downgrade = conn.execute(
                text("SELECT id, description FROM community_communities")
            ).all()
    assert [tuple(row) for row in descriptions] == [
        (1, "Case studies for *neighbourhood* teams.", None, None),
        (2, "", None, None),
    ]
    assert bios == 0
    assert sorted(tuple(row) for row in kept_after_downgrade) == [
        (1, "Case studies for *neighbourhood* teams."),
        (2, ""),
    ]


def test_the_migration_imports_no_application_code():
    assert application_imports(AFTER) == []
