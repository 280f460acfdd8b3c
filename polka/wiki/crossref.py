"""How other features show a wiki page that links to them (a document's "where used")."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.crossrefs.services import Shown
from polka.wiki import access, rendering
from polka.wiki.models import WikiPage


def resolve_pages(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The live pages among ``ids`` that ``user`` may see."""
    rows = session.execute(
        select(WikiPage, Community)
        .join(Community, Community.id == WikiPage.community_id)
        .where(WikiPage.id.in_(ids), access.live_pages(user))
    ).all()
    return {
        page.id: Shown(
            kind_label="Wiki page",
            title=page.title,
            url=rendering.page_path(community, page.slug),
            marking=page.marking.value,
        )
        for page, community in rows
    }
