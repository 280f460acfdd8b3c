"""An index built by an older release (an older way of analysing or storing documents) is rebuilt by
the worker, once, while search goes on answering; a current one is left alone. Both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from polka.communities.models import Role
from polka.search.pg_backend import PG_INDEX_FORMAT
from polka.search.pg_tables import search_state
from polka.search.whoosh_reading import INDEX_FORMAT
from tests.conftest import PG_URL
from tests.search.test_applier import _applier, _found
from tests.wiki.conftest import WikiFactory  # noqa: F401  (the ``wiki`` fixture)


@pytest.fixture
def indexed(make, wiki) -> int:
    """A community with one indexed page about kestrel checks; its id."""
    community = make.community("PNC Operators")
    author = make.member(community, role=Role.MODERATOR)
    wiki.page(community, "Kestrel checks", "How to run kestrel checks.", author=author)
    return int(community.id)


# --- Whoosh: each generation says the format that built it ----------------------------------------


@pytest.fixture
def whoosh(settings_overrides: dict[str, Any]) -> None:
    """Whoosh, whatever the database."""
    settings_overrides["search_backend"] = "whoosh"


def _live_generation(app: Flask) -> Path:
    root = _applier(app).backend.root  # type: ignore[attr-defined]
    return root / (root / "CURRENT").read_text().strip()


def test_an_index_built_by_an_older_release_is_rebuilt_by_the_worker_once(whoosh, app, indexed, caplog):
    old = _live_generation(app)
    (old / "FORMAT").write_text("0\n")  # what a release before the current format would have left
    runner = app.extensions["polka.jobs"]

    runner.run_until_idle()  # the worker's idle loop

    new = _live_generation(app)
    assert new != old
    assert not old.exists()
    assert (new / "FORMAT").read_text().strip() == str(INDEX_FORMAT)
    assert _found(app, "kestrel", {indexed}) == 1
    assert "rebuilt" in caplog.text
    runner.run_until_idle()
    assert _live_generation(app) == new  # asked once per process, not rebuilt again


def test_an_index_of_the_current_format_is_left_as_it_is(whoosh, app, indexed):
    generation = _live_generation(app)

    app.extensions["polka.jobs"].run_until_idle()

    assert _live_generation(app) == generation
    assert _applier(app).backend.needs_rebuild() is False


def test_an_index_made_before_formats_were_written_down_counts_as_the_first(whoosh, app, indexed):
    generation = _live_generation(app)
    (generation / "FORMAT").unlink()
    assert _applier(app).backend.needs_rebuild() is (INDEX_FORMAT > 1)


# --- PostgreSQL: the index's state row says the format ------------------------------------------------


def _format(app: Flask) -> int:
    with app.extensions["polka.engine"].connect() as conn:
        return int(conn.scalar(select(search_state.c.format)))


@pytest.mark.skipif(not PG_URL, reason="the PostgreSQL backend needs POLKA_TEST_DATABASE_URL")
def test_a_postgresql_index_of_an_older_format_is_rebuilt_by_the_worker_once(app, indexed, caplog):
    with app.extensions["polka.engine"].begin() as conn:
        conn.execute(update(search_state).values(format=0))  # as the migration leaves a new database
    assert _applier(app).backend.needs_rebuild()
    runner = app.extensions["polka.jobs"]

    runner.run_until_idle()  # the worker's idle loop

    assert _format(app) == PG_INDEX_FORMAT
    assert not _applier(app).backend.needs_rebuild()
    assert _found(app, "kestrel", {indexed}) == 1
    assert "rebuilt" in caplog.text
