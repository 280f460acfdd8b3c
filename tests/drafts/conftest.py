"""Drafts test helpers: a private community holding a wiki page and a document, its members, and an
outsider; drafts read back straight from the database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role, Visibility
from polka.docs.models import Document
from polka.drafts.models import Draft
from polka.markings import Marking
from polka.wiki.models import WikiPage
from tests.conftest import Factory
from tests.docs.conftest import DocsFactory
from tests.wiki.conftest import WikiFactory


@dataclass
class DraftWorld:
    """A private community (ceiling OFFICIAL-SENSITIVE) with a manager, two members and a reader, one
    wiki page and one document; and an active user from outside it."""

    community: Community
    manager: User
    member: User
    colleague: User
    reader: User
    outsider: User
    page: WikiPage
    document: Document

    def edit_url(self, suffix: str = "") -> str:
        return f"/c/{self.community.slug}/wiki/{self.page.slug}/edit{suffix}"

    def new_url(self, suffix: str = "") -> str:
        return f"/c/{self.community.slug}/wiki/new{suffix}"

    def details_url(self, suffix: str = "") -> str:
        return f"/c/{self.community.slug}/docs/{self.document.id}/edit{suffix}"


@pytest.fixture
def world(app: Flask, make: Factory, session: Session) -> DraftWorld:
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community(
        "Covert tasking",
        managers=[manager],
        ceiling=Marking.OFFICIAL_SENSITIVE,
        visibility=Visibility.PRIVATE,
    )
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    colleague = make.member(community, make.user("Col League"), Role.MEMBER)
    reader = make.member(community, make.user("Rae Reader"), Role.READER)
    outsider = make.user("Otto Outsider")
    page = WikiFactory(session, make).page(community, "Tasking log", "The log.\n", author=manager)
    document = DocsFactory(app, session, make).document(community, "Rota", author=member)
    return DraftWorld(community, manager, member, colleague, reader, outsider, page, document)


def drafts_in(session: Session) -> list[Draft]:
    """Every draft stored, as the database has it now."""
    session.rollback()
    return list(session.scalars(select(Draft).order_by(Draft.id)))
