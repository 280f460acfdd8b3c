"""Reaching folders, documents and versions through the permission policy, and what each role may do.

A document is visible when the policy lets the user see it (its community and its marking) and it is
not in the bin. Its versions have no permission of their own: each is exactly as visible as the
document's current state, so a document moved to a private community takes every old version with it.
Every "may this user…" question about the library is answered here, for views, templates and services.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.docs.models import Document, DocumentExtract, Folder, Version
from polka.errors import NotFound
from polka.permissions import (
    Action,
    can,
    offers,
    readable_filter,
    require,
    visible_filter,
    visible_to_reader,
)


def live_documents(user: User | None) -> ColumnElement[bool]:
    """SQL: the documents (not in the bin) the user may see."""
    return and_(visible_filter(user, Document), kept_documents())


def live_to_reader() -> ColumnElement[bool]:
    """``live_documents`` for the reader named by the bind parameter ``permissions.READER``: for a
    statement built once and executed with ``reader_params(user)``."""
    return and_(visible_to_reader(Document), kept_documents())


def kept_documents() -> ColumnElement[bool]:
    """SQL: the documents not in the bin, whoever may see them."""
    return and_(Document.deleted_at.is_(None), Document.head_number > 0)


def may_view(user: User | None, document: Document) -> bool:
    return not document.is_deleted and document.head_number > 0 and can(user, Action.VIEW, document)


def find_document(session: Session, user: User | None, document_id: int) -> Document:
    """A visible document by id, wherever it is; ``NotFound`` (a policy refusal is audited) otherwise."""
    document = session.get(Document, document_id)
    if document is None or document.is_deleted or document.head_number == 0:
        raise NotFound()
    require(user, Action.VIEW, document)
    return document


def get_document(session: Session, user: User | None, community: Community, document_id: int) -> Document:
    """The visible document ``document_id`` of this community; ``NotFound`` otherwise."""
    document = find_document(session, user, document_id)
    if document.community_id != community.id:
        raise NotFound()
    return document


def get_version(session: Session, user: User | None, document: Document, number: int) -> Version:
    """Version ``number`` of a document, as visible as the document is now."""
    version = session.scalar(_version(joined=False), {_DOCUMENT: document.id, _NUMBER: number})
    if version is None or not may_view(user, document):
        raise NotFound()
    return version


def current_version(session: Session, document: Document) -> Version:
    """The document's current version, with who uploaded it (the document's page names them)."""
    version = session.scalar(_version(joined=True), {_DOCUMENT: document.id, _NUMBER: document.head_number})
    assert version is not None  # head_number always names a stored version
    return version


def current_version_and_extract(
    session: Session, document: Document
) -> tuple[Version, DocumentExtract | None]:
    """``current_version`` and what has been read from it so far (None before its job is queued), in
    one statement."""
    values = {_DOCUMENT: document.id, _NUMBER: document.head_number}
    version, extract = session.execute(_current_and_extract(), values).one()
    return version, extract


_DOCUMENT, _NUMBER = "version_document_id", "version_number"


@cache
def _version(*, joined: bool) -> Select[Version]:
    """A document's version by number: built once, so a request only binds the two."""
    statement = select(Version).where(
        Version.document_id == bindparam(_DOCUMENT), Version.number == bindparam(_NUMBER)
    )
    return statement.options(joinedload(Version.uploaded_by)) if joined else statement


@cache
def _current_and_extract() -> Select[Version, DocumentExtract]:
    return (
        _version(joined=True)
        .add_columns(DocumentExtract)
        .outerjoin(DocumentExtract, DocumentExtract.version_id == Version.id)
    )


def visible_folders(user: User | None) -> ColumnElement[bool]:
    """SQL: the folders the user may see: those of every library they may read (as ``get_folder``)."""
    return Folder.community_id.in_(select(Community.id).where(readable_filter(user)))


def get_folder(session: Session, user: User | None, community: Community, folder_id: int) -> Folder:
    """A folder of a community whose library the user may read; ``NotFound`` otherwise."""
    folder = session.get(Folder, folder_id)
    if folder is None or folder.community_id != community.id:
        raise NotFound()
    require(user, Action.READ, community)
    return folder


# What each role may do ---------------------------------------------------------------------------


def can_upload(user: User | None, community: Community) -> bool:
    """Members, moderators and managers upload documents and new versions, and make folders."""
    return can(user, Action.CONTRIBUTE, community)


def can_add_version(user: User | None, document: Document) -> bool:
    return can(user, Action.CONTRIBUTE, document)


def can_edit(user: User | None, document: Document) -> bool:
    """Rename, describe, re-tag, re-mark, move or bin: the person who uploaded it, or a moderator."""
    return can(user, Action.EDIT, document)


SECOND_PERSON = (
    "Approval needs a second person: another moderator must approve a version you uploaded yourself."
)


def needs_second_person(user: User | None, document: Document, version: Version) -> bool:
    """Whether ``version`` is the user's own upload, which the community wants someone else to approve."""
    own = user is not None and version.uploaded_by_id == user.id
    return own and not document.community.self_approval_allowed


def offers_moderation(user: User | None, document: Document) -> bool:
    """Whether the document page offers approving a version and marking it superseded: to moderators,
    and to those still to set up two-factor (using them sends them to set it up)."""
    return offers(user, Action.MODERATE, document)


def can_manage(user: User | None, document: Document) -> bool:
    """Break someone's check-out, retry a failed text extraction."""
    return can(user, Action.MANAGE, document)


def can_manage_folders(user: User | None, community: Community) -> bool:
    """Rename and remove folders."""
    return can(user, Action.MODERATE, community)


def can_see_bin(user: User | None, community: Community) -> bool:
    """See the bin (restoring a document from it is ``Action.RESTORE``, within the restore window)."""
    return can(user, Action.MANAGE, community)


def require_edit(user: User | None, document: Document) -> None:
    require(user, Action.EDIT, document)
