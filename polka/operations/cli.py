"""``polka backup FILE`` and ``polka restore FILE`` (``polka.operations.backup``), and ``polka doctor``
(``polka.operations.doctor``)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from polka.features import referenced_files
from polka.operations.backup import RestoreRefused, backup, restore
from polka.operations.doctor import Level, examine


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write the whole site (database and files) to one archive, TARGET, from one consistent snapshot."""
    target = target.resolve()
    if not target.parent.is_dir():
        raise click.ClickException(f"{target.parent} is not a folder")
    try:
        manifest = backup(
            current_app.extensions["polka.engine"],
            current_app.extensions["polka.files"],
            target,
            referenced_files,
        )
    except (FileExistsError, RestoreRefused, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(table["rows"] for table in manifest.tables.values())
    size = sum(manifest.files.values())
    click.echo(
        f"Backed up {rows:,} rows of {len(manifest.tables)} tables and {len(manifest.files):,} files "
        f"({size / 1e6:,.1f} MB) at migration {manifest.revision} to {target}."
    )


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(source: Path) -> None:
    """Restore the archive SOURCE (``polka backup``) into this empty deployment, then rebuild the search
    index from it. The database must be new and at the backup's migration: ``polka db upgrade`` with the
    release that made the backup (upgrade after restoring)."""
    try:
        manifest = restore(
            current_app.extensions["polka.engine"], current_app.extensions["polka.files"], source
        )
    except RestoreRefused as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(table["rows"] for table in manifest.tables.values())
    click.echo(
        f"Restored {rows:,} rows and {len(manifest.files):,} files from {source} (made {manifest.created_at})."
    )
    indexed = current_app.extensions["polka.search"].rebuild()
    click.echo(f"Search index rebuilt: {indexed:,} items.")


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check this deployment's settings and state, and say what is wrong in words (exit 1 on a problem)."""
    findings = examine(current_app._get_current_object())  # type: ignore[attr-defined]
    marks = {Level.PROBLEM: "PROBLEM", Level.WARNING: "warning", Level.FINE: "fine"}
    for finding in findings:
        click.echo(f"{marks[finding.level]:8} {finding.text}")
    problems = sum(finding.level is Level.PROBLEM for finding in findings)
    warnings = sum(finding.level is Level.WARNING for finding in findings)
    click.echo(f"\n{problems} problems, {warnings} warnings.")
    if problems:
        raise SystemExit(1)
