"""Files attached to wiki pages: stored by content hash, typed by content, never served inline.

The bytes go to the file store first and the row that points at them second, so a row is never
visible without its bytes. The type is read from the content (libmagic), not from the name or the
browser's claim; whatever it is, downloads are ``attachment``s, and types a browser could run (HTML,
SVG, XML, scripts) are sent as ``application/octet-stream``.
"""

from __future__ import annotations

from functools import cache
from typing import BinaryIO

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.audit.reads import Part
from polka.db import utcnow
from polka.errors import NotFound, ValidationError
from polka.filetypes import detect
from polka.markings import marked_file_name
from polka.permissions import Action, can
from polka.storage import FileStore, Readable, clean_filename
from polka.wiki import access
from polka.wiki.kinds import ATTACHMENT_KIND
from polka.wiki.models import WikiAttachment, WikiPage

MAX_ATTACHMENTS = 200


def attach_file(
    session: Session,
    user: User,
    page: WikiPage,
    store: FileStore,
    stream: Readable,
    filename: str,
    max_bytes: int,
) -> WikiAttachment:
    """Store an uploaded file and attach it to a page (``FileTooLarge`` past ``max_bytes``)."""
    access.require_edit(user, page)
    count = session.scalar(
        select(func.count())
        .select_from(WikiAttachment)
        .where(WikiAttachment.page_id == page.id, WikiAttachment.deleted_at.is_(None))
    )
    if (count or 0) >= MAX_ATTACHMENTS:
        raise ValidationError(
            f"A page can hold {MAX_ATTACHMENTS} attachments. Remove one first.",
            {"file": "Too many attachments"},
        )
    name = clean_filename(filename)
    stored = store.save_stream(stream, max_bytes)
    if stored.size == 0:
        message = "The selected file is empty"
        raise ValidationError(message, {"file": message})
    attachment = WikiAttachment(
        page_id=page.id,
        sha256=stored.sha256,
        size=stored.size,
        filename=name,
        content_type=detect(stored.path).media_type,
        uploaded_by_id=user.id,
        created_at=utcnow(),
    )
    session.add(attachment)
    session.flush()
    return attachment


def attachments_of(session: Session, user: User | None, page: WikiPage) -> list[WikiAttachment]:
    if not access.may_view(session, user, page):
        raise NotFound()
    return list(session.scalars(_attached(), {"page_id": page.id}))


@cache
def _attached() -> Select[WikiAttachment]:
    """The files on page ``page_id`` (not removed), by name, with who added each: built once, so a
    request only binds its values."""
    return (
        select(WikiAttachment)
        .where(WikiAttachment.page_id == bindparam("page_id"), WikiAttachment.deleted_at.is_(None))
        .options(joinedload(WikiAttachment.uploaded_by))
        .order_by(WikiAttachment.filename, WikiAttachment.id)
    )


def get_attachment(session: Session, user: User | None, page: WikiPage, attachment_id: int) -> WikiAttachment:
    """An attachment of a page the user may see; ``NotFound`` for anything else."""
    attachment = session.get(WikiAttachment, attachment_id)
    if attachment is None or attachment.page_id != page.id or attachment.deleted_at is not None:
        raise NotFound()
    if not access.may_view(session, user, page):
        raise NotFound()
    return attachment


def can_remove(user: User | None, attachment: WikiAttachment) -> bool:
    page = attachment.page
    own = user is not None and attachment.uploaded_by_id == user.id and access.can_edit(user, page)
    return own or can(user, Action.MODERATE, page)


def remove_attachment(session: Session, user: User, attachment: WikiAttachment) -> None:
    """Take an attachment off its page (its uploader, or a moderator)."""
    if not can_remove(user, attachment):
        access.require_moderate(user, attachment.page)
    attachment.deleted_at = utcnow()
    session.flush()


def download_name(page: WikiPage, attachment: WikiAttachment) -> str:
    """The file name offered on download; OFFICIAL-SENSITIVE files carry their marking in it."""
    return marked_file_name(page.marking, attachment.filename)


def as_part(attachment: WikiAttachment) -> Part:
    """The attachment as the audit log names a download of it (its page's marking decides whether)."""
    return Part(kind=ATTACHMENT_KIND, id=attachment.id, label=attachment.filename)


def open_attachment(store: FileStore, attachment: WikiAttachment) -> BinaryIO:
    return store.open_file(attachment.sha256)


def stored_hashes(session: Session) -> set[str]:
    """Every file the wiki's attachments refer to (removed ones too), for the file store's collector."""
    return set(session.scalars(select(WikiAttachment.sha256)))
