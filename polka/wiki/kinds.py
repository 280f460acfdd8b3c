"""The wiki's content kinds: how any part of POLKA shows a wiki page to a user (see polka.content.kinds)."""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.kinds import Kind, Shown
from polka.wiki import access
from polka.wiki.models import WikiPage


def resolve_pages(session: Session, user: User | None, ids: Sequence[int]) -> dict[int, Shown]:
    """The published, undeleted pages among ``ids`` that ``user`` may see, as they are now."""
    rows = session.execute(
        select(WikiPage, Community.slug, Community.name)
        .join(Community, Community.id == WikiPage.community_id)
        .where(WikiPage.id.in_(ids), access.live_pages(user))
    ).all()
    return {
        page.id: Shown(
            kind=PAGE_KIND,
            id=page.id,
            label="Wiki page",
            title=page.title,
            url=url_for("wiki.view_page", slug=slug, page=page.slug),
            marking=page.marking,
            community_id=page.community_id,
            community_name=name,
            updated_at=page.updated_at,
            author_id=page.updated_by_id,
        )
        for page, slug, name in rows
    }


PAGE_KIND = "wiki.page"
#: A file attached to a page: named in the audit log; not (yet) shown anywhere through a resolver.
ATTACHMENT_KIND = "wiki.attachment"
PAGE = Kind(name=PAGE_KIND, label="Wiki page", model=WikiPage, resolve=resolve_pages)
