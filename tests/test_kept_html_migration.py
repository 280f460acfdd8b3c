"""The migration that keeps rendered HTML (812490c06dfd): existing community descriptions and bios are
rendered and kept, so no page falls back to rendering them after the upgrade."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from polka.db import make_engine
from polka.dbcli import alembic_config
from tests.test_migrations import empty_database  # noqa: F401  (SQLite, and PostgreSQL when configured)

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


def test_existing_descriptions_and_bios_are_rendered_and_kept(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, BEFORE)
    engine = make_engine(empty_database)
    try:
        with engine.begin() as conn:
            _fill(conn)
        command.upgrade(config, AFTER)
        with engine.connect() as conn:
            descriptions = conn.execute(
                text("SELECT id, description_html FROM community_communities ORDER BY id")
            ).all()
            bios = conn.execute(text("SELECT user_id, source, html FROM people_bio_renderings")).all()
        command.downgrade(config, BEFORE)
    finally:
        engine.dispose()
    assert [tuple(row) for row in descriptions] == [
        (1, "<p>Case studies for <em>neighbourhood</em> teams.</p>\n"),
        (2, ""),
    ]
    assert [tuple(row) for row in bios] == [
        (1, "I chair the **national** group.", "<p>I chair the <strong>national</strong> group.</p>\n")
    ]
