"""Library test helpers: documents uploaded through the services (committed, like a request), a world of
communities and roles, and files uploaded through the web forms."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role, Visibility
from polka.db import transaction
from polka.docs import services, versions
from polka.docs.models import Document, DocumentExtract, Folder, Version
from polka.markings import Marking
from polka.storage import FileStore
from tests.conftest import Factory
from tests.site_search.conftest import search  # noqa: F401  (searching as a user)
from tests.support import Web

PDF_LIKE = b"%PDF-1.4\n"  # enough for libmagic to say application/pdf


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """A write transaction in the test's own session, begun fresh (after the requests' commits)."""
    session.rollback()
    with transaction(session):
        yield session


class DocsFactory:
    """Makes documents and versions through the services (committed) and reads them back fresh."""

    def __init__(self, app: Flask, session: Session, make: Factory) -> None:
        self.app = app
        self.session = session
        self.make = make

    @property
    def store(self) -> FileStore:
        store: FileStore = self.app.extensions["polka.files"]
        return store

    def document(
        self,
        community: Community,
        title: str = "Rolling schedule",
        content: bytes = b"Shift pattern for the regional team.\n",
        *,
        filename: str = "schedule.txt",
        author: User | None = None,
        marking: Marking = Marking.OFFICIAL,
        folder: Folder | None = None,
        description: str = "",
        tags: str = "",
    ) -> Document:
        author = author or self.make.member(community, role=Role.MODERATOR)
        with transaction(self.session):
            document = services.upload_document(
                self.session,
                self.session.merge(author),
                self.session.merge(community),
                self.store,
                versions.Upload(io.BytesIO(content), filename, 10 * 1024 * 1024),
                services.Details(title=title, description=description, tags=tags, marking=marking),
                self.session.merge(folder) if folder is not None else None,
            )
        return document

    def version(
        self,
        document: Document,
        author: User,
        content: bytes,
        *,
        filename: str = "schedule.txt",
        note: str = "",
    ) -> Version:
        with transaction(self.session):
            document = self.fresh(document)
            version = versions.add_version(
                self.session,
                self.session.merge(author),
                document,
                self.store,
                versions.Upload(io.BytesIO(content), filename, 10 * 1024 * 1024),
                note,
                seen_head=document.head_number,
                limits=versions.Limits(),
            )
        return version

    def fresh(self, document: Document) -> Document:
        self.session.rollback()
        fresh = self.session.get(Document, document.id)
        assert fresh is not None
        self.session.refresh(fresh)
        return fresh

    def versions(self, document: Document) -> list[Version]:
        self.session.rollback()
        query = select(Version).where(Version.document_id == document.id).order_by(Version.number)
        return list(self.session.scalars(query))

    def extract(self, version: Version) -> DocumentExtract | None:
        self.session.rollback()
        return self.session.get(DocumentExtract, version.id)

    def all_documents(self) -> list[Document]:
        self.session.rollback()
        return list(self.session.scalars(select(Document).order_by(Document.id)))

    def stored_files(self) -> list[str]:
        """Every file under the store (hash names), temporary files included."""
        root = self.store.root
        return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


class ClosingWeb(Web):
    """A browser that reads every response whole and closes it: downloads stream from open files."""

    def get(self, url: str, **kwargs: Any) -> Any:
        response = super().get(url, **kwargs)
        response.get_data()
        response.close()
        return response


@pytest.fixture
def web(client: Any) -> Web:
    return ClosingWeb(client)


@pytest.fixture
def docs(app: Flask, session: Session, make: Factory) -> DocsFactory:
    return DocsFactory(app, session, make)


@dataclass
class DocsWorld:
    """An open community (ceiling OFFICIAL-SENSITIVE) with a manager (two-factor), a moderator, a member,
    a reader and an outsider, a private community, and one document uploaded by the member."""

    community: Community
    private: Community
    manager: User
    moderator: User
    member: User
    reader: User
    outsider: User
    document: Document


@pytest.fixture
def world(make: Factory, docs: DocsFactory) -> DocsWorld:
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community(
        "Regional coordinators",
        managers=[manager],
        ceiling=Marking.OFFICIAL_SENSITIVE,
        visibility=Visibility.OPEN,
    )
    private = make.community(
        "Covert tasking",
        managers=[manager],
        ceiling=Marking.OFFICIAL_SENSITIVE,
        visibility=Visibility.PRIVATE,
    )
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    reader = make.member(community, make.user("Rae Reader"), Role.READER)
    outsider = make.user("Otto Outsider")
    document = docs.document(community, "Rolling schedule", author=member)
    return DocsWorld(community, private, manager, moderator, member, reader, outsider, document)


def upload(web: Web, community: Community, files: list[tuple[bytes, str]], **fields: Any) -> Any:
    """Submit the upload form with these files (content, name) and fields, like a browser."""
    url = f"/c/{community.slug}/docs/upload"
    headers = fields.pop("headers", {})
    data: dict[str, Any] = {"csrf_token": web.token(url), "marking": "OFFICIAL", **fields}
    data["files"] = [(io.BytesIO(content), name) for content, name in files]
    return web.client.post(url, data=data, content_type="multipart/form-data", headers=headers)
