"""``polka communities``: rebuild what is kept on the communities' rows (member counts, description HTML)
from what it is derived from."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from polka.communities.counts import recount_members
from polka.communities.rendering import rerender_descriptions
from polka.db import transaction
from polka.http import session_factory


@click.group("communities")
def communities_group() -> None:
    """Community maintenance."""


@communities_group.command("recount")
@with_appcontext
def recount() -> None:
    """Rebuild every community's member count from its memberships."""
    with session_factory()() as session, transaction(session):
        wrong = recount_members(session)
    click.echo(f"Member counts rebuilt: {wrong} {'was' if wrong == 1 else 'were'} wrong.")


@communities_group.command("rerender")
@with_appcontext
def rerender() -> None:
    """Rebuild every community's description HTML from its Markdown."""
    with session_factory()() as session, transaction(session):
        wrong = rerender_descriptions(session)
    click.echo(f"Descriptions rendered again: {wrong} {'was' if wrong == 1 else 'were'} wrong.")
