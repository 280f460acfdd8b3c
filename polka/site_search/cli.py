"""``polka search``: rebuild the index, apply what the outbox holds, and report the index's state."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from polka.search.applier import OutboxApplier
from polka.search.backend import LockTimeout


def _applier() -> OutboxApplier:
    applier: OutboxApplier = current_app.extensions["polka.search"]
    return applier


@click.group("search")
def search_group() -> None:
    """Search index maintenance."""


@search_group.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the whole search index from the database, then swap it in.

    Searches keep answering from the old index while the new one is built; changes saved meanwhile
    are carried over.
    """
    started = time.monotonic()
    count = _applier().rebuild()
    seconds = time.monotonic() - started
    click.echo(f"Indexed {count} items in {seconds:.1f}s.")


@search_group.command("apply")
@with_appcontext
def apply() -> None:
    """Apply every change waiting in the search outbox (``polka worker`` does this too)."""
    try:
        count = _applier().drain()
    except LockTimeout as exc:
        raise click.ClickException(f"the search index is busy, try again: {exc}") from exc
    click.echo(f"Applied {count} waiting changes.")


@search_group.command("status")
@with_appcontext
def status() -> None:
    """How many items the index holds and how many changes wait to be applied."""
    applier = _applier()
    click.echo(f"Indexed items: {applier.backend.document_count()}")
    click.echo(f"Changes waiting: {applier.pending()}")
