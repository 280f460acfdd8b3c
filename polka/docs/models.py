"""Document library tables: folders, documents, their versions, extracted text, where-used links.

A document's history is its versions, numbered 1, 2, 3… without gaps; the document row holds the head
number, which is the current version's. The bytes of every version live in the file store under their
SHA-256 (``polka.storage``), stored before the row that points at them. Extracted text and thumbnails
(``DocumentExtract``) are derived data: ``polka docs reextract`` rebuilds them.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow
from polka.filetypes import type_name
from polka.tags import TAGS_MAX, split_tags

TITLE_MAX = 150
FOLDER_NAME_MAX = 100
DESCRIPTION_MAX = 2000
NOTE_MAX = 500
FILENAME_MAX = 255


class DocumentStatus(enum.StrEnum):
    DRAFT = "draft"  # not yet approved by a moderator: readers are told it is not authoritative
    APPROVED = "approved"  # the authoritative version
    SUPERSEDED = "superseded"  # replaced by another document (``superseded_by``)

    @property
    def label(self) -> str:
        return self.value.capitalize()


class ExtractStatus(enum.StrEnum):
    PENDING = "pending"  # a job is queued
    DONE = "done"
    UNSUPPORTED = "unsupported"  # a type POLKA does not read text from (images, archives…)
    FAILED = "failed"  # the reader failed or hit a cap; the error says which


class Folder(Base):
    __tablename__ = "docs_folders"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), index=True
    )
    #: None: the folder is at the top of the library.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("docs_folders.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(FOLDER_NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    community: Mapped[Community] = relationship()
    parent: Mapped[Folder | None] = relationship(remote_side=[id])


class Document(DeletableContent, Base):
    """A document: community, marking, author (its uploader) and soft delete (the bin) come from the
    content mixins."""

    __tablename__ = "docs_documents"
    __table_args__ = (Index("ix_docs_documents_community_folder", "community_id", "folder_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    folder_id: Mapped[int | None] = mapped_column(ForeignKey("docs_folders.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Comma-separated, each tag trimmed and lower-cased (``services.parse_tags``).
    tags: Mapped[str] = mapped_column(String(TAGS_MAX), default="")
    status: Mapped[DocumentStatus] = mapped_column(str_enum(DocumentStatus), default=DocumentStatus.DRAFT)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("docs_documents.id", ondelete="SET NULL"))
    #: The version a moderator approved as authoritative (the current one when status is approved).
    approved_number: Mapped[int | None] = mapped_column(Integer)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]
    #: Number of the current version: new versions are added only from it (a conditional update).
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    #: Denormalised from the current version, for listing and sorting without a join.
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    family: Mapped[str] = mapped_column(String(20), default="")
    checked_out_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    checked_out_at: Mapped[datetime | None]

    folder: Mapped[Folder | None] = relationship()
    superseded_by: Mapped[Document | None] = relationship(remote_side=[id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    checked_out_by: Mapped[User | None] = relationship(foreign_keys=[checked_out_by_id])
    #: The current version, for showing it (new versions are added by ``services`` only).
    head: Mapped[Version | None] = relationship(
        primaryjoin="and_(Document.id == foreign(Version.document_id), "
        "Document.head_number == foreign(Version.number))",
        viewonly=True,
        uselist=False,
    )

    @property
    def type_label(self) -> str:
        """Its current version's type as people name it ("Word document")."""
        return type_name(self.head.media_type if self.head is not None else "", self.family)

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.title!r}>"


class Version(Base):
    """One uploaded file of a document: its bytes by hash, the user's file name only for display."""

    __tablename__ = "docs_versions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("docs_documents.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX))
    #: Read from the content by libmagic; ``family`` is its ``polka.filetypes.Family``.
    media_type: Mapped[str] = mapped_column(String(127))
    family: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    #: For a restore: the number of the version it brought back.
    restored_from: Mapped[int | None] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who approved this version as authoritative, and when (None: never approved).
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None]

    document: Mapped[Document] = relationship()
    uploaded_by: Mapped[User | None] = relationship(foreign_keys=[uploaded_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])

    @property
    def type_label(self) -> str:
        """Its type as people name it ("Word document", "PDF"), not a MIME string."""
        return type_name(self.media_type, self.family)


class DocumentExtract(Base):
    """Text (and a thumbnail) read from one version's bytes by a background job (derived data)."""

    __tablename__ = "docs_extracts"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("docs_versions.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[ExtractStatus] = mapped_column(str_enum(ExtractStatus), default=ExtractStatus.PENDING)
    text: Mapped[str] = mapped_column(Text, default="")
    #: True when the text was cut at the cap (the preview and the index hold the first part).
    truncated: Mapped[bool] = mapped_column(default=False)
    #: Why extraction failed, in words a manager can act on.
    error: Mapped[str] = mapped_column(String(500), default="")
    #: A re-encoded PNG thumbnail of an image, in the file store.
    thumbnail_sha256: Mapped[str | None] = mapped_column(String(64))
    finished_at: Mapped[datetime | None]
