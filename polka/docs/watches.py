"""Watching a document or a folder: stored now, so notifications can reach the watchers later."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.docs import access
from polka.docs.models import Document, Folder, Watch
from polka.errors import NotFound
from polka.permissions import Action, require


def _existing(session: Session, user: User, document: Document | None, folder: Folder | None) -> Watch | None:
    query = select(Watch).where(Watch.user_id == user.id)
    if document is not None:
        query = query.where(Watch.document_id == document.id)
    else:
        assert folder is not None
        query = query.where(Watch.folder_id == folder.id)
    return session.scalar(query)


def is_watching(
    session: Session, user: User | None, *, document: Document | None = None, folder: Folder | None = None
) -> bool:
    return user is not None and _existing(session, user, document, folder) is not None


def set_watch(
    session: Session,
    user: User,
    watching: bool,
    *,
    document: Document | None = None,
    folder: Folder | None = None,
) -> None:
    """Start or stop watching one document or one folder the user may see."""
    if document is not None:
        if not access.may_view(user, document):
            raise NotFound()
    elif folder is not None:
        require(user, Action.READ, folder.community)
    else:
        raise ValueError("watch a document or a folder")
    existing = _existing(session, user, document, folder)
    if watching and existing is None:
        session.add(
            Watch(
                user_id=user.id,
                document_id=document.id if document is not None else None,
                folder_id=folder.id if folder is not None and document is None else None,
            )
        )
    elif not watching and existing is not None:
        session.execute(delete(Watch).where(Watch.id == existing.id))
    session.flush()
