"""Shared fixtures: a fresh data directory and database per test, the app, a browser-like client,
and factories that go through the services.

Set ``POLKA_TEST_DATABASE_URL`` (a PostgreSQL URL) to run everything on PostgreSQL: the schema is
created once per run and emptied between tests.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from functools import cache
from pathlib import Path
from typing import Any

import pyotp
import pytest
from alembic import command
from flask import Flask
from sqlalchemy import Engine, insert, make_url, text, update
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from polka import create_app
from polka.accounts import twofactor
from polka.accounts.models import User
from polka.accounts.passwords import PasswordHashing
from polka.accounts.services import create_user
from polka.communities.models import Community, Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import Base, make_engine, transaction
from polka.dbcli import alembic_config
from polka.markings import Marking
from polka.models import accounts  # noqa: F401  (all tables on Base.metadata)
from polka.organisations.services import sync_organisations
from polka.search.pg_backend import PG_INDEX_FORMAT
from polka.search.pg_tables import SEARCH_METADATA, search_state
from tests.compiled_once import SHARED_TEMPLATES, reuse_compiled_url_builders
from tests.support import Web

reuse_compiled_url_builders()  # an app a test costs 0.06 s, not 0.37 (see there)


PASSWORD = "lantern-quietly-harbour-91"
PG_URL = os.environ.get("POLKA_TEST_DATABASE_URL", "")
CHEAP_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8192}


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The PostgreSQL database this test process uses: the one named, or under pytest-xdist a
    database of the worker's own beside it (made afresh, dropped at the end), so workers never empty
    each other's tables."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not PG_URL or not worker:
        yield PG_URL
        return
    name = f"{make_url(PG_URL).database}_{worker}"
    admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def stamp_newest(url: str) -> None:
    """Record the database made from the models as at the newest migration, which it is
    (``tests/test_migrations.py`` checks that the two agree): ``/readyz`` and ``polka doctor`` see a
    deployment that is up to date, as an operator's would be."""
    config = alembic_config(url)
    config.attributes["configure_logger"] = False  # leave the test run's logging alone
    command.stamp(config, "head")


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine | None]:
    """On PostgreSQL: one schema for the run, emptied before each test."""
    if not pg_url:
        yield None
        return
    engine = make_engine(pg_url)
    Base.metadata.drop_all(engine)
    SEARCH_METADATA.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    Base.metadata.create_all(engine)
    SEARCH_METADATA.create_all(engine)
    stamp_newest(pg_url)
    with Session(engine) as session, session.begin():
        sync_organisations(session)  # as every app starts: kept, and put back after each test's emptying
        # The search index as built by this code (a rebuild would otherwise be due).
        session.execute(insert(search_state).values(id=1, format=PG_INDEX_FORMAT, generation=1))
    with engine.begin() as conn:
        for table in SEEDED:
            conn.execute(text(f'DROP TABLE IF EXISTS "seed_{table}"'))
            conn.execute(text(f'CREATE TABLE "seed_{table}" AS SELECT * FROM "{table}"'))
    yield engine
    engine.dispose()


#: Tables every test starts with the rows of (the reference organisations, the search index's state),
#: kept beside them as ``seed_<table>`` on PostgreSQL: putting them back costs a millisecond, adding
#: them again 50.
SEEDED = ("org_organisations", "org_domains", "search_state")


@cache
def _emptying() -> str:
    """Every row of every table gone and every sequence back at 1, but for the rows every test starts
    with (``SEEDED``), in one round trip (built once the tests are collected, so it names every table
    they declared). DELETE of the few rows a test leaves
    costs a few milliseconds where TRUNCATE of every table cost 150, for each of ~3,600 tests;
    foreign-key triggers are off for it (``replica``), so the order of the tables does not matter."""
    return ";".join(
        [
            "SET LOCAL session_replication_role = replica",
            *(f'DELETE FROM "{table.name}"' for table in Base.metadata.sorted_tables),
            *(f'DELETE FROM "{table.name}"' for table in SEARCH_METADATA.sorted_tables),
            "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE c.relkind = 'S' AND n.nspname = current_schema()",
            *(f'INSERT INTO "{table}" SELECT * FROM "seed_{table}"' for table in SEEDED),
            *(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM \"{table}\""
                for table in SEEDED
                if table in Base.metadata.tables
            ),
        ]
    )


def _empty_postgres(engine: Engine) -> None:
    with engine.begin() as conn:
        # A connection a finished test left inside a transaction would make the deletes wait for ever;
        # end such leftovers, and never wait long for a lock.
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
            )
        )
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        conn.exec_driver_sql(_emptying())


@pytest.fixture
def database_url(tmp_path: Path, pg_url: str, pg_engine: Engine | None, sqlite_template: Path) -> str:
    if pg_engine is not None:
        _empty_postgres(pg_engine)
        return pg_url
    (tmp_path / "data").mkdir(exist_ok=True)
    database = tmp_path / "data" / "polka.db"
    shutil.copyfile(sqlite_template, database)
    return f"sqlite:///{database}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with every table and the reference organisations, made once a test process:
    each test starts from a copy of it (a file copy takes a millisecond, making the tables 35 and adding
    the organisations 50)."""
    template = tmp_path_factory.mktemp("template") / "polka.db"
    engine = make_engine(f"sqlite:///{template}")
    Base.metadata.create_all(engine)
    stamp_newest(f"sqlite:///{template}")
    with Session(engine) as session, session.begin():
        sync_organisations(session)  # as every app starts (then it finds nothing to add)
    engine.dispose()  # the last connection closing folds the write-ahead log into the file
    return template


@pytest.fixture
def settings_overrides(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """Settings every test app gets; a test may change them before asking for ``app``."""
    return {
        "data_dir": tmp_path / "data",
        "database_url": database_url,
        "secret_key": "test-secret-key",
        "smtp_url": "",
        "base_url": "http://localhost",
        "search_inline": True,
        **CHEAP_ARGON2,
    }


@pytest.fixture
def app(settings_overrides: dict[str, Any]) -> Iterator[Flask]:
    application = create_app(**settings_overrides)
    application.config["TESTING"] = True
    application.jinja_env.bytecode_cache = SHARED_TEMPLATES  # compiled once a process (see there)
    with application.app_context():
        session = application.extensions["polka.sessions"]()
        with transaction(session):
            sync_organisations(session)
        session.close()
    yield application
    engine: Engine = application.extensions["polka.engine"]
    left_open = engine.pool.checkedout() if isinstance(engine.pool, QueuePool) else 0
    engine.dispose()
    # A connection still checked out here would be closed only by the garbage collector, failing a
    # later test with a ResourceWarning; fail the test that left it instead.
    assert left_open == 0, f"the test left {left_open} database connection(s) checked out"


@pytest.fixture
def client(app: Flask) -> Any:
    return app.test_client()


@pytest.fixture
def web(client: Any) -> Web:
    return Web(client)


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A database session for arranging and checking state (commit with ``transaction``)."""
    s: Session = app.extensions["polka.sessions"]()
    yield s
    s.close()


class Factory:
    """Makes users, communities and memberships through the services, committed."""

    def __init__(self, app: Flask, session: Session) -> None:
        self.app = app
        self.session = session
        self.hasher: PasswordHashing = app.extensions["polka.passwords"]
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def user(
        self,
        name: str | None = None,
        *,
        email: str | None = None,
        admin: bool = False,
        two_factor: bool | None = None,
        password: str = PASSWORD,
    ) -> User:
        n = self._next()
        name = name or f"Test User {n}"
        email = email or f"user{n}@met.police.uk"
        with transaction(self.session):
            user = create_user(
                self.session, self.hasher, email=email, name=name, password=password, admin=admin
            )
            if two_factor if two_factor is not None else admin:
                secret = twofactor.begin_enrolment(self.session, user)
                twofactor.confirm_enrolment(self.session, user, pyotp.TOTP(secret).now())
        return user

    def admin(self, name: str = "Site Admin") -> User:
        return self.user(name, admin=True)

    def community(
        self,
        name: str | None = None,
        *,
        visibility: Visibility = Visibility.OPEN,
        ceiling: Marking = Marking.OFFICIAL,
        managers: list[User] | None = None,
        parent: Community | None = None,
        region: str | None = None,
        **kwargs: Any,
    ) -> Community:
        n = self._next()
        with transaction(self.session):
            return create_community(
                self.session,
                None,
                name=name or f"Community {n}",
                visibility=visibility,
                marking_ceiling=ceiling,
                managers=managers,
                parent=parent,
                region=region,
                **kwargs,
            )

    def member(
        self,
        community: Community,
        user: User | None = None,
        role: Role = Role.MEMBER,
        *,
        two_factor: bool = True,
    ) -> User:
        """``user`` (or a new one) in ``community``; moderators and managers get two-factor set up, as
        their powers need (``two_factor=False`` leaves it off)."""
        user = user or self.user()
        with transaction(self.session):
            add_member(self.session, community, user, role)
            if two_factor and role.at_least(Role.MODERATOR) and not user.has_two_factor:
                secret = twofactor.begin_enrolment(self.session, user)
                twofactor.confirm_enrolment(self.session, user, pyotp.TOTP(secret).now())
        return user


@pytest.fixture
def make(app: Flask, session: Session) -> Factory:
    return Factory(app, session)


@pytest.fixture
def wiki(session: Session, make: Factory) -> Any:
    """Wiki pages and edits made through the wiki's services (``tests.wiki.conftest.WikiFactory``):
    every test that needs real content to show, such as an activity stream, makes it there."""
    from tests.wiki.conftest import WikiFactory  # it builds on this module's Factory

    return WikiFactory(session, make)


class Mailbox:
    """The mail POLKA sent: runs the queued jobs, then reads the ``.eml`` files in the data directory."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def messages(self) -> list[EmailMessage]:
        self.app.extensions["polka.jobs"].run_until_idle()
        folder = self.app.extensions["polka.settings"].mail_dir
        parsed = []
        for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
            with open(path, "rb") as handle:
                parsed.append(BytesParser(policy=policy.default).parse(handle))
        return parsed  # type: ignore[return-value]

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if m["To"] == address]

    @staticmethod
    def body(message: EmailMessage) -> str:
        part = message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    def link(self, message: EmailMessage, contains: str = "http") -> str:
        """The first link in the email containing ``contains``, made relative for the test client."""
        for url in re.findall(r"https?://\S+", self.body(message)):
            if contains in url:
                return url.replace(self.app.extensions["polka.settings"].base_url, "")
        raise AssertionError(f"no link containing {contains!r} in the email")


@pytest.fixture
def mailbox(app: Flask) -> Mailbox:
    return Mailbox(app)


class Login:
    """Signs a ``Web`` browser in as a user, answering the two-factor step when there is one."""

    def __init__(self, web: Web, make: Factory) -> None:
        self.web = web
        self.make = make

    def __call__(self, user: User, password: str = PASSWORD) -> User:
        response = self.web.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        if "/login/two-factor" in response.headers["Location"]:
            assert user.totp_secret
            self.forget_last_code(user)
            code = pyotp.TOTP(user.totp_secret).now()
            response = self.web.post("/login/two-factor", {"code": code}, token_from="/login/two-factor")
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return user

    def forget_last_code(self, user: User) -> None:
        """Let the current code be used again, as if 30 seconds had passed since the last sign-in.

        A code is refused once used (replay protection), and tests sign the same person in more
        than once within a 30-second step.
        """
        engine: Engine = self.make.app.extensions["polka.engine"]
        with engine.begin() as conn:
            conn.execute(update(User).where(User.id == user.id).values(totp_last_counter=None))

    def as_new_user(self, **kwargs: Any) -> User:
        return self(self.make.user(**kwargs))

    def as_admin(self) -> User:
        return self(self.make.admin())

    def as_role(self, community: Community, role: Role) -> User:
        """Sign in as a fresh user holding ``role`` in ``community`` (moderators and managers get two-factor set up)."""
        user = self.make.user(two_factor=role.at_least(Role.MODERATOR))
        self.make.member(community, user, role)
        return self(user)

    def as_member(self, community: Community) -> User:
        return self.as_role(community, Role.MEMBER)

    def as_manager(self, community: Community) -> User:
        return self.as_role(community, Role.MANAGER)


@pytest.fixture
def login(web: Web, make: Factory) -> Login:
    return Login(web, make)
