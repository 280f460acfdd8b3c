"""``polka wiki``: rebuild the wiki's derived data and remove pages past their restore window."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from polka.db import transaction
from polka.http import session_factory
from polka.wiki import pages, rendering


@click.group("wiki")
def wiki_group() -> None:
    """Wiki maintenance."""


@wiki_group.command("rerender")
@with_appcontext
def rerender() -> None:
    """Rebuild every revision's cached HTML and the link table from the revisions."""
    with session_factory()() as session, transaction(session):
        count = rendering.rerender_all(session)
    click.echo(f"Rendered {count} revisions.")


@wiki_group.command("purge-deleted")
@with_appcontext
def purge_deleted() -> None:
    """Remove for good the pages deleted more than 30 days ago now (the worker also does this daily)."""
    with session_factory()() as session, transaction(session):
        count = pages.purge_deleted(session)
    click.echo(f"Removed {count} deleted pages.")
