"""``polka users``: provisioning accounts from scripts, never with a password on the command line."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import with_appcontext

from polka.accounts.services import create_user
from polka.accounts.web import hasher
from polka.db import transaction
from polka.errors import PolkaError
from polka.http import session_factory

PASSWORD_ENV = "POLKA_NEW_USER_PASSWORD"  # noqa: S105 - a variable name, not a password


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    raise click.UsageError(f"Give the password on standard input (--password-stdin) or in {PASSWORD_ENV}.")


@click.group("users")
def users() -> None:
    """Create accounts for provisioning scripts."""


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--admin", is_flag=True, help="Make the account a site administrator.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@with_appcontext
def create(email: str, name: str, admin: bool, password_stdin: bool) -> None:
    """Create an active, verified account (password from stdin or POLKA_NEW_USER_PASSWORD)."""
    password = _read_password(password_stdin)
    try:
        with session_factory()() as session, transaction(session):
            user = create_user(session, hasher(), email=email, name=name, password=password, admin=admin)
    except PolkaError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Created {'administrator' if admin else 'user'} {user.email}.")


@users.command("create-admin")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of standard input."
)
@click.pass_context
def create_admin(ctx: click.Context, email: str, name: str, password_stdin: bool) -> None:
    """Create an active site administrator (same as ``create --admin``)."""
    ctx.invoke(create, email=email, name=name, admin=True, password_stdin=password_stdin)
