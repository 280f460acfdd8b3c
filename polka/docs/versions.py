"""Document versions: the uploaded file stored, a new version added or an old one restored, the current
one approved, and the list of them.

The bytes of an upload go to the file store first (streamed, hashed, typed by their content before they
get their real name) and the rows that point at them second, so a row is never visible without its
bytes. Version numbers come from a conditional update of the document's ``head_number``
(``… WHERE head_number = :seen``), so two uploads at once get unique, gap-free numbers or a clear
"someone uploaded a version meanwhile" on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.communities.kinds import COMMUNITY_KIND
from polka.db import utcnow
from polka.docs import access, locks, processing
from polka.docs.kinds import DOCUMENT_KIND, FOLDER_KIND
from polka.docs.models import NOTE_MAX, Document, DocumentStatus, Version
from polka.docs.search import reindex
from polka.docs.waiting import DOCUMENTS
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.filetypes import ACCEPTED_DESCRIPTION, FileType, classify, detect
from polka.forms import has_control_characters
from polka.notifications.announce import Notice, announce
from polka.notifications.waiting import tell_waiting
from polka.permissions import Action, require
from polka.storage import FileStore, Readable, StoredFile, clean_filename
from polka.text import check_text


@dataclass(frozen=True)
class Upload:
    """One file as it arrives: the stream, the name the browser gave, and the size limit."""

    stream: Readable
    filename: str
    max_bytes: int


@dataclass(frozen=True)
class Limits:
    """Settings the rules need (from ``polka.config.Settings``)."""

    checkout: timedelta = timedelta(hours=24)


# Storing the file ---------------------------------------------------------------------------------


def _accepted_type(path: Path) -> FileType:
    kind = detect(path)
    if kind.media_type == "application/x-empty":
        raise ValidationError("The selected file is empty", {"file": "The selected file is empty"})
    if not kind.accepted:
        message = (
            f"POLKA does not accept this type of file ({kind.media_type}). It accepts {ACCEPTED_DESCRIPTION}."
        )
        raise ValidationError(message, {"file": "This type of file is not accepted"})
    return kind


def store_upload(store: FileStore, upload: Upload) -> tuple[StoredFile, FileType]:
    """Stream the file into the store, refusing an empty, over-large or unaccepted one (nothing kept)."""
    found: list[FileType] = []
    stored = store.save_stream(
        upload.stream, upload.max_bytes, check=lambda path: found.append(_accepted_type(path))
    )
    return stored, found[0] if found else _accepted_type(stored.path)


# Adding and restoring ----------------------------------------------------------------------------


def add_version(
    session: Session,
    user: User,
    document: Document,
    store: FileStore,
    upload: Upload,
    note: str,
    *,
    seen_head: int,
    limits: Limits,
    keep_checked_out: bool = False,
) -> Version:
    """Upload a new version of a document; it becomes current, and a draft until a moderator approves it.

    ``seen_head`` is the version the uploader was looking at: if someone added one since, ``Conflict``.
    A document checked out by someone else refuses, saying by whom and until when.
    """
    note = _may_add_version(user, document, note, limits)
    stored, kind = store_upload(store, upload)
    return add_stored_version(
        session,
        user,
        document,
        stored,
        kind,
        upload.filename,
        note=note,
        seen_head=seen_head,
        limits=limits,
        keep_checked_out=keep_checked_out,
    )


def add_stored_version(
    session: Session,
    user: User,
    document: Document,
    stored: StoredFile,
    kind: FileType,
    filename: str,
    *,
    note: str = "",
    seen_head: int,
    limits: Limits,
    keep_checked_out: bool = False,
) -> Version:
    """A new version from bytes already in the store (an upload's, or a file offered as a duplicate and
    added as a version); uploading it checks the document back in unless ``keep_checked_out``."""
    note = _may_add_version(user, document, note, limits)
    version = claim_version(session, user, document, stored, kind, filename, note=note, seen_head=seen_head)
    if not keep_checked_out and locks.holds(user, document, limits.checkout):
        locks.release(session, document)
    record_document_activity(session, user, "updated", document)
    return version


def _may_add_version(user: User, document: Document, note: str, limits: Limits) -> str:
    """The change note, checked, once the user may add a version now (``Forbidden``, ``Conflict``)."""
    if not access.can_add_version(user, document):
        require(user, Action.CONTRIBUTE, document)
    note = _check_note(note)
    locks.require_not_held_by_other(user, document, limits.checkout)
    return note


def restore_version(
    session: Session, user: User, document: Document, number: int, *, seen_head: int, limits: Limits
) -> Version:
    """Bring back an older version as a new current one (history is never rewritten)."""
    old = access.get_version(session, user, document, number)
    _may_add_version(user, document, "", limits)
    if number == document.head_number:
        raise ValidationError(f"Version {number} is already the current version.")
    stored = StoredFile(sha256=old.sha256, size=old.size, path=Path())
    kind = classify(old.media_type)
    version = claim_version(
        session,
        user,
        document,
        stored,
        kind,
        old.filename,
        note=f"Restored version {number}",
        seen_head=seen_head,
    )
    version.restored_from = number
    record(
        session,
        user,
        "docs.version_restored",
        target_type=DOCUMENT_KIND,
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={"from_version": number, "new_version": version.number},
    )
    return version


def _check_note(note: str) -> str:
    note = check_text("note", note, NOTE_MAX, "the change note")
    if has_control_characters(note):
        raise ValidationError(
            "The change note contains characters that cannot be stored", {"note": "Remove control characters"}
        )
    return note


def claim_version(
    session: Session,
    user: User,
    document: Document,
    stored: StoredFile,
    kind: FileType,
    filename: str,
    *,
    note: str,
    seen_head: int,
) -> Version:
    """Claim the next number from ``seen_head`` and add the version row (the bytes are stored already)."""
    now = utcnow()
    claimed = session.execute(
        update(Document)
        .where(Document.id == document.id, Document.head_number == seen_head)
        .values(
            head_number=seen_head + 1,
            size=stored.size,
            family=kind.family.value if kind.family is not None else "",
            status=DocumentStatus.DRAFT
            if document.status is not DocumentStatus.SUPERSEDED
            else DocumentStatus.SUPERSEDED,
            updated_at=now,
            updated_by_id=user.id,
        )
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        session.refresh(document)
        raise Conflict(
            f"Someone uploaded version {document.head_number} while you were working. "
            "Look at the latest version, then upload yours again."
        )
    session.refresh(document)
    version = Version(
        document_id=document.id,
        number=seen_head + 1,
        sha256=stored.sha256,
        size=stored.size,
        filename=clean_filename(filename),
        media_type=kind.media_type,
        family=kind.family.value if kind.family is not None else "",
        note=note,
        uploaded_by_id=user.id,
        created_at=now,
    )
    session.add(version)
    session.flush()
    processing.queue_extraction(session, version)
    reindex(session, document)
    return version


# Approving, listing ------------------------------------------------------------------------------


def approve(session: Session, user: User, document: Document) -> None:
    """A moderator makes the current version the authoritative one.

    Raises Forbidden (``SECOND_PERSON``) when the version is the moderator's own upload, unless the
    community lets moderators approve their own.
    """
    require(user, Action.MODERATE, document)
    if document.status is DocumentStatus.APPROVED and document.approved_number == document.head_number:
        return
    version = access.current_version(session, document)
    if access.needs_second_person(user, document, version):
        raise Forbidden(access.SECOND_PERSON)
    record_approval(session, user, document, version)


def record_approval(session: Session, user: User, document: Document, version: Version) -> None:
    """Record ``user``'s approval of ``version``, the document's current one (``approve`` checks first)."""
    now = utcnow()
    document.status = DocumentStatus.APPROVED
    document.approved_number = version.number
    document.approved_by_id = user.id
    document.approved_at = now
    document.superseded_by_id = None
    version.approved_by_id = user.id
    version.approved_at = now
    session.flush()
    record(
        session,
        user,
        "docs.document_approved",
        target_type=DOCUMENT_KIND,
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={"version": version.number},
    )
    reindex(session, document)


def versions_of(session: Session, user: User | None, document: Document) -> list[Version]:
    """Every version, newest first, for someone who may see the document."""
    if not access.may_view(user, document):
        raise NotFound()
    query = select(Version).where(Version.document_id == document.id).order_by(Version.number.desc())
    return list(session.scalars(query))


def record_document_activity(session: Session, user: User | None, verb: str, document: Document) -> None:
    """The activity entry for a document uploaded or given a new version (``verb``), and a notice to the
    followers of the document, its folder and its community."""
    record_activity(
        session,
        user,
        verb,
        document.community,
        target_kind=DOCUMENT_KIND,
        target_id=document.id,
    )
    followed = [(DOCUMENT_KIND, document.id), (COMMUNITY_KIND, document.community_id)]
    if document.folder_id is not None:
        followed.append((FOLDER_KIND, document.folder_id))
    announce(
        session,
        Notice(
            kind=DOCUMENT_KIND,
            object_id=document.id,
            verb="uploaded a new version of" if verb == "updated" else verb,
            actor=user,
            community=document.community,
            marking=document.marking,
            followed=tuple(followed),
        ),
    )
    if document.status is DocumentStatus.DRAFT:
        tell_waiting(session, DOCUMENTS, document.community, user, "uploaded a document to approve in")
