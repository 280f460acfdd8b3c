"""``polka backup`` and ``polka restore``: a whole site into one archive and back into an empty
deployment, row for row and file for file, on either database (and from one to the other); a damaged
archive or a deployment that is not empty is refused with nothing written."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Engine, func, select

from polka import create_app
from polka.accounts.models import User
from polka.communities.models import Role, Visibility
from polka.db import Base
from polka.features import referenced_files
from polka.markings import Marking
from polka.operations.backup import LOADED_BY_UPGRADE
from polka.site_search import service
from polka.site_search.params import SearchParams
from tests.conftest import CHEAP_ARGON2, PG_URL
from tests.docs.conftest import DocsFactory
from tests.servers import scratch_postgresql
from tests.wiki.conftest import WikiFactory


@contextmanager
def deployment(folder: Path, database: str) -> Iterator[Flask]:
    """A new, empty deployment as an operator sets one up: ``polka db upgrade`` on a new database
    (``sqlite`` or ``postgresql``: a scratch database beside the tests')."""
    with ExitStack() as stack:
        if database == "sqlite":
            url = f"sqlite:///{folder / 'polka.db'}"
        else:
            url = stack.enter_context(scratch_postgresql("polka_restore", PG_URL))
        yield stack.enter_context(_upgraded(folder, url))


@contextmanager
def _upgraded(folder: Path, url: str) -> Iterator[Flask]:
    target = create_app(
        data_dir=folder,
        database_url=url,
        secret_key="restored",
        smtp_url="",
        search_inline=True,
        **CHEAP_ARGON2,
    )
    try:
        upgraded = target.test_cli_runner().invoke(args=["db", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        yield target
    finally:
        backend = target.extensions["polka.search"].backend
        if hasattr(backend, "close"):
            backend.close()  # Whoosh's searchers
        target.extensions["polka.engine"].dispose()


def rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as conn:
        return {
            table.name: [
                dict(row._mapping)
                for row in conn.execute(select(table).order_by(*(table.primary_key.columns or table.columns)))
            ]
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def site(app: Flask, session, make) -> dict[str, Any]:
    """A small site: people, communities, a page tree, a document with two versions (files)."""
    roads = make.community("Roads Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    author = make.member(roads, make.user("Avery Author"), Role.MODERATOR)
    wiki = WikiFactory(session, make)
    guidance = wiki.page(roads, "Guidance", "Where the guidance lives.\n", author=author)
    wiki.page(roads, "Speed enforcement", "Kestrel checks at the roadside.\n", author=author, parent=guidance)
    docs = DocsFactory(app, session, make)
    schedule = docs.document(roads, "Rota", b"Week one: nights.\n", author=author)
    docs.version(schedule, author, b"Week one: earlies.\n")
    return {"author": author, "files": sorted(referenced_files(session))}


def _backup(app: Flask, target: Path) -> None:
    result = app.test_cli_runner().invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backed up" in result.output


TARGETS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.mark.parametrize("database", TARGETS)
def test_a_backup_restores_row_for_row_and_file_for_file(app, site, tmp_path, database):
    archive = tmp_path / "site.polka-backup"
    _backup(app, archive)
    (tmp_path / "target").mkdir()
    with deployment(tmp_path / "target", database) as target:
        restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        assert "Search index rebuilt" in restored.output

        assert rows(target.extensions["polka.engine"]) == rows(app.extensions["polka.engine"])
        store = target.extensions["polka.files"]
        assert len(site["files"]) == 2
        for sha256 in site["files"]:
            assert (
                store.path_for(sha256).read_bytes()
                == app.extensions["polka.files"].path_for(sha256).read_bytes()
            )
        with target.test_request_context("/search"), target.extensions["polka.sessions"]() as session:
            author = session.get(User, site["author"].id)
            found = service.search(
                session, author, SearchParams(q="kestrel"), target.extensions["polka.search"].backend
            )
            assert [result.title for result in found.results.items] == ["Speed enforcement"]


def test_a_deployment_that_is_not_empty_is_refused_and_left_alone(app, site, tmp_path):
    archive = tmp_path / "site.polka-backup"
    _backup(app, archive)
    before = rows(app.extensions["polka.engine"])
    refused = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1
    assert "this database already holds data" in refused.output
    assert rows(app.extensions["polka.engine"]) == before


def test_a_damaged_archive_is_refused_with_nothing_written(app, site, tmp_path):
    archive = tmp_path / "site.polka-backup"
    _backup(app, archive)
    damaged = tmp_path / "damaged.polka-backup"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name == "tables/wiki_pages.jsonl":
                data = data.replace(b"Guidance", b"Guidanse")
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    (tmp_path / "target").mkdir()
    with deployment(tmp_path / "target", "sqlite") as target:
        refused = target.test_cli_runner().invoke(args=["restore", str(damaged)])
        assert refused.exit_code == 1
        assert "the rows of wiki_pages do not match the backup's checksum" in refused.output
        with target.extensions["polka.engine"].connect() as conn:
            assert conn.scalar(select(func.count()).select_from(Base.metadata.tables["account_users"])) == 0


def test_an_existing_file_is_never_overwritten(app, site, tmp_path):
    archive = tmp_path / "site.polka-backup"
    archive.write_bytes(b"yesterday's")
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert archive.read_bytes() == b"yesterday's"


def test_the_reference_data_a_restore_replaces_is_what_db_upgrade_loads(tmp_path):
    with deployment(tmp_path, "sqlite") as target, target.extensions["polka.engine"].connect() as conn:
        filled = {
            table.name
            for table in Base.metadata.sorted_tables
            if conn.scalar(select(func.count()).select_from(table))
        }
    assert filled == set(LOADED_BY_UPGRADE)
