"""``polka demo``: a realistic demo site, loaded once."""

from __future__ import annotations

import click


@click.command("demo")
def demo() -> None:
    """Load the demo data (once)."""
    raise click.ClickException("demo data is being built")
