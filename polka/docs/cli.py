"""``polka docs``: empty the bins and read documents' text again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from polka.db import transaction
from polka.docs import bin, processing
from polka.docs.models import Document, DocumentExtract, ExtractStatus, Version
from polka.http import session_factory


@click.group("docs")
def docs_group() -> None:
    """Document library maintenance."""


@docs_group.command("purge-deleted")
@with_appcontext
def purge_deleted() -> None:
    """Remove for good the documents in the bin for more than 30 days (the worker also does this daily)."""
    with session_factory()() as session, transaction(session):
        count = bin.purge_expired(session)
    click.echo(f"Removed {count} documents from the bins.")


@docs_group.command("reextract")
@click.option("--failed-only", is_flag=True, help="Only the versions whose text could not be read.")
@with_appcontext
def reextract(failed_only: bool) -> None:
    """Queue the current version of every document to have its text read again (by `polka worker`)."""
    with session_factory()() as session, transaction(session):
        query = select(Version).join(
            Document, (Document.id == Version.document_id) & (Document.head_number == Version.number)
        )
        if failed_only:
            query = query.join(DocumentExtract, DocumentExtract.version_id == Version.id).where(
                DocumentExtract.status == ExtractStatus.FAILED
            )
        versions = list(session.scalars(query))
        for version in versions:
            processing.queue_extraction(session, version)
    click.echo(f"Queued {len(versions)} documents to have their text read.")
