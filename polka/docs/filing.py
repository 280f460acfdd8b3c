"""The library's filer (``polka.content.filing``): a paper given to another feature (an event's agenda or
minutes) kept as a document of the community's library, in the folder path it names, by the library's
own rules: who may upload, accepted types and sizes, the marking ceiling, a draft until approved.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.filing import Filed, Paper
from polka.docs import folders, services, versions
from polka.docs.duplicates import AlreadyHere
from polka.docs.kinds import DOCUMENT_KIND
from polka.docs.models import FOLDER_NAME_MAX, Folder
from polka.storage import FileStore


def file_paper(
    session: Session, user: User, community: Community, store: FileStore, paper: Paper, path: Sequence[str]
) -> Filed:
    """Keep ``paper`` as a new draft document in the folder ``path`` names (each found by its name,
    or made); a file whose bytes are already a current document there is answered with that one."""
    folder = None
    for name in path:
        folder = _folder_named(session, user, community, folder, name)
    upload = versions.Upload(paper.stream, paper.filename, paper.max_bytes)
    details = services.Details(title=paper.title, marking=paper.marking)
    try:
        document = services.upload_document(
            session, user, community, store, upload, details, folder, refuse_duplicates=True
        )
    except AlreadyHere as here:
        return Filed(DOCUMENT_KIND, here.document.id, here.document.title, already_there=True)
    return Filed(DOCUMENT_KIND, document.id, document.title)


def _folder_named(
    session: Session, user: User, community: Community, parent: Folder | None, name: str
) -> Folder:
    name = " ".join(name.split())[:FOLDER_NAME_MAX].strip()
    parent_clause = Folder.parent_id.is_(None) if parent is None else Folder.parent_id == parent.id
    found = session.scalar(
        select(Folder)
        .where(Folder.community_id == community.id, parent_clause, func.lower(Folder.name) == name.lower())
        .order_by(Folder.id)
        .limit(1)
    )
    return found if found is not None else folders.create_folder(session, user, community, parent, name)
