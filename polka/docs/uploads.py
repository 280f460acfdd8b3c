"""Uploading several files at once, and the choice offered for a file that is already in its folder.

Each file is checked on its own before anything of it is written, so one refused file refuses only
itself: the outcome says which files became documents, which were refused and why, and which were
found already in the folder. For those the uploader chooses: add the file as a new version of the
document that holds it, or keep both. A choice is carried in an ``Offer`` and takes effect once:
choosing again (a reload, a second click, the other button) finds what was done and does nothing more.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.docs import access, services, versions
from polka.docs.duplicates import AlreadyHere
from polka.docs.models import Document, Folder, Version
from polka.errors import NotFound, ValidationError
from polka.filetypes import FileType, classify
from polka.permissions import Action, require
from polka.storage import FileStore, FileTooLarge, StoredFile, clean_filename


@dataclass(frozen=True)
class Refused:
    """A file that was not stored, and why (``status``: 413 when it was too large)."""

    filename: str
    reason: str
    status: int = 400


@dataclass(frozen=True)
class Offer:
    """A file found already in its folder: the document holding its bytes, as the uploader saw it, and
    what they typed (kept for a new document)."""

    user_id: int
    community_id: int
    folder_id: int | None
    document_id: int
    seen_head: int
    sha256: str
    filename: str
    details: services.Details
    issued_at: datetime


@dataclass(frozen=True)
class Offered:
    offer: Offer
    document: Document


@dataclass
class Outcome:
    stored: list[Document] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    offered: list[Offered] = field(default_factory=list)


def upload_files(
    session: Session,
    user: User,
    community: Community,
    store: FileStore,
    uploads: list[versions.Upload],
    details: services.Details,
    folder: Folder | None,
    now: datetime,
) -> Outcome:
    """Each file becomes a document unless refused or already in the folder.

    What was typed is checked once first: a mistake in it (``ValidationError`` naming the field)
    refuses every file. With several files each is titled after its file.
    """
    require(user, Action.CONTRIBUTE, community)
    if len(uploads) > 1:
        details = replace(details, title="")
    services.check_details(replace(details, title=details.title or "Untitled"), community)
    outcome = Outcome()
    for upload in uploads:
        name = clean_filename(upload.filename)
        try:
            # Every refusal comes before the first write of the file's rows (no savepoint needed:
            # the search outbox applier is woken by any commit, a savepoint's too).
            document = services.upload_document(
                session, user, community, store, upload, details, folder, refuse_duplicates=True
            )
        except AlreadyHere as here:
            offer = Offer(
                user_id=user.id,
                community_id=community.id,
                folder_id=folder.id if folder is not None else None,
                document_id=here.document.id,
                seen_head=here.document.head_number,
                sha256=here.stored.sha256,
                filename=here.filename,
                details=details,
                issued_at=now,
            )
            outcome.offered.append(Offered(offer, here.document))
        except FileTooLarge as error:
            outcome.refused.append(Refused(name, str(error), 413))
        except ValidationError as error:
            outcome.refused.append(Refused(name, str(error)))
        else:
            outcome.stored.append(document)
    return outcome


# The choice for a file already here --------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    """What a choice led to: the document, the version added (None: a new document), and whether it
    had been done already by an earlier choice."""

    document: Document
    version: int | None
    again: bool = False


class Choice(enum.StrEnum):
    VERSION = "version"  # add the file as a new version of the document that holds its bytes
    BOTH = "both"  # store it as a document of its own beside that one


def decide(
    session: Session,
    user: User,
    community: Community,
    store: FileStore,
    offer: Offer,
    choice: Choice,
    *,
    folder: Folder | None,
    limits: versions.Limits,
) -> Decided:
    """Do what the uploader chose for a file already in its folder, unless a choice of this offer was
    made before (then say what it led to). ``Conflict`` when someone added a version meanwhile."""
    original = _original(session, user, community, offer)
    done = _decided_before(session, user, offer, original)
    if done is not None:
        return done
    stored, kind = _stored(session, store, offer, original)
    if choice is Choice.VERSION:
        version = versions.add_stored_version(
            session, user, original, stored, kind, offer.filename, seen_head=offer.seen_head, limits=limits
        )
        return Decided(original, version.number)
    document = services.document_from_stored(
        session, user, community, folder, offer.details, stored, kind, offer.filename
    )
    return Decided(document, None)


def _original(session: Session, user: User, community: Community, offer: Offer) -> Document:
    if offer.user_id != user.id or offer.community_id != community.id:
        raise NotFound()
    try:
        original = access.get_document(session, user, community, offer.document_id)
    except NotFound:
        raise ValidationError(
            "The document that held this file is no longer here. Upload the file again."
        ) from None
    # One choice at a time for this document (PostgreSQL; SQLite writes one at a time anyway).
    session.execute(select(Document.id).where(Document.id == original.id).with_for_update())
    return original


def _decided_before(session: Session, user: User, offer: Offer, original: Document) -> Decided | None:
    """The result of an earlier choice of this offer: the version it added, or the document it kept."""
    added = session.scalar(
        select(Version.number)
        .where(
            Version.document_id == original.id,
            Version.number > offer.seen_head,
            Version.sha256 == offer.sha256,
            Version.uploaded_by_id == user.id,
        )
        .order_by(Version.number)
        .limit(1)
    )
    if added is not None:
        return Decided(original, added, again=True)
    same_folder = (
        Document.folder_id.is_(None) if offer.folder_id is None else Document.folder_id == offer.folder_id
    )
    kept = session.scalar(
        select(Document)
        .join(Version, and_(Version.document_id == Document.id, Version.number == 1))
        .where(
            Document.community_id == offer.community_id,
            same_folder,
            Document.id != original.id,
            Document.created_by_id == user.id,
            Document.created_at >= offer.issued_at,
            Version.sha256 == offer.sha256,
            Document.deleted_at.is_(None),
        )
        .order_by(Document.id)
        .limit(1)
    )
    return Decided(kept, None, again=True) if kept is not None else None


def _stored(
    session: Session, store: FileStore, offer: Offer, original: Document
) -> tuple[StoredFile, FileType]:
    held = session.scalar(
        select(Version).where(Version.document_id == original.id, Version.sha256 == offer.sha256).limit(1)
    )
    if held is None or not store.exists(offer.sha256):
        raise ValidationError("The file is no longer held. Upload it again.")
    stored = StoredFile(sha256=held.sha256, size=held.size, path=store.path_for(held.sha256))
    return stored, classify(held.media_type)
