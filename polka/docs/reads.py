"""What the library's forms offer: where a document may be moved to, and what may replace it — each list
filtered by the permission policy."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.docs import access, folders
from polka.docs.models import Document, Folder
from polka.errors import NotFound
from polka.permissions import Action, can, visible_filter

#: At most this many documents are offered as a replacement.
REPLACEMENTS_MAX = 500


def move_destinations(session: Session, user: User | None, document: Document) -> list[tuple[str, str]]:
    """Every folder of every library the user may contribute to, this document's library first, as
    (``community:folder`` value, label)."""
    communities = list(
        session.scalars(
            select(Community).where(visible_filter(user, Community)).order_by(func.lower(Community.name))
        )
    )
    communities = [c for c in communities if can(user, Action.CONTRIBUTE, c)]
    communities.sort(key=lambda c: c.id != document.community_id)
    destinations: list[tuple[str, str]] = []
    for community in communities:
        destinations.append((f"{community.id}:", f"{community.name} – top of the library"))
        for folder, label in folders.all_folders(session, community):
            destinations.append((f"{community.id}:{folder.id}", f"{community.name} – {label}"))
    return destinations


def destination(
    session: Session, user: User | None, community_id: int, folder_id: int | None
) -> tuple[Community, Folder | None]:
    """The library and folder a move chose; ``NotFound`` for a library that does not exist or a folder
    the user may not reach (the move itself checks that the user may contribute there)."""
    community = session.get(Community, community_id)
    if community is None:
        raise NotFound()
    if folder_id is None:
        return community, None
    return community, access.get_folder(session, user, community, folder_id)


def replacement_choices(session: Session, user: User | None, document: Document) -> list[tuple[int, str]]:
    """The documents of the same library the user may see that could supersede ``document``, by title."""
    others = session.scalars(
        select(Document)
        .where(
            Document.community_id == document.community_id,
            Document.id != document.id,
            access.live_documents(user),
        )
        .order_by(func.lower(Document.title))
        .limit(REPLACEMENTS_MAX)
    )
    return [(other.id, other.title) for other in others]
