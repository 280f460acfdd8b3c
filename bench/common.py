"""Timing helpers shared by the benchmarks: run a callable many times, report median and p95,
compare with a target, and exit non-zero when a target is missed."""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import and_, event, make_url, select, text
from sqlalchemy.orm import Session

import polka.models  # noqa: F401  (every table, for create_all)
from polka import create_app
from polka.accounts.models import User
from polka.accounts.services import create_user
from polka.communities.models import Community, Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import Base, make_engine
from polka.dbcli import alembic_config
from polka.organisations.services import sync_organisations
from polka.wiki.models import WikiPage, WikiRevision
from polka.wiki.rendering import kept_rendering, render_body


@dataclass
class Measure:
    name: str
    seconds: list[float]
    target_ms: float | None = None
    #: which statistic the target applies to: "median", "p95" or "max"
    against: str = "median"

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000

    @property
    def max_ms(self) -> float:
        return max(self.seconds) * 1000

    @property
    def figure_ms(self) -> float:
        return {"median": self.median_ms, "p95": self.p95_ms, "max": self.max_ms}[self.against]

    @property
    def met(self) -> bool:
        return self.target_ms is None or self.figure_ms <= self.target_ms


def bench_app(data: Path, database_url: str = "", **settings: Any) -> tuple[Flask, str]:
    """A POLKA app on a new, empty schema: SQLite in ``data`` unless ``database_url`` names another
    (which must exist and be empty; PostgreSQL is migrated as an operator would, for the search
    backend's tables). Returns the app and the database URL."""
    url = database_url or f"sqlite:///{data / 'polka.db'}"
    if url.startswith("postgresql"):
        command.upgrade(alembic_config(url), "head")
    else:
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
    return create_app(data_dir=data, database_url=url, secret_key="bench", smtp_url="", **settings), url


#: Where ``scratch_postgresql`` makes its databases (a server on this machine: CI's, or a developer's).
BENCH_POSTGRESQL = os.environ.get("POLKA_BENCH_POSTGRESQL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_postgresql(label: str) -> Iterator[str]:
    """A new, empty PostgreSQL database beside ``BENCH_POSTGRESQL``'s, dropped afterwards: its URL."""
    name = f"polka_bench_{label}_{secrets.token_hex(3)}"
    admin = make_engine(BENCH_POSTGRESQL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(BENCH_POSTGRESQL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def time_calls(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls of ``fn`` after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds


@dataclass
class Report:
    title: str
    measures: list[Measure] = field(default_factory=list)

    def add(self, measure: Measure) -> Measure:
        self.measures.append(measure)
        return measure

    def print(self) -> None:
        print(f"\n{self.title}")
        print(f"{'measure':58} {'n':>5} {'median ms':>10} {'p95 ms':>9} {'max ms':>9}  target")
        for m in self.measures:
            target = "" if m.target_ms is None else f"{m.against} ≤ {m.target_ms:g} ms"
            verdict = "" if m.target_ms is None else ("  met" if m.met else "  MISSED")
            print(
                f"{m.name:58} {len(m.seconds):>5} {m.median_ms:>10.1f} {m.p95_ms:>9.1f} {m.max_ms:>9.1f}"
                f"  {target}{verdict}"
            )

    def exit(self) -> None:
        """Print the report; exit 1 if any target was missed."""
        self.print()
        if not all(m.met for m in self.measures):
            sys.exit(1)


#: The password of the people a benchmark signs in as.
PASSWORD = "lantern-quietly-harbour-91"
#: Who the page benchmarks sign in as: a member of the benchmark's community.
MEMBER_EMAIL = "member@met.police.uk"


def member_and_community(session: Session, hasher: Any, name: str) -> tuple[User, User, Community]:
    """An administrator, a restricted community ``name`` they manage, and its member who signs in
    (``MEMBER_EMAIL``), with the organisations loaded."""
    sync_organisations(session)
    admin = create_user(
        session, hasher, email="admin@met.police.uk", name="Admin", password=PASSWORD, admin=True
    )
    member = create_user(session, hasher, email=MEMBER_EMAIL, name="Mel Member", password=PASSWORD)
    community = create_community(
        session, admin, name=name, visibility=Visibility.RESTRICTED, managers=[admin]
    )
    add_member(session, community, member, Role.MEMBER)
    return admin, member, community


def statements(app: Flask, client: FlaskClient, path: str) -> int:
    """How many SQL statements one GET of ``path`` runs (transaction control aside)."""
    counted: list[str] = []
    engine = app.extensions["polka.engine"]

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            counted.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(counted)


def time_pages(
    app: Flask, client: FlaskClient, title: str, pages: list[tuple[str, str]], target_ms: float, repeat: int
) -> Report:
    """Each page's median through ``client`` against ``target_ms``, named with the statements it runs."""
    report = Report(title)
    for name, path in pages:
        counted = statements(app, client, path)
        report.add(
            Measure(
                f"{name} [{counted} statements]",
                time_calls(partial(client.get, path), repeat=repeat),
                target_ms,
            )
        )
    return report


def keep_renderings(session: Session) -> None:
    """Each wiki page's current revision rendered and kept, as saving a page does (a page view, and the
    search index, then read the kept HTML, as they would on a real site)."""
    communities = {c.id: c for c in session.scalars(select(Community))}
    heads = session.execute(
        select(WikiRevision.id, WikiRevision.body, WikiPage.community_id).join(
            WikiPage, and_(WikiPage.id == WikiRevision.page_id, WikiPage.head_number == WikiRevision.number)
        )
    )
    session.add_all(kept_rendering(id_, render_body(communities[c], body)) for id_, body, c in heads)
    session.flush()
