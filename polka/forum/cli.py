"""``polka forum``: rebuild the forum's derived data (counters and kept HTML) from its posts and ballots."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from polka.db import transaction
from polka.forum import polls, posts, rendering, services
from polka.http import session_factory


@click.group("forum")
def forum_group() -> None:
    """Forum maintenance."""


@forum_group.command("recount")
@with_appcontext
def recount() -> None:
    """Rebuild every topic's reply count and last post from its posts, every post's helpful count from
    its marks, and every poll's counts from its ballots."""
    with session_factory()() as session, transaction(session):
        changed = services.recount(session)
        wrong_helpful = posts.recount_helpful(session)
        wrong_votes = polls.recount_polls(session)
    click.echo(f"Recounted every topic: {changed} had wrong counters.")
    click.echo(f"Recounted helpful marks: {wrong_helpful} posts had the wrong count.")
    click.echo(f"Recounted every poll: {wrong_votes} counts were wrong.")


@forum_group.command("rerender")
@with_appcontext
def rerender() -> None:
    """Render every post's text again and rebuild its links."""
    with session_factory()() as session, transaction(session):
        count = rendering.rerender_all(session)
    click.echo(f"Rendered {count} posts.")
