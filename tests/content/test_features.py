"""The feature manifest: every registry, the worker, garbage collection and the CLI are driven from the
list of features (polka.features.FEATURES), so nothing of a listed feature can be left out."""

from __future__ import annotations

import io
import os
import time
from datetime import timedelta

import pytest
from flask import Blueprint
from sqlalchemy import event, select, update

from polka.communities.models import Role
from polka.content.deletion import purger
from polka.content.feature import Feature, Routes
from polka.content.kinds import kind_named
from polka.content.waiting import provider
from polka.db import Base, transaction, utcnow
from polka.drafts.services import draft_kind
from polka.features import FEATURES, referenced_files
from polka.jobs.periodic import Periodic
from polka.markings import Marking
from polka.search.registry import adapter_for
from polka.wiki import attachments, pages
from polka.wiki.models import WikiPage
from tests.docs.conftest import DocsFactory
from tests.wiki.conftest import WikiFactory


def _worker_task(app, name):
    tasks = [
        task
        for task in app.extensions["polka.jobs"].idle_tasks
        if isinstance(task, Periodic) and task.name == name
    ]
    assert len(tasks) == 1, f"the worker has {len(tasks)} tasks named {name!r}"
    return tasks[0]


@pytest.mark.parametrize("feature", FEATURES, ids=lambda feature: feature.name)
def test_every_part_of_a_listed_feature_is_registered(app, feature):
    assert app.blueprints[feature.name] is feature.routes.blueprint
    assert all(kind_named(kind.name) is kind for kind in feature.kinds)
    assert all(adapter_for(adapter.kind) is adapter for adapter in feature.search)
    assert all(draft_kind(kind.name) is kind for kind in feature.drafts)
    assert all(job.kind in app.extensions["polka.jobs"].handlers for job in feature.jobs)
    assert all(purger(purge.kind) is purge.run for purge in feature.purges)
    assert all(provider(queue.name) is queue.provider for queue in feature.waiting)
    if feature.cli is not None:
        assert app.cli.commands[feature.cli.name] is feature.cli
    tables = {table.name for module in feature.models for table in _tables_of(module)}
    assert tables
    assert all(name.startswith(f"{feature.name}_") for name in tables)


def _tables_of(module):
    return [
        mapper.local_table
        for mapper in Base.registry.mappers
        if mapper.class_.__module__ == module.__name__ and mapper.local_table is not None
    ]


def test_every_features_housekeeping_and_the_one_purge_run_on_the_worker(app):
    for task in (task for feature in FEATURES for task in feature.housekeeping):
        assert _worker_task(app, task.name).interval == task.interval.total_seconds()
    assert _worker_task(app, "remove deleted items past the restore window").interval == 86400


def test_the_worker_removes_wiki_pages_deleted_more_than_30_days_ago(app, session, make):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    wiki = WikiFactory(session, make)
    old, recent, _ = (wiki.page(community, title, author=moderator) for title in ("Old", "Recent", "Kept"))
    with transaction(session):
        for page in (old, recent):
            pages.delete_page(session, session.merge(moderator), session.merge(page))
        session.execute(
            update(WikiPage).where(WikiPage.id == old.id).values(deleted_at=utcnow() - timedelta(days=31))
        )

    _worker_task(app, "remove deleted items past the restore window")()

    session.rollback()
    assert set(session.scalars(select(WikiPage.title))) == {"Recent", "Kept"}


def test_garbage_collection_keeps_every_file_a_feature_refers_to(app, session, make):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    page = WikiFactory(session, make).page(community, "Rota", author=moderator)
    docs = DocsFactory(app, session, make)
    store = docs.store
    with transaction(session):
        attachment = attachments.attach_file(
            session,
            session.merge(moderator),
            session.merge(page),
            store,
            io.BytesIO(b"The attached rota.\n"),
            "rota.txt",
            1024 * 1024,
        )
    document = docs.document(community, "Schedule", b"The library's schedule.\n", author=moderator)
    version_sha256 = docs.versions(document)[0].sha256
    orphan = store.save_stream(io.BytesIO(b"Nobody refers to this.\n"), 1024 * 1024).sha256
    two_days_ago = time.time() - 2 * 86400
    for path in store.root.glob("??/*"):
        os.utime(path, (two_days_ago, two_days_ago))

    removed = _worker_task(app, "remove unreferenced files").task()

    assert removed == 1
    assert not store.path_for(orphan).exists()
    assert store.path_for(attachment.sha256).read_bytes() == b"The attached rota.\n"
    assert store.path_for(version_sha256).read_bytes() == b"The library's schedule.\n"


def test_garbage_collection_asks_about_every_column_naming_a_stored_file(app, session):
    """A table holding the hash of a stored file that no feature's ``stored_files`` reads would have its
    files collected a day after they were stored."""
    columns = {
        f"{table.name}.{column.name}"
        for table in Base.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("sha256")
    }
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        referenced_files(session)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    asked = " ".join(statements)
    assert columns, "the check does find the columns"
    assert {column for column in columns if column not in asked} == set()


def test_a_feature_is_named_after_its_blueprint_and_its_kinds_after_it():
    routes = Routes(Blueprint("wiki", __name__), ())
    with pytest.raises(ValueError, match="blueprint"):
        Feature(name="forum", label="Forum", routes=routes, models=())
    with pytest.raises(ValueError, match="kinds"):
        Feature(name="wiki", label="Wiki", routes=routes, models=(), kinds=FEATURES[1].kinds)
