"""The migration that gives every content kind one name (55575310440b): a database filled the way the
previous release wrote it comes out with the new names everywhere and nothing lost, and a search index
built under the old names keeps no stale entry once the queued changes are applied."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from flask import Flask
from sqlalchemy.orm import sessionmaker

from polka.db import UTCDateTime, make_engine
from polka.dbcli import alembic_config
from polka.locks import FileLock
from polka.search.applier import OutboxApplier
from polka.search.backend import Access, Change, SearchRequest
from polka.search.documents import SearchDocument
from polka.search.query import parse_query
from polka.search.whoosh_backend import WhooshBackend
from tests.test_migrations import empty_database  # noqa: F401  (the SQLite and PostgreSQL databases)

BEFORE = "9be89dd0b14c"
AFTER = "55575310440b"
WHEN = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
PAGES = (1, 2)
DOCUMENTS = (1, 2, 3)
#: (source kind, id, target kind, id) as the previous release wrote them
OLD_LINKS = [("wiki", 1, "doc", 1), ("wiki", 1, "doc", 2), ("wiki", 2, "doc", 1)]
#: target_type as the previous release wrote it → as it reads now
OLD_AUDIT = {
    "wiki_page": "wiki.page",
    "wikipage": "wiki.page",
    "document": "docs.document",
    "wiki_attachment": "wiki.attachment",
    "user": "user",
    "community": "community",
    "organisation": "organisation",
    "audit_log": "audit_log",
    "": "",
}


def _insert(conn: sa.Connection, table: str, rows: list[dict[str, object]]) -> None:
    """Raw rows, as the previous release's schema holds them (no model of today is involved)."""
    columns = [
        sa.column(name, UTCDateTime(timezone=True) if isinstance(value, datetime) else None)
        for name, value in rows[0].items()
    ]
    conn.execute(sa.table(table, *columns).insert(), rows)


def fill(url: str) -> None:
    """What the previous release left behind: pages, documents, links, audit rows and a waiting
    search change, under the old kind names."""
    user = {"id": 1, "email": "a@met.police.uk", "name": "A", "password_hash": "x", "status": "active"}
    user |= {
        "is_admin": False,
        "job_title": "",
        "phone": "",
        "bio": "",
        "ask_me_about": "",
        "created_at": WHEN,
    }
    community = {
        "id": 1,
        "slug": "roads",
        "name": "Roads",
        "summary": "",
        "description": "",
        "status": "active",
    }
    community |= {
        "visibility": "open",
        "marking_ceiling": "OFFICIAL",
        "request_reason": "",
        "created_at": WHEN,
    }
    community |= {"decision_reason": ""}
    content = {
        "community_id": 1,
        "head_number": 1,
        "created_at": WHEN,
        "updated_at": WHEN,
        "marking": "OFFICIAL",
    }
    page = {"is_template": False, "protected": False, **content}
    revision = {
        "number": 1,
        "base_number": 0,
        "status": "approved",
        "body": "Kestrelwatch rota.",
        "summary": "",
    }
    revision |= {"size": 18, "created_at": WHEN, "review_comment": ""}
    document = {"description": "", "tags": "", "status": "draft", "size": 1, "family": "text", **content}
    version = {"number": 1, "sha256": "0" * 64, "size": 1, "media_type": "text/plain", "family": "text"}
    version |= {"note": "", "created_at": WHEN}
    audit = {"at": WHEN, "actor_label": "a@met.police.uk", "ip": "127.0.0.1", "detail": "{}"}
    link = ("source_kind", "source_id", "target_kind", "target_id")
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            _insert(conn, "account_users", [user])
            _insert(conn, "community_communities", [community])
            _insert(
                conn,
                "wiki_pages",
                [{"id": n, "slug": f"page-{n}", "title": f"Page {n}", **page} for n in PAGES],
            )
            _insert(conn, "wiki_revisions", [{"page_id": n, "title": f"Page {n}", **revision} for n in PAGES])
            _insert(
                conn,
                "docs_documents",
                [{"id": n, "title": f"Kestrelwatch {n}", **document} for n in DOCUMENTS],
            )
            _insert(
                conn,
                "docs_versions",
                [{"document_id": n, "filename": f"rota-{n}.txt", **version} for n in DOCUMENTS],
            )
            _insert(conn, "crossref_links", [dict(zip(link, row, strict=True)) for row in OLD_LINKS])
            _insert(
                conn,
                "audit_entries",
                [
                    {
                        "action": f"action.{n}",
                        "target_type": old,
                        "target_id": str(n),
                        "target_label": f"Target {n}",
                    }
                    | audit
                    for n, old in enumerate(OLD_AUDIT)
                ],
            )
            # a page purged after its change was queued: applying the row removes its old entry
            _insert(conn, "search_outbox", [{"kind": "wiki", "object_id": 99, "created_at": WHEN}])
    finally:
        engine.dispose()


def read(url: str, query: str) -> list[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(sa.text(query))]
    finally:
        engine.dispose()


@pytest.fixture
def upgraded(empty_database: str) -> str:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, BEFORE)
    fill(empty_database)
    command.upgrade(config, AFTER)  # what this revision did, not what later ones add
    return empty_database


def test_cross_links_name_both_ends_by_kind_and_none_is_lost(upgraded: str) -> None:
    rows = read(upgraded, "SELECT source_kind, source_id, target_kind, target_id FROM crossref_links")
    assert sorted(rows) == sorted(("wiki.page", s, "docs.document", t) for _, s, _, t in OLD_LINKS)


def test_audit_rows_name_their_targets_by_kind_and_keep_everything_else(upgraded: str) -> None:
    rows = read(upgraded, "SELECT action, target_type, target_id, target_label FROM audit_entries")
    assert sorted(rows) == sorted(
        (f"action.{n}", new, str(n), f"Target {n}") for n, new in enumerate(OLD_AUDIT.values())
    )


def test_every_page_and_document_is_queued_under_its_new_name_and_its_old_one(upgraded: str) -> None:
    rows = read(upgraded, "SELECT kind, object_id FROM search_outbox")
    expected = [("wiki", 99)]
    expected += [(kind, n) for n in PAGES for kind in ("wiki", "wiki.page")]
    expected += [(kind, n) for n in DOCUMENTS for kind in ("doc", "docs.document")]
    assert sorted(rows) == sorted(expected)


def test_downgrade_gives_the_old_names_back(empty_database: str) -> None:  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, BEFORE)
    fill(empty_database)
    command.upgrade(config, AFTER)
    command.downgrade(config, BEFORE)
    links = read(empty_database, "SELECT source_kind, source_id, target_kind, target_id FROM crossref_links")
    assert sorted(links) == sorted(OLD_LINKS)
    types = read(empty_database, "SELECT target_type FROM audit_entries")
    assert sorted(t for (t,) in types) == sorted(
        "wiki_page" if old == "wikipage" else old for old in OLD_AUDIT
    )


def _old_entry(kind: str, object_id: int, title: str) -> Change:
    document = SearchDocument(kind, object_id, 1, "OFFICIAL", False, title, "Kestrelwatch rota.", WHEN, WHEN)
    return Change(kind, object_id, document)


def test_an_index_built_under_the_old_names_keeps_no_stale_entry(app: Flask, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'upgraded.db'}"
    config = alembic_config(url)
    command.upgrade(config, BEFORE)
    fill(url)
    backend = WhooshBackend(tmp_path / "index")
    backend.apply(
        [_old_entry("wiki", n, f"Page {n}") for n in (*PAGES, 99)]
        + [_old_entry("doc", n, f"Kestrelwatch {n}") for n in DOCUMENTS],
        timeout=30,
    )
    command.upgrade(config, "head")
    engine = make_engine(url)
    try:
        applier = OutboxApplier(sessionmaker(engine), backend, FileLock(tmp_path / "index.lock"), inline=True)
        applier.drain()
        assert applier.pending() == 0
    finally:
        engine.dispose()
    found = backend.search(SearchRequest(parse_query("kestrelwatch"), Access(frozenset({1}), frozenset({1}))))
    assert sorted((hit.kind, hit.object_id) for hit in found.hits) == [
        *(("docs.document", n) for n in DOCUMENTS),
        *(("wiki.page", n) for n in PAGES),
    ]
    backend.close()
