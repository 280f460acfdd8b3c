"""The library's content kinds: how any part of POLKA shows a document to a user, and finds one by title
for a writer's link (see polka.content.kinds)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from flask import url_for
from sqlalchemy import Select, case, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import Kind, Shown
from polka.db import contains_text, starts_with_text
from polka.docs import access
from polka.docs.models import Document, Folder
from polka.markings import Marking

DOCUMENT_KIND = "docs.document"
#: What writers type to link to a document: ``[[doc:42]]``.
LINK_NAME = "doc"
#: A number typed into the picker may be a document's id (``42`` or ``doc:42``); longer is no id.
_ID = re.compile(rf"(?:{LINK_NAME}:)?([1-9][0-9]{{0,8}})")


def _visible(user: User | None) -> Select[Document, str, str]:
    return (
        select(Document, Community.slug, Community.name)
        .join(Community, Community.id == Document.community_id)
        .where(access.live_documents(user))
    )


def resolve_documents(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The documents among ``ids`` (not in the bin) that ``user`` may see, as they are now."""
    rows = session.execute(_visible(user).where(Document.id.in_(ids))).all()
    return {document.id: _shown(document, slug, name) for document, slug, name in rows}


def find_documents(session: Session, user: User | None, words: str, limit: int) -> list[Shown]:
    """The documents ``user`` may see whose title holds ``words`` (or whose id they are), titles that
    start with them first."""
    matches = contains_text(Document.title, words)
    number = _ID.fullmatch(words.strip())
    if number is not None:
        matches = or_(matches, Document.id == int(number[1]))
    starts = case((starts_with_text(Document.title, words), 0), else_=1)
    rows = session.execute(
        _visible(user).where(matches).order_by(starts, Document.title, Document.id).limit(limit)
    ).all()
    return [_shown(document, slug, name) for document, slug, name in rows]


def _shown(document: Document, community_slug: str, community_name: str) -> Shown:
    return Shown(
        kind=DOCUMENT_KIND,
        id=document.id,
        label="Document",
        title=document.title,
        url=url_for("docs.view_document", slug=community_slug, document_id=document.id),
        marking=document.marking,
        community_id=document.community_id,
        community_name=community_name,
        updated_at=document.updated_at,
        author_id=document.updated_by_id,
    )


DOCUMENT = Kind(
    name=DOCUMENT_KIND,
    label="Document",
    model=Document,
    resolve=resolve_documents,
    link_name=LINK_NAME,
    find=find_documents,
)


FOLDER_KIND = "docs.folder"


def resolve_folders(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The folders among ``ids`` whose library ``user`` may read, as they are now."""
    rows = session.execute(
        select(Folder, Community.slug, Community.name)
        .join(Community, Community.id == Folder.community_id)
        .where(Folder.id.in_(ids), access.visible_folders(user))
    ).all()
    return {
        folder.id: Shown(
            kind=FOLDER_KIND,
            id=folder.id,
            label="Folder",
            title=folder.name,
            url=url_for("docs.folder", slug=slug, folder_id=folder.id),
            marking=Marking.OFFICIAL,  # the folder itself; each document in it carries its own marking
            community_id=folder.community_id,
            community_name=name,
            updated_at=folder.created_at,
        )
        for folder, slug, name in rows
    }


FOLDER = Kind(name=FOLDER_KIND, label="Folder", model=Folder, resolve=resolve_folders)
