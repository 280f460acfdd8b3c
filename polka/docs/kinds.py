"""The library's content kinds: how any part of POLKA shows a document to a user, and finds one by title
for a writer's link (see polka.content.kinds)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache
from typing import Any

from flask import url_for
from sqlalchemy import Row, Select, bindparam, case, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import IDS, Kind, Shown, shown_columns
from polka.db import contains_text, starts_with_text
from polka.docs import access
from polka.docs.models import Document, Folder
from polka.markings import Marking
from polka.permissions import reader_params, visible_to_reader

DOCUMENT_KIND = "docs.document"
#: What writers type to link to a document: ``[[doc:42]]``.
LINK_NAME = "doc"
#: A number typed into the picker may be a document's id (``42`` or ``doc:42``); longer is no id.
_ID = re.compile(rf"(?:{LINK_NAME}:)?([1-9][0-9]{{0,8}})")


def resolve_documents(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The documents among ``ids`` (not in the bin) that ``user`` may see, as they are now."""
    params = reader_params(user)
    if params is None:
        return {}
    rows = session.execute(_visible_documents(), {**params, IDS: list(ids)})
    return {row.id: _shown(row) for row in rows}


@cache
def _visible_documents() -> Select[Any]:
    """The documents among ``IDS`` (not in the bin) the ``READER`` may see: built once for every
    reader, so a request only binds its values."""
    return _columns().where(
        Document.id.in_(bindparam(IDS, expanding=True)),
        visible_to_reader(Document),
        access.kept_documents(),
    )


def find_documents(session: Session, user: User | None, words: str, limit: int) -> list[Shown]:
    """The documents ``user`` may see whose title holds ``words`` (or whose id they are), titles that
    start with them first."""
    matches = contains_text(Document.title, words)
    number = _ID.fullmatch(words.strip())
    if number is not None:
        matches = or_(matches, Document.id == int(number[1]))
    starts = case((starts_with_text(Document.title, words), 0), else_=1)
    rows = session.execute(
        _columns()
        .where(access.live_documents(user), matches)
        .order_by(starts, Document.title, Document.id)
        .limit(limit)
    )
    return [_shown(row) for row in rows]


def _columns() -> Select[Any]:
    """What a document is shown with: the kinds' columns, and its status."""
    return shown_columns(Document).add_columns(Document.status)


def _shown(row: Row[Any]) -> Shown:
    url = url_for("docs.view_document", slug=row.community_slug, document_id=row.id)
    return replace(Shown.of_row(DOCUMENT_KIND, "Document", url, row), status=row.status.label)


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
