"""``polka db``: migrations (Alembic) and the reference data every site needs."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask.cli import with_appcontext

from polka.db import transaction
from polka.http import session_factory
from polka.http import settings as app_settings
from polka.organisations.services import sync_organisations
from polka.site_search.synonyms import sync_synonyms

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@click.group("db")
def db_group() -> None:
    """Database migrations and reference data."""


@db_group.command("upgrade")
@with_appcontext
def upgrade() -> None:
    """Migrate the database to the newest schema and load the organisations list and the thesaurus's
    shipped groups (each added once)."""
    settings = app_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    try:
        command.upgrade(alembic_config(settings.database_url), "head")
    except RuntimeError as exc:  # a migration that cannot go on says why, in words, as RuntimeError
        raise click.ClickException(str(exc)) from exc
    with session_factory()() as session, transaction(session):
        added = sync_organisations(session)
        synonyms = sync_synonyms(session)
    click.echo(f"Database is up to date ({added} organisations and {synonyms} synonym groups added).")
