"""``polka insights``: count a month's words again from the writings (the insights' tables are derived)."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from polka.db import transaction, utcnow
from polka.errors import ValidationError
from polka.http import session_factory
from polka.insights.rebuild import rebuild_month
from polka.months import Month


@click.group("insights")
def insights_group() -> None:
    """Community insights maintenance."""


@insights_group.command("rebuild")
@click.option("--month", "written", default="", help="the month to count, as 2026-11 (default: this month)")
@with_appcontext
def rebuild_command(written: str) -> None:
    """Count one month's writings again, replacing what was counted for it."""
    try:
        month = Month.parse(written) if written else Month.of(utcnow())
    except ValidationError as error:
        raise click.BadParameter(str(error), param_hint="--month") from error
    started = time.monotonic()
    with session_factory()() as session, transaction(session):
        rebuilt = rebuild_month(session, month)
    click.echo(
        f"{month.label}: {rebuilt.writings} writings in {rebuilt.communities} "
        f"{'community' if rebuilt.communities == 1 else 'communities'}, {rebuilt.terms} terms kept "
        f"({time.monotonic() - started:.1f} s)."
    )
