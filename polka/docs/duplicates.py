"""Finding a file already in a folder: the same bytes (SHA-256) as the current version of a document
there. An upload is never silently stored twice; the uploader chooses (``uploads.py``)."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.docs import access
from polka.docs.models import Document, Folder, Version
from polka.errors import Conflict
from polka.storage import StoredFile, clean_filename


class AlreadyHere(Conflict):
    """The bytes of an upload are already in its folder, as the current version of ``document``."""

    def __init__(self, document: Document, stored: StoredFile, filename: str) -> None:
        super().__init__(f"This file is already here as “{document.title}”")
        self.document = document
        self.stored = stored
        self.filename = clean_filename(filename)


def in_folder(
    session: Session, user: User, community: Community, folder: Folder | None, sha256: str
) -> Document | None:
    """The first document of the folder the user may see whose current version has these bytes."""
    same_folder = Document.folder_id.is_(None) if folder is None else Document.folder_id == folder.id
    query = (
        select(Document)
        .join(Version, and_(Version.document_id == Document.id, Version.number == Document.head_number))
        .where(
            Document.community_id == community.id,
            same_folder,
            Version.sha256 == sha256,
            access.live_documents(user),
        )
        .order_by(Document.id)
        .limit(1)
    )
    return session.scalar(query)


def refuse(
    session: Session,
    user: User,
    community: Community,
    folder: Folder | None,
    stored: StoredFile,
    filename: str,
) -> None:
    """``AlreadyHere`` when the stored bytes are already a current version in the folder."""
    found = in_folder(session, user, community, folder, stored.sha256)
    if found is not None:
        raise AlreadyHere(found, stored, filename)
