"""Wiki test helpers: pages and edits made through the services, committed like a request would."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role, Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import pages, services
from polka.wiki.models import WikiPage, WikiRevision
from tests.conftest import Factory


class WikiFactory:
    """Makes wiki pages and edits through the services (committed), and reads them back fresh."""

    def __init__(self, session: Session, make: Factory) -> None:
        self.session = session
        self.make = make

    def page(
        self,
        community: Community,
        title: str = "Best practice",
        body: str = "Some text.\n",
        *,
        author: User | None = None,
        marking: Marking = Marking.OFFICIAL,
        parent: WikiPage | None = None,
        summary: str = "",
    ) -> WikiPage:
        author = author or self.make.member(community, role=Role.MODERATOR)
        with transaction(self.session):
            author = self.session.merge(author)
            saved = services.create_page(
                self.session,
                author,
                self.session.merge(community),
                title=title,
                edit=services.Edit(body=body, summary=summary, marking=marking),
                parent=self.session.merge(parent) if parent is not None else None,
            )
        return saved.revision.page

    def edit(
        self, page: WikiPage, author: User, body: str, *, summary: str = "", base: int | None = None
    ) -> services.Saved:
        with transaction(self.session):
            page = self.fresh(page)
            saved = services.save_edit(
                self.session,
                self.session.merge(author),
                page,
                services.Edit(
                    body=body,
                    summary=summary,
                    marking=page.marking,
                    base_number=page.head_number if base is None else base,
                ),
            )
        return saved

    def require_review(self, community: Community, manager: User) -> None:
        with transaction(self.session):
            pages.set_review_required(
                self.session, self.session.merge(manager), self.session.merge(community), True
            )

    def fresh(self, page: WikiPage) -> WikiPage:
        """The page as the database has it now (after requests committed)."""
        self.session.rollback()
        fresh = self.session.get(WikiPage, page.id)
        assert fresh is not None
        self.session.refresh(fresh)
        return fresh

    def revisions(self, page: WikiPage) -> list[WikiRevision]:
        self.session.rollback()
        query = select(WikiRevision).where(WikiRevision.page_id == page.id).order_by(WikiRevision.id)
        return list(self.session.scalars(query))


@dataclass
class WikiWorld:
    """A community with a manager (two-factor), a moderator, a member and a reader, and one page."""

    community: Community
    manager: User
    moderator: User
    member: User
    reader: User
    page: WikiPage


@pytest.fixture
def world(make: Factory, wiki: WikiFactory) -> WikiWorld:
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community(
        "PNC Operators", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE, visibility=Visibility.OPEN
    )
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    reader = make.member(community, make.user("Rae Reader"), Role.READER)
    page = wiki.page(
        community, "PNC manual", "# PNC manual\n\nIntro.\n\n## Checks\n\nRun the checks.\n", author=moderator
    )
    return WikiWorld(community, manager, moderator, member, reader, page)
