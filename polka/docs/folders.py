"""Folders of a library (nested without limit of depth) and what a folder shows: its sub-folders and the
documents the user may see, sorted by name, date or size.

Folder names are only ever shown, never used as paths. Only an empty folder can be removed, so removing
one never hides a document; documents go to the bin one by one (``bin.py``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.stream import Actor
from polka.communities.models import Community
from polka.docs import access
from polka.docs.kinds import FOLDER_KIND
from polka.docs.models import FOLDER_NAME_MAX, Document, DocumentStatus, Folder, Version
from polka.docs.search import reindex_folder
from polka.errors import ValidationError
from polka.filetypes import type_name
from polka.forms import has_control_characters
from polka.markings import Marking
from polka.pagination import Page, page_count
from polka.people.services import active_people
from polka.permissions import Action, reader_params, require
from polka.subscriptions.services import forget
from polka.tags import split_tags
from polka.text import check_text

PER_PAGE = 50
#: Deeper than this is refused: no one finds a document eleven folders down.
MAX_DEPTH = 10


class Sort(enum.StrEnum):
    NAME = "name"
    DATE = "date"
    SIZE = "size"

    @property
    def label(self) -> str:
        return {"name": "Name", "date": "Last updated", "size": "Size"}[self.value]


def parse_sort(value: str | None) -> Sort:
    try:
        return Sort(value or Sort.NAME)
    except ValueError:
        return Sort.NAME


@dataclass(frozen=True)
class Listed:
    """A document as a folder lists it: what its row shows, read as columns rather than entities."""

    id: int
    title: str
    marking: Marking
    description: str
    tags: str
    status: DocumentStatus
    head_number: int
    size: int
    updated_at: datetime
    checked_out: bool
    #: who last changed it (None once their account is gone)
    updated_by: Actor | None
    #: its current version's type as people name it ("Word document")
    type_label: str

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)


@dataclass(frozen=True)
class Listing:
    folder: Folder | None  # None: the top of the library
    path: list[Folder]  # from the top down to ``folder``
    folders: list[Folder]
    documents: Page[Listed]
    sort: Sort


def path_to(session: Session, folder: Folder | None) -> list[Folder]:
    """The folders from the top of the library down to ``folder`` (for breadcrumbs): no statement for a
    folder at the top, else one however deep it is (walking ``parent`` would ask once per level)."""
    if folder is None:
        return []
    if folder.parent_id is None:
        return [folder]
    return [*(above for above in path_to_id(session, folder.parent_id) if above.id != folder.id), folder]


def path_to_id(session: Session, folder_id: int | None) -> list[Folder]:
    """``path_to`` the folder ``folder_id`` (a document's ``folder_id``), in one statement."""
    if folder_id is None:
        return []
    path: list[Folder] = []
    seen: set[int] = set()
    for folder in session.scalars(_ancestors(), {_START: folder_id}):  # nearest first
        if folder.id in seen:
            break  # a cycle (which moving folders never makes): stop where the walk up would
        seen.add(folder.id)
        path.append(folder)
    return list(reversed(path))


_START = "path_start_id"


@cache
def _ancestors() -> Select[Folder]:
    """A folder (bound as ``_START``) and every folder above it, nearest first. The depth bound keeps a
    cycle from running for ever."""
    chain = (
        select(Folder.id, Folder.parent_id, literal_column("0", Integer).label("depth"))
        .where(Folder.id == bindparam(_START))
        .cte("folder_chain", recursive=True)
    )
    above = select(Folder.id, Folder.parent_id, chain.c.depth + 1).join(chain, Folder.id == chain.c.parent_id)
    chain = chain.union_all(above.where(chain.c.depth < MAX_DEPTH))
    return select(Folder).join(chain, Folder.id == chain.c.id).order_by(chain.c.depth)


def list_folder(
    session: Session,
    user: User | None,
    community: Community,
    folder: Folder | None,
    sort: Sort,
    page: int = 1,
) -> Listing:
    require(user, Action.READ, community)
    params = reader_params(user)
    assert params is not None  # ``require`` lets only an active account through
    top = folder is None
    values = {**params, _COMMUNITY: community.id, _FOLDER: None if folder is None else folder.id}
    folders = list(session.scalars(_subfolders(top), values))
    total = int(session.scalar(_document_count(top), values) or 0)
    page = min(max(1, page), page_count(total, PER_PAGE))
    shown: list[Listed] = []
    if total:
        paged = {**values, _LIMIT: PER_PAGE, _OFFSET: (page - 1) * PER_PAGE}
        shown = [_listed_row(row) for row in session.execute(_documents(top, sort), paged)]
    documents = Page(shown, page, PER_PAGE, total)
    return Listing(folder, path_to(session, folder), folders, documents, sort)


# A folder's statements, built once for every reader and folder: a request binds the reader
# (``reader_params``), the community, the folder (none for the top of the library) and the page.
_COMMUNITY, _FOLDER, _LIMIT, _OFFSET = "listed_community_id", "listed_folder_id", "page_limit", "page_offset"


@cache
def _subfolders(top: bool) -> Select[Folder]:
    """The folders in the listed one (or at the top of the library), by name."""
    parent = Folder.parent_id.is_(None) if top else Folder.parent_id == bindparam(_FOLDER)
    return (
        select(Folder)
        .where(Folder.community_id == bindparam(_COMMUNITY), parent)
        .order_by(func.lower(Folder.name))
    )


def _listed(top: bool) -> tuple[ColumnElement[bool], ...]:
    """The documents in the listed folder that the reader may see."""
    in_folder = Document.folder_id.is_(None) if top else Document.folder_id == bindparam(_FOLDER)
    return (Document.community_id == bindparam(_COMMUNITY), in_folder, access.live_to_reader())


@cache
def _document_count(top: bool) -> Select[int]:
    return select(func.count()).select_from(Document).where(*_listed(top))


@cache
def _documents(top: bool, sort: Sort) -> Select[*tuple[Any, ...]]:
    """One page of the listed documents in ``sort``'s order: the columns each row shows."""
    order = {
        Sort.NAME: (func.lower(Document.title), Document.id),
        Sort.DATE: (Document.updated_at.desc(), Document.id.desc()),
        Sort.SIZE: (Document.size.desc(), Document.id),
    }[sort]
    return (
        select(
            Document.id,
            Document.title,
            Document.marking,
            Document.description,
            Document.tags,
            Document.status,
            Document.head_number,
            Document.size,
            Document.family,
            Document.updated_at,
            Document.checked_out_by_id.is_not(None).label("checked_out"),
            Version.media_type,
            User.id.label("updated_by_id"),
            User.name.label("updated_by_name"),
            active_people().label("updated_by_active"),
        )
        .outerjoin(Version, and_(Version.document_id == Document.id, Version.number == Document.head_number))
        .outerjoin(User, User.id == Document.updated_by_id)
        .where(*_listed(top))
        .order_by(*order)
        .limit(bindparam(_LIMIT))
        .offset(bindparam(_OFFSET))
    )


def _listed_row(row: Row[Any]) -> Listed:
    updated_by = None
    if row.updated_by_id is not None:
        updated_by = Actor(row.updated_by_id, row.updated_by_name, bool(row.updated_by_active))
    return Listed(
        id=row.id,
        title=row.title,
        marking=row.marking,
        description=row.description,
        tags=row.tags,
        status=row.status,
        head_number=row.head_number,
        size=row.size,
        updated_at=row.updated_at,
        checked_out=bool(row.checked_out),
        updated_by=updated_by,
        type_label=type_name(row.media_type or "", row.family),
    )


def all_folders(session: Session, community: Community) -> list[tuple[Folder, str]]:
    """Every folder of a library with its full path ("Minutes / 2026"), in path order, for pickers."""
    folders = list(session.scalars(select(Folder).where(Folder.community_id == community.id)))
    by_id = {folder.id: folder for folder in folders}

    def label(folder: Folder) -> str:
        names: list[str] = []
        current: Folder | None = folder
        while current is not None and len(names) <= MAX_DEPTH:
            names.append(current.name)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        return " / ".join(reversed(names))

    labelled = [(folder, label(folder)) for folder in folders]
    return sorted(labelled, key=lambda pair: pair[1].lower())


def _check_name(
    session: Session, community: Community, parent: Folder | None, name: str, *, exclude: int = 0
) -> str:
    name = " ".join(check_text("name", name, FOLDER_NAME_MAX, "a folder name", required=True).split())
    if has_control_characters(name):
        raise ValidationError(
            "The name contains characters that cannot be stored", {"name": "Remove control characters"}
        )
    parent_clause = Folder.parent_id.is_(None) if parent is None else Folder.parent_id == parent.id
    clash = session.scalar(
        select(Folder.id).where(
            Folder.community_id == community.id,
            parent_clause,
            func.lower(Folder.name) == name.lower(),
            Folder.id != exclude,
        )
    )
    if clash is not None:
        message = f"There is already a folder called “{name}” here"
        raise ValidationError(message, {"name": message})
    return name


def create_folder(
    session: Session, user: User, community: Community, parent: Folder | None, name: str
) -> Folder:
    require(user, Action.CONTRIBUTE, community)
    if parent is not None and parent.community_id != community.id:
        raise ValidationError("Choose a folder of this library")
    if len(path_to(session, parent)) >= MAX_DEPTH:
        raise ValidationError(
            f"Folders can be nested {MAX_DEPTH} deep at most", {"name": "This folder is too deep"}
        )
    folder = Folder(
        community_id=community.id,
        parent_id=parent.id if parent is not None else None,
        name=_check_name(session, community, parent, name),
        created_by_id=user.id,
    )
    session.add(folder)
    session.flush()
    return folder


def rename_folder(session: Session, user: User, folder: Folder, name: str) -> None:
    require(user, Action.MODERATE, folder.community)
    folder.name = _check_name(session, folder.community, folder.parent, name, exclude=folder.id)
    session.flush()
    reindex_folder(session, folder)


def delete_folder(session: Session, user: User, folder: Folder) -> None:
    """Remove an empty folder; one holding folders or documents is refused. Documents in the bin that were
    in it are restored to the top of the library."""
    require(user, Action.MODERATE, folder.community)
    has_folders = session.scalar(
        select(func.count()).select_from(Folder).where(Folder.parent_id == folder.id)
    )
    has_documents = session.scalar(
        select(func.count())
        .select_from(Document)
        .where(Document.folder_id == folder.id, Document.deleted_at.is_(None))
    )
    if has_folders or has_documents:
        raise ValidationError(f"“{folder.name}” is not empty. Move or delete what is in it first.")
    session.execute(
        update(Document)
        .where(Document.folder_id == folder.id)
        .values(folder_id=None)
        .execution_options(synchronize_session=False)
    )
    forget(session, FOLDER_KIND, [folder.id])
    session.delete(folder)
    session.flush()
