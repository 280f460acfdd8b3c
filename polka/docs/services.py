"""Document rules: uploading, new versions, restoring an old one, details, approval and moving.

The bytes of an upload go to the file store first (streamed, hashed, typed by their content before they
get their real name) and the rows that point at them second, so a row is never visible without its
bytes. Version numbers come from a conditional update of the document's ``head_number``
(``… WHERE head_number = :seen``), so two uploads at once get unique, gap-free numbers or a clear
"someone uploaded a version meanwhile" on SQLite and PostgreSQL alike.

Check-out locks are in ``locks.py``, the bin in ``bin.py``, folders in ``folders.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.models import Activity
from polka.activity.services import record_activity
from polka.audit.services import record
from polka.communities.models import Community
from polka.communities.services import check_text
from polka.db import utcnow
from polka.docs import access, duplicates, locks, processing
from polka.docs.crossref import document_path
from polka.docs.models import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    TAGS_MAX,
    TITLE_MAX,
    Document,
    DocumentStatus,
    Folder,
    Version,
)
from polka.docs.search import reindex
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.filetypes import ACCEPTED_DESCRIPTION, FileType, classify, detect
from polka.forms import has_control_characters
from polka.markings import Marking, check_within_ceiling
from polka.permissions import Action, require
from polka.storage import FileStore, Readable, StoredFile, clean_filename

TAG_MAX = 40
MAX_TAGS = 10


@dataclass(frozen=True)
class Details:
    """What a person says about a document: shown in lists and searched."""

    title: str
    description: str = ""
    tags: str = ""
    marking: Marking = Marking.OFFICIAL


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


# Checking input ----------------------------------------------------------------------------------


def parse_tags(text: str) -> str:
    """``"Stalking, DA,  stalking"`` → ``"stalking,da"``: trimmed, lower-cased, no repeats, comma-joined."""
    tags: list[str] = []
    for raw in re.split(r"[,;\n]", text or ""):
        tag = " ".join(raw.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > TAG_MAX or has_control_characters(tag):
            message = f"Each tag must be {TAG_MAX} characters or fewer"
            raise ValidationError(message, {"tags": message})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        message = f"Give at most {MAX_TAGS} tags"
        raise ValidationError(message, {"tags": message})
    joined = ",".join(tags)
    if len(joined) > TAGS_MAX:
        message = "The tags are too long together: use fewer"
        raise ValidationError(message, {"tags": message})
    return joined


def check_details(details: Details, community: Community) -> Details:
    """The details cleaned, or ``ValidationError`` naming each field at fault."""
    title = check_text("title", details.title, TITLE_MAX, "a title", required=True)
    if has_control_characters(title):
        raise ValidationError(
            "The title contains characters that cannot be stored", {"title": "Remove control characters"}
        )
    description = check_text("description", details.description, DESCRIPTION_MAX, "the description")
    if has_control_characters(description, multiline=True):
        message = "The description contains characters that cannot be stored"
        raise ValidationError(message, {"description": message})
    check_within_ceiling(details.marking, community.marking_ceiling)
    return Details(
        title=title, description=description, tags=parse_tags(details.tags), marking=details.marking
    )


def title_from_filename(filename: str) -> str:
    """A title for a file uploaded without one: ``Minutes_12-March.v2.docx`` → ``Minutes 12 March v2``.

    No extension; underscores, and dashes and dots beside a letter, read as spaces (a date's and a
    version number's stay: ``2026-03-12``, ``v1.2``).
    """
    name = clean_filename(filename, fallback="Untitled document")
    stem, dot, extension = name.rpartition(".")
    if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,10}", extension) and not extension.isdigit():
        name = stem.removesuffix(".tar")
    name = re.sub(r"_|(?<!\d)[-.]|[-.](?!\d)", " ", name)
    return (" ".join(name.split()) or "Untitled document")[:TITLE_MAX]


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


# Uploading ---------------------------------------------------------------------------------------


def upload_document(
    session: Session,
    user: User,
    community: Community,
    store: FileStore,
    upload: Upload,
    details: Details,
    folder: Folder | None = None,
    *,
    refuse_duplicates: bool = False,
) -> Document:
    """A new document from one uploaded file, as a draft; its text is read by a background job.

    With ``refuse_duplicates``, a file whose bytes are already a current version in that folder raises
    ``duplicates.AlreadyHere`` (its bytes are stored already, so nothing new is kept).
    """
    details = _checked_new(user, community, folder, details, upload.filename)
    stored, kind = store_upload(store, upload)
    if refuse_duplicates:
        duplicates.refuse(session, user, community, folder, stored, upload.filename)
    return document_from_stored(session, user, community, folder, details, stored, kind, upload.filename)


def document_from_stored(
    session: Session,
    user: User,
    community: Community,
    folder: Folder | None,
    details: Details,
    stored: StoredFile,
    kind: FileType,
    filename: str,
) -> Document:
    """A new document from bytes already in the store (an upload's, or a file offered as a duplicate
    and kept anyway)."""
    details = _checked_new(user, community, folder, details, filename)
    now = utcnow()
    document = Document(
        community_id=community.id,
        folder_id=folder.id if folder is not None else None,
        title=details.title,
        description=details.description,
        tags=details.tags,
        marking=details.marking,
        status=DocumentStatus.DRAFT,
        head_number=0,
        size=0,
        family="",
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
        updated_by_id=user.id,
    )
    session.add(document)
    session.flush()
    _add_version(session, user, document, stored, kind, filename, note="First version", seen_head=0)
    record_document_activity(session, user, "uploaded", document)
    return document


def _checked_new(
    user: User, community: Community, folder: Folder | None, details: Details, filename: str
) -> Details:
    require(user, Action.CONTRIBUTE, community)
    if folder is not None and folder.community_id != community.id:
        raise ValidationError(
            "Choose a folder of this library", {"folder": "Choose a folder of this library"}
        )
    if not details.title.strip():
        details = Details(title_from_filename(filename), details.description, details.tags, details.marking)
    return check_details(details, community)


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
    version = _add_version(session, user, document, stored, kind, filename, note=note, seen_head=seen_head)
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
    version = _add_version(
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
        target_type="document",
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


def _add_version(
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


# Details, approval, moving -----------------------------------------------------------------------


def update_details(session: Session, user: User, document: Document, details: Details) -> None:
    """Rename, re-describe, re-tag or re-mark a document (re-marking is audited; lowering needs a moderator)."""
    access.require_edit(user, document)
    details = check_details(details, document.community)
    if details.marking.rank < document.marking.rank and not access.can_lower_marking(user, document):
        message = "Only moderators and managers can lower a marking"
        raise ValidationError(message, {"marking": message})
    before = document.marking
    document.title = details.title
    document.description = details.description
    document.tags = details.tags
    document.marking = details.marking
    document.updated_at = utcnow()
    document.updated_by_id = user.id
    if before is not details.marking:
        _marking_changed(session, user, document, before)
    session.flush()
    reindex(session, document)


def _marking_changed(session: Session, user: User, document: Document, before: Marking) -> None:
    """Activity entries follow the new marking, so no feed shows the document to the wrong people."""
    session.execute(
        update(Activity)
        .where(Activity.target_kind == "document", Activity.target_id == document.id)
        .values(marking=document.marking)
        .execution_options(synchronize_session=False)
    )
    record(
        session,
        user,
        "docs.marking_changed",
        target_type="document",
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={"from": before.value, "to": document.marking.value},
    )


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
        target_type="document",
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={"version": version.number},
    )
    reindex(session, document)


def supersede(session: Session, user: User, document: Document, replacement_id: int) -> Document:
    """A moderator marks a document superseded by another visible document of the same community."""
    require(user, Action.MODERATE, document)
    replacement = session.get(Document, replacement_id)
    if (
        replacement is None
        or replacement.id == document.id
        or replacement.community_id != document.community_id
        or not access.may_view(user, replacement)
    ):
        message = "Choose another document of this library as the replacement"
        raise ValidationError(message, {"replacement": message})
    if replacement.superseded_by_id == document.id:
        message = "That document is itself superseded by this one"
        raise ValidationError(message, {"replacement": message})
    document.status = DocumentStatus.SUPERSEDED
    document.superseded_by_id = replacement.id
    session.flush()
    record(
        session,
        user,
        "docs.document_superseded",
        target_type="document",
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={"replacement": replacement.id},
    )
    reindex(session, document)
    return replacement


def move(
    session: Session, user: User, document: Document, community: Community, folder: Folder | None
) -> None:
    """Move a document to a folder, in its library or another one the user contributes to.

    Its versions go with it and are exactly as visible as the document is in its new place.
    """
    access.require_edit(user, document)
    if folder is not None and folder.community_id != community.id:
        raise ValidationError(
            "Choose a folder of that library", {"folder": "Choose a folder of that library"}
        )
    if community.id != document.community_id:
        require(user, Action.CONTRIBUTE, community)
        check_within_ceiling(document.marking, community.marking_ceiling)
        before = document.community_id
        session.execute(
            update(Activity)
            .where(Activity.target_kind == "document", Activity.target_id == document.id)
            .values(community_id=community.id)
            .execution_options(synchronize_session=False)
        )
        document.community_id = community.id
        document.community = community
        document.superseded_by_id = None
        if document.status is DocumentStatus.SUPERSEDED:
            document.status = (
                DocumentStatus.APPROVED
                if document.approved_number == document.head_number
                else DocumentStatus.DRAFT
            )
        record(
            session,
            user,
            "docs.document_moved",
            target_type="document",
            target_id=document.id,
            target_label=document.title,
            community_id=community.id,
            detail={"from_community": before, "to_community": community.id},
        )
    document.folder_id = folder.id if folder is not None else None
    document.updated_at = utcnow()
    document.updated_by_id = user.id
    session.flush()
    reindex(session, document)


def versions_of(session: Session, user: User | None, document: Document) -> list[Version]:
    """Every version, newest first, for someone who may see the document."""
    if not access.may_view(user, document):
        raise NotFound()
    query = select(Version).where(Version.document_id == document.id).order_by(Version.number.desc())
    return list(session.scalars(query))


def record_document_activity(session: Session, user: User | None, verb: str, document: Document) -> None:
    record_activity(
        session,
        user,
        verb,
        document.community,
        target_kind="document",
        target_id=document.id,
        target_title=document.title,
        target_url=document_path(document.community, document.id),
        marking=document.marking,
    )
