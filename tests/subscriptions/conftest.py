"""An estate to follow things in: an open community (with need-to-know items) and a private one, each
with a wiki page, a document and a folder, and the people who may or may not see them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role, Visibility
from polka.db import transaction
from polka.docs import folders
from polka.markings import Marking
from tests.conftest import Factory
from tests.docs.conftest import DocsFactory
from tests.wiki.conftest import WikiFactory


@dataclass(frozen=True)
class Place:
    """A community and one object of each kind in it, by kind name."""

    community: Community
    objects: dict[str, int]
    #: the moderator who wrote them (with two-factor)
    moderator: User


@dataclass(frozen=True)
class Estate:
    open: Place
    private: Place
    #: OFFICIAL-SENSITIVE items of the open community
    sensitive: dict[str, int]
    #: a member of the open community
    member: User
    #: a member of the private community
    insider: User
    #: an active user in no community
    outsider: User


def place_of(session: Session, make: Factory, app: Flask, community: Community, name: str) -> Place:
    author = make.member(community, role=Role.MODERATOR)
    page = WikiFactory(session, make).page(community, f"{name} handbook", author=author)
    document = DocsFactory(app, session, make).document(community, f"{name} minutes", author=author)
    with transaction(session):
        folder = folders.create_folder(
            session, session.merge(author), session.merge(community), None, f"{name} letters"
        )
    objects = {
        "wiki.page": page.id,
        "docs.document": document.id,
        "docs.folder": folder.id,
        "communities.community": community.id,
    }
    return Place(community, objects, author)


@pytest.fixture
def estate(app: Flask, session: Session, make: Factory) -> Estate:
    open_community = make.community("Roads Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    private = make.community("Covert Unit", visibility=Visibility.PRIVATE)
    open_place = place_of(session, make, app, open_community, "Roads")
    author = make.member(open_community, role=Role.MODERATOR)
    sensitive = {
        "wiki.page": WikiFactory(session, make)
        .page(open_community, "Source handling", author=author, marking=Marking.OFFICIAL_SENSITIVE)
        .id,
        "docs.document": DocsFactory(app, session, make)
        .document(open_community, "Tasking list", author=author, marking=Marking.OFFICIAL_SENSITIVE)
        .id,
    }
    return Estate(
        open=open_place,
        private=place_of(session, make, app, private, "Covert"),
        sensitive=sensitive,
        member=make.member(open_community, make.user("Mel Member"), Role.MEMBER),
        insider=make.member(private, make.user("Ivy Insider"), Role.MEMBER),
        outsider=make.user("Otto Outsider"),
    )


@pytest.fixture
def requested(app: Flask) -> Iterator[None]:
    """A request context: resolvers give each object's address with ``url_for``."""
    with app.test_request_context():
        yield


KINDS = ("wiki.page", "docs.document", "docs.folder", "communities.community")
