"""Document rules: uploading a new document, its details (title, description, tags, marking),
superseding and moving.

A new document's first version is added as any other (``versions.py``, with storing the file, new and
restored versions and approval). Check-out locks are in ``locks.py``, the bin in ``bin.py``, folders in
``folders.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.communities.models import Community
from polka.content.rules import check_marking_change
from polka.db import utcnow
from polka.docs import access, duplicates, versions
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import (
    DESCRIPTION_MAX,
    TITLE_MAX,
    Document,
    DocumentStatus,
    Folder,
)
from polka.docs.search import reindex
from polka.errors import ValidationError
from polka.filetypes import FileType
from polka.forms import has_control_characters
from polka.markings import Marking, check_within_ceiling
from polka.permissions import Action, require
from polka.storage import FileStore, StoredFile, clean_filename
from polka.tags import parse_tags
from polka.text import check_text


@dataclass(frozen=True)
class Details:
    """What a person says about a document: shown in lists and searched."""

    title: str
    description: str = ""
    tags: str = ""
    marking: Marking = Marking.OFFICIAL


# Checking input ----------------------------------------------------------------------------------


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


# Uploading ---------------------------------------------------------------------------------------


def upload_document(
    session: Session,
    user: User,
    community: Community,
    store: FileStore,
    upload: versions.Upload,
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
    stored, kind = versions.store_upload(store, upload)
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
    versions.claim_version(session, user, document, stored, kind, filename, note="First version", seen_head=0)
    versions.record_document_activity(session, user, "uploaded", document)
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


# Details, superseding, moving --------------------------------------------------------------------


def update_details(session: Session, user: User, document: Document, details: Details) -> None:
    """Rename, re-describe, re-tag or re-mark a document (re-marking is audited; lowering needs a moderator)."""
    access.require_edit(user, document)
    details = check_details(details, document.community)
    check_marking_change(user, document, details.marking, "Only moderators and managers can lower a marking")
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
    """Audit a re-marking (the stream resolves documents when it is read, so its entries follow)."""
    record(
        session,
        user,
        "docs.marking_changed",
        target_type=DOCUMENT_KIND,
        target_id=document.id,
        target_label=document.title,
        community_id=document.community_id,
        detail={"from": before.value, "to": document.marking.value},
    )


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
        target_type=DOCUMENT_KIND,
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
            target_type=DOCUMENT_KIND,
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
