"""The migration to activity that keeps facts (474fb4cd5bdf): every event is still there after it, with
its kind renamed and its actor, verb, object, community and time unchanged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic import command
from sqlalchemy import text

from polka.dbcli import alembic_config
from tests.test_migrations import empty_database, upgraded  # noqa: F401  (empty_database: SQLite, and PostgreSQL when configured)

BEFORE = "9be89dd0b14c"
AFTER = "474fb4cd5bdf"
START = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
#: (old kind, object id, verb, title, marking) as the old code wrote them, and the kind after
EVENTS = [
    ("community", 1, "joined", "Neighbourhood Policing", "OFFICIAL", "communities.community"),
    ("wiki_page", 7, "created", "PNC manual", "OFFICIAL", "wiki.page"),
    ("wiki_page", 7, "edited", "PNC manual", "OFFICIAL-SENSITIVE", "wiki.page"),
    ("document", 3, "uploaded", "Rolling schedule", "OFFICIAL", "docs.document"),
    ("document", 3, "updated", "Rolling schedule", "OFFICIAL", "docs.document"),
    ("note", None, "shared", "Minutes", "OFFICIAL", "note"),  # a kind never registered: kept as it was
]


def _fill(conn) -> None:
    conn.execute(
        text(
            "INSERT INTO account_users (id, email, name, password_hash, status, is_admin, job_title, phone,"
            " bio, ask_me_about, created_at) VALUES (1, 'sandra@met.police.uk', 'Sandra Okafor', 'x',"
            " 'active', false, '', '', '', '', :now)"
        ),
        {"now": START},
    )
    conn.execute(
        text(
            "INSERT INTO community_communities (id, slug, name, summary, description, visibility,"
            " marking_ceiling, status, request_reason, decision_reason, created_at) VALUES (1,"
            " 'neighbourhood-policing', 'Neighbourhood Policing', '', '', 'open', 'OFFICIAL-SENSITIVE',"
            " 'active', '', '', :now)"
        ),
        {"now": START},
    )
    for n, (kind, target, verb, title, marking, _) in enumerate(EVENTS, start=1):
        conn.execute(
            text(
                "INSERT INTO activity_events (id, created_at, actor_id, verb, community_id, target_kind,"
                " target_id, target_title, target_url, marking) VALUES (:id, :at, 1, :verb, 1, :kind,"
                " :target, :title, '/c/neighbourhood-policing/', :marking)"
            ),
            {
                "id": n,
                "at": START + timedelta(minutes=n),
                "verb": verb,
                "kind": kind,
                "target": target,
                "title": title,
                "marking": marking,
            },
        )


def test_every_event_survives_the_upgrade_with_its_kind_renamed(empty_database):  # noqa: F811
    with upgraded(empty_database, BEFORE, _fill, AFTER) as engine, engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT id, created_at, actor_id, verb, community_id, target_kind, target_id"
                " FROM activity_events ORDER BY id"
            )
        ).all()
        columns = set(conn.execute(text("SELECT * FROM activity_events")).keys())
    assert "target_title" not in columns
    assert "marking" not in columns
    assert "target_url" not in columns
    assert [(r.id, r.actor_id, r.verb, r.community_id, r.target_kind, r.target_id) for r in rows] == [
        (n, 1, verb, 1, after, target) for n, (_, target, verb, _, _, after) in enumerate(EVENTS, start=1)
    ]
    times = [
        r.created_at if isinstance(r.created_at, datetime) else datetime.fromisoformat(r.created_at)
        for r in rows
    ]
    assert [t.replace(tzinfo=UTC) if t.tzinfo is None else t for t in times] == [
        START + timedelta(minutes=n) for n in range(1, len(EVENTS) + 1)
    ]


def test_a_downgrade_brings_the_old_kinds_back(empty_database):  # noqa: F811
    with upgraded(empty_database, BEFORE, _fill, AFTER) as engine:
        command.downgrade(alembic_config(empty_database), BEFORE)
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT target_kind, target_title, marking FROM activity_events ORDER BY id")
            ).all()
    assert [r.target_kind for r in rows] == [kind for kind, *_ in EVENTS]
    # the community's name again; the pages and documents are gone, so hidden rather than guessed
    assert (rows[0].target_title, rows[0].marking) == ("Neighbourhood Policing", "OFFICIAL")
    assert {r.marking for r in rows[1:5]} == {"OFFICIAL-SENSITIVE"}
