"""Reading text (and a thumbnail) out of each uploaded version, in the background.

A version is queued in the transaction that adds it. The job carries what it needs (the file's hash and
type), reads the file in a child process with a time and memory cap *before* touching the database, so
no lock is held while a slow PDF is read, then records the result and has the document re-indexed. A
file whose text cannot be read says why on its page; a manager can queue it again.
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.config import Settings
from polka.db import utcnow
from polka.docs import access
from polka.docs.extraction import ExtractionFailed, Unsupported, extract_in_subprocess, readable
from polka.docs.models import Document, DocumentExtract, ExtractStatus, Version
from polka.docs.search import reindex
from polka.docs.thumbnails import ThumbnailRefused, make_thumbnail
from polka.filetypes import Family
from polka.jobs.services import PermanentJobError, enqueue
from polka.permissions import Action, require
from polka.storage import FileStore, InvalidHash

JOB = "docs.extract"
#: Thumbnails are small PNGs; a few hundred KB at most.
THUMBNAIL_MAX_BYTES = 5 * 1024 * 1024


def queue_extraction(session: Session, version: Version) -> None:
    """Have a version's text read after this transaction commits (its extract row says "pending")."""
    extract = session.get(DocumentExtract, version.id)
    if extract is None:
        extract = DocumentExtract(version_id=version.id)
        session.add(extract)
    extract.status = ExtractStatus.PENDING
    extract.error = ""
    extract.finished_at = None
    session.flush()
    enqueue(
        session,
        JOB,
        {
            "version_id": version.id,
            "sha256": version.sha256,
            "media_type": version.media_type,
            "family": version.family,
        },
        max_attempts=3,
    )


def retry(session: Session, user: User, document: Document) -> None:
    """A manager queues the current version's text to be read again."""
    require(user, Action.MANAGE, document)
    queue_extraction(session, access.current_version(session, document))


def extract_for(session: Session, version: Version) -> DocumentExtract | None:
    return session.get(DocumentExtract, version.id)


def extraction_handler(settings: Settings, store: FileStore) -> Callable[[Session, dict[str, Any]], None]:
    """The job handler, bound to the app's settings and file store."""

    def handle(session: Session, payload: dict[str, Any]) -> None:
        try:
            version_id = int(payload["version_id"])
            path = store.path_for(str(payload["sha256"]))
        except (KeyError, TypeError, ValueError, InvalidHash) as exc:
            raise PermanentJobError(f"a bad extraction job: {exc}") from exc
        if not path.is_file():
            raise PermanentJobError(f"the bytes of version {version_id} are missing from the file store")
        media_type, family = str(payload.get("media_type", "")), str(payload.get("family", ""))
        # Read the file before touching the database: no lock is held while it is read.
        status, text, truncated, error = ExtractStatus.UNSUPPORTED, "", False, ""
        if readable(media_type):
            try:
                extracted = extract_in_subprocess(
                    path,
                    media_type,
                    max_chars=settings.docs_extract_max_chars,
                    seconds=settings.docs_extract_seconds,
                )
                status, text, truncated = ExtractStatus.DONE, extracted.text, extracted.truncated
            except Unsupported:
                status = ExtractStatus.UNSUPPORTED
            except ExtractionFailed as failed:
                status, error = ExtractStatus.FAILED, str(failed)[:500]
        thumbnail: bytes | None = None
        if family == Family.IMAGE.value:
            try:
                thumbnail = make_thumbnail(path)
            except ThumbnailRefused as refused:
                error = str(refused)[:500]
        thumbnail_sha256 = None
        if thumbnail is not None:
            thumbnail_sha256 = store.save_stream(BytesIO(thumbnail), THUMBNAIL_MAX_BYTES).sha256
        _record(session, version_id, status, text, truncated, error, thumbnail_sha256)

    return handle


def _record(
    session: Session,
    version_id: int,
    status: ExtractStatus,
    text: str,
    truncated: bool,
    error: str,
    thumbnail_sha256: str | None,
) -> None:
    version = session.get(Version, version_id)
    if version is None:
        return  # the document was purged meanwhile
    extract = session.get(DocumentExtract, version_id) or DocumentExtract(version_id=version_id)
    extract.status = status
    extract.text = text
    extract.truncated = truncated
    extract.error = error
    extract.thumbnail_sha256 = thumbnail_sha256
    extract.finished_at = utcnow()
    session.add(extract)
    session.flush()
    document = session.get(Document, version.document_id)
    if document is not None and document.head_number == version.number:
        reindex(session, document)


def stored_hashes(session: Session) -> set[str]:
    """Every file the library refers to: each version's bytes and each thumbnail (documents in the bin
    included; a purged document's files are no longer referred to)."""
    versions = set(session.scalars(select(Version.sha256)))
    thumbnails = session.scalars(
        select(DocumentExtract.thumbnail_sha256).where(DocumentExtract.thumbnail_sha256.is_not(None))
    )
    return versions | {sha256 for sha256 in thumbnails if sha256}
