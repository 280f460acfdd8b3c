"""The ``polka`` command: a Flask CLI group holding every operator task.

Each command commits once, through ``transaction()``, like a request.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup


def register(app: Flask) -> None:
    from polka.accounts.cli import users
    from polka.communities.cli import communities_group
    from polka.dbcli import db_group
    from polka.demo import demo
    from polka.features import FEATURES
    from polka.insights.cli import insights_group
    from polka.jobs.cli import worker
    from polka.notifications.cli import notifications_group
    from polka.operations.cli import backup_command, doctor_command, restore_command
    from polka.people.cli import people_group
    from polka.site_search.cli import search_group

    features = [feature.cli for feature in FEATURES if feature.cli is not None]
    commands = (
        db_group,
        users,
        communities_group,
        people_group,
        notifications_group,
        demo,
        worker,
        *features,
        search_group,
        insights_group,
        backup_command,
        restore_command,
        doctor_command,
    )
    for command in commands:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from polka import create_app

    app = create_app()
    # A command's changes reach the search index before the command exits (no background thread).
    app.extensions["polka.search"].inline = True
    return app


@click.group(cls=FlaskGroup, create_app=_create_app, add_default_commands=True, load_dotenv=False)
def main() -> None:
    """POLKA's operator commands."""
