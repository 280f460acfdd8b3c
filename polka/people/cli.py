"""``polka people``: rebuild what the people pages keep (each bio's HTML) from the profiles."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from polka.db import transaction
from polka.http import session_factory
from polka.people.rendering import rerender_bios


@click.group("people")
def people_group() -> None:
    """People directory maintenance."""


@people_group.command("rerender")
@with_appcontext
def rerender() -> None:
    """Rebuild every bio's HTML from its Markdown."""
    with session_factory()() as session, transaction(session):
        wrong = rerender_bios(session)
    click.echo(f"Bios rendered again: {wrong} {'was' if wrong == 1 else 'were'} wrong.")
