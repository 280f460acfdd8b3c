"""``polka notifications``: rebuild what notifications keep (each person's unread count) from the rows."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from polka.accounts.models import User
from polka.db import transaction
from polka.http import session_factory
from polka.notifications.fanout import chunks
from polka.notifications.inbox import recount


@click.group("notifications")
def notifications_group() -> None:
    """Notifications maintenance."""


@notifications_group.command("recount")
@with_appcontext
def recount_command() -> None:
    """Set every person's unread count (the header's) from their unread notifications."""
    with session_factory()() as session, transaction(session):
        ids = list(session.scalars(select(User.id).order_by(User.id)))
        for part in chunks(ids):
            recount(session, part)
    click.echo(
        f"Unread notifications counted again for {len(ids)} {'person' if len(ids) == 1 else 'people'}."
    )
