"""Database kernel: the declarative base, engines, sessions and the one ``transaction()``.

Services flush but never commit; the caller (one write request, one CLI command, one job) wraps its
work in ``transaction(session)``. On SQLite a write session begins with ``BEGIN IMMEDIATE`` so a
read-then-write never loses an update to another process.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import ColumnElement, DateTime, Engine, Enum, MetaData, create_engine, event, func
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, QueryableAttribute, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

#: Execution option that makes a SQLite transaction ``BEGIN IMMEDIATE`` (take the write lock first).
WRITE = "polka_write"


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back as an aware UTC datetime (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; POLKA stores aware UTC datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def str_enum(cls: type[enum.StrEnum]) -> Enum:
    """A portable column for a ``StrEnum``: no native enum type, the values stored as written."""
    return Enum(
        cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def contains_text(column: QueryableAttribute[Any], text: str) -> ColumnElement[bool]:
    """SQL: ``column`` contains ``text``, ignoring case; ``%``, ``_`` and ``/`` typed by a user are literal."""
    return func.lower(column).contains(text.lower(), autoescape=True)


def starts_with_text(column: QueryableAttribute[Any], text: str) -> ColumnElement[bool]:
    """SQL: ``column`` starts with ``text``, ignoring case, what is typed taken literally."""
    return func.lower(column).startswith(text.lower(), autoescape=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout, foreign keys and explicit BEGINs."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


def begin_write(session: Session) -> None:
    """Mark the session's transaction as a write before its first statement (``BEGIN IMMEDIATE``)."""
    if not session.in_transaction():
        session.connection(execution_options={WRITE: True})


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit the work done inside the block, or roll all of it back on any error."""
    begin_write(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def transaction_after_reads(session: Session) -> Iterator[Session]:
    """``transaction()`` for a write at the end of a read-only request (an audit of what it showed).

    The request's read transaction is ended first: on SQLite a read transaction that turns into a write
    fails when another writer committed in between. Only for writes that do not depend on what was read.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("a read-only request has unsaved changes")
    if session.in_transaction() and not session.connection().get_execution_options().get(WRITE, False):
        session.commit()  # nothing was written: this only ends the reads (loaded objects stay loaded)
    with transaction(session):
        yield session
