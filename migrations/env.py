"""Alembic environment: POLKA's metadata, batch mode for SQLite, URL from POLKA's settings."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from polka.config import load_settings
from polka.db import Base, make_engine
from polka.models import metadata_for

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return url or load_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        engine = make_engine(database_url())
        try:
            with engine.connect() as connection:
                _run(connection)
        finally:
            engine.dispose()  # also when a migration stops with an error: no connection left behind
    else:
        _run(connectable)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata_for(connection.dialect.name),  # type: ignore[attr-defined]
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
