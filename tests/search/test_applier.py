"""The outbox keeps the index in step with the database: changes commit with their outbox rows, the
applier deletes rows only after the index committed, and a lock timeout, a killed applier or a second
process writing at the same time never loses an update."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka import create_app
from polka.communities.models import Role
from polka.db import transaction
from polka.markings import Marking
from polka.search.applier import OutboxApplier
from polka.search.backend import Access, SearchRequest
from polka.search.outbox import SearchOutbox
from polka.search.query import parse_query
from polka.wiki import services
from tests.conftest import Factory
from tests.wiki.conftest import WikiFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def wiki(session: Session, make: Factory) -> WikiFactory:
    return WikiFactory(session, make)


def _applier(app: Flask) -> OutboxApplier:
    applier: OutboxApplier = app.extensions["polka.search"]
    return applier


def _outbox(session: Session) -> int:
    session.rollback()
    return int(session.scalar(select(func.count()).select_from(SearchOutbox)) or 0)


def _found(app: Flask, words: str, communities: set[int]) -> int:
    access = Access(frozenset(communities), frozenset(communities))
    return _applier(app).backend.count(SearchRequest(parse_query(words), access))


def _command(mode: str, options: dict[str, Any]) -> list[str]:
    return [sys.executable, "-m", "tests.search.processes", mode, json.dumps(options)]


def _environment(settings_overrides: dict[str, Any], *, inline: bool) -> dict[str, str]:
    """The same data directory and database as the test's app, as an operator would configure them."""
    wanted = ("data_dir", "database_url", "secret_key", "argon2_time_cost", "argon2_memory_kib")
    settings = {**{k: settings_overrides[k] for k in wanted}, "search_inline": "yes" if inline else "no"}
    return {**os.environ, **{f"POLKA_{k.upper()}": str(v) for k, v in settings.items()}}


def _run(mode: str, options: dict[str, Any], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _command(mode, options),
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_saved_page_is_searchable_and_leaves_no_outbox_rows(app, make, wiki, session):
    community = make.community("Roads Policing")
    wiki.page(community, "Speed awareness", "Notes from the quarterly meeting.\n")
    assert _found(app, "meetings", {community.id}) == 1
    assert _outbox(session) == 0


def test_a_change_that_rolls_back_writes_no_outbox_row(app, make, session):
    community = make.community("Roads Policing")
    author = make.member(community, role=Role.MODERATOR)
    with pytest.raises(RuntimeError), transaction(session):  # noqa: PT012  (the failure comes after the write)
        services.create_page(
            session,
            session.merge(author),
            session.merge(community),
            title="Never saved",
            edit=services.Edit(body="Unsaved words.\n", marking=Marking.OFFICIAL),
        )
        raise RuntimeError("the request failed after the page was written")
    assert _outbox(session) == 0
    assert _found(app, "unsaved", {community.id}) == 0


def test_when_the_index_is_busy_the_change_waits_in_the_outbox_until_the_next_applier(
    app, make, wiki, session
):
    community = make.community("Roads Policing")
    author = make.member(community, role=Role.MODERATOR)
    applier = _applier(app)
    applier.timeout = 0.2
    with applier.lock.held(1):  # another applier is writing
        wiki.page(community, "Speed awareness", "Notes from the quarterly meeting.\n", author=author)
    assert _outbox(session) == 1
    assert _found(app, "meeting", {community.id}) == 0

    assert applier.drain() == 1
    assert _outbox(session) == 0
    assert _found(app, "meeting", {community.id}) == 1


@pytest.mark.parametrize("moment", ["before-index", "after-index"])
def test_an_applier_killed_mid_way_leaves_the_outbox_for_the_next_run(
    app, make, wiki, session, settings_overrides, moment
):
    community = make.community("Roads Policing")
    author = make.member(community, role=Role.MODERATOR)
    applier = _applier(app)
    applier.inline = False  # changes wait for an applier, as between a commit and its thread waking
    applier.notify = lambda: None  # type: ignore[method-assign]
    for n in range(5):
        wiki.page(community, f"Meeting notes {n}", f"Minutes of meeting {n}.\n", author=author)
    assert _outbox(session) == 5

    killed = _run("apply-then-die", {"die": moment}, _environment(settings_overrides, inline=False))
    assert killed.returncode == -9, killed.stderr
    assert _outbox(session) == 5  # nothing was lost: every row is still there

    assert applier.drain() == 5
    assert _outbox(session) == 0
    assert _found(app, "meeting", {community.id}) == 5


def test_two_processes_writing_at_once_lose_no_update(app, make, session, settings_overrides):
    community = make.community("Roads Policing")
    author = make.member(community, role=Role.MODERATOR)
    environment = _environment(settings_overrides, inline=True)
    options = {"user_id": author.id, "community_id": community.id, "count": 15}
    processes = [
        subprocess.Popen(
            _command("create-pages", {**options, "prefix": prefix}),
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prefix in ("Alpha", "Bravo")
    ]
    for process in processes:
        _out, err = process.communicate(timeout=180)
        assert process.returncode == 0, err

    assert _outbox(session) == 0
    assert _found(app, "alpha", {community.id}) == 15
    assert _found(app, "bravo", {community.id}) == 15
    assert _found(app, "written", {community.id}) == 30


def test_a_web_process_applies_changes_in_the_background_soon_after_the_commit(settings_overrides, make_app):
    app = make_app(search_inline=False)
    session = app.extensions["polka.sessions"]()
    factory = Factory(app, session)
    community = factory.community("Roads Policing")
    WikiFactory(session, factory).page(community, "Speed awareness", "Notes from the quarterly meeting.\n")
    deadline = time.monotonic() + 15  # bounded: the figure itself is measured by `make bench`
    # The applier deletes the outbox row just after the index commits: wait for both, within the bound.
    while (_found(app, "meeting", {community.id}) == 0 or _outbox(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _found(app, "meeting", {community.id}) == 1
    assert _outbox(session) == 0
    session.close()


@pytest.fixture
def make_app(settings_overrides):
    made: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        application = create_app(**{**settings_overrides, **overrides})
        made.append(application)
        return application

    yield build
    for application in made:
        _applier(application).stop()
        application.extensions["polka.engine"].dispose()
