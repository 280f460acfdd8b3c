"""``polka worker``: runs background jobs until stopped."""

from __future__ import annotations

import click


@click.command("worker")
def worker() -> None:
    """Run background jobs (email, text extraction, …) until interrupted."""
    raise click.ClickException("the job worker is being built")
