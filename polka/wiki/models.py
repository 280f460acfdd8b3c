"""Wiki tables: pages, their revisions, rendered-HTML cache, links, redirects, attachments.

A page's published history is its *approved* revisions, numbered 1, 2, 3… without gaps; the page row
holds the head number, which is the current revision's number. A revision waiting for review has no number
until a moderator approves it. Rendered HTML is derived data (``WikiRendering``): it can be dropped and
rebuilt from the revisions at any time (``polka wiki rerender``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow

TITLE_MAX = 120
SLUG_MAX = 80
SUMMARY_MAX = 300


class RevisionStatus(enum.StrEnum):
    APPROVED = "approved"  # part of the page's history, numbered
    PENDING = "pending"  # waiting for a moderator
    REJECTED = "rejected"  # declined by a moderator, with a comment
    WITHDRAWN = "withdrawn"  # replaced by its author's newer pending edit


class WikiSettings(Base):
    """A community's wiki settings; a community without a row has the defaults."""

    __tablename__ = "wiki_settings"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), primary_key=True
    )
    review_required: Mapped[bool] = mapped_column(Boolean, default=False)


class WikiPage(DeletableContent, Base):
    """A wiki page: community, marking, author and soft delete come from the content mixins."""

    __tablename__ = "wiki_pages"
    __table_args__ = (UniqueConstraint("community_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique in the community; a deleted page's slug is freed (see ``deleted_slug``).
    slug: Mapped[str] = mapped_column(String(SLUG_MAX + 20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("wiki_pages.id", ondelete="SET NULL"), index=True
    )
    #: Number of the newest approved revision: saves succeed only from it (a conditional update).
    head_number: Mapped[int] = mapped_column(Integer, default=0)
    is_template: Mapped[bool] = mapped_column(Boolean, default=False)
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The slug the page had before it was deleted (restoring takes it back when it is still free).
    deleted_slug: Mapped[str | None] = mapped_column(String(SLUG_MAX))

    parent: Mapped[WikiPage | None] = relationship(remote_side=[id])
    #: its community's wiki settings (None: the defaults), which reaching a page loads with it
    wiki_settings: Mapped[WikiSettings | None] = relationship(
        primaryjoin="foreign(WikiPage.community_id) == WikiSettings.community_id", viewonly=True
    )

    def __repr__(self) -> str:
        return f"<WikiPage {self.community_id}/{self.slug}>"


class WikiRevision(Base):
    __tablename__ = "wiki_revisions"
    __table_args__ = (
        UniqueConstraint("page_id", "number"),
        Index("ix_wiki_revisions_page_status", "page_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"))
    #: 1, 2, 3… for approved revisions; None while pending (and for rejected or withdrawn ones).
    number: Mapped[int | None] = mapped_column(Integer)
    #: The approved revision the author started from (0 for a new page).
    base_number: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[RevisionStatus] = mapped_column(str_enum(RevisionStatus), default=RevisionStatus.APPROVED)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: Size of the body in bytes (UTF-8), for the history's size change.
    size: Mapped[int] = mapped_column(Integer, default=0)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    review_comment: Mapped[str] = mapped_column(Text, default="")
    #: For a revert: the number of the revision it brought back.
    reverted_to: Mapped[int | None] = mapped_column(Integer)

    page: Mapped[WikiPage] = relationship(foreign_keys=[page_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    #: Its cached rendering, for reads that load both in one statement (``contains_eager``); the
    #: cache is written and read by ``polka.wiki.rendering``, never through this.
    rendering: Mapped[WikiRendering | None] = relationship(viewonly=True)


class WikiRendering(Base):
    """Cached HTML of one revision (derived: drop and rebuild at will)."""

    __tablename__ = "wiki_renderings"

    revision_id: Mapped[int] = mapped_column(
        ForeignKey("wiki_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    #: Bumped when the renderer changes, so old caches are ignored.
    renderer_version: Mapped[int] = mapped_column(Integer)
    html: Mapped[str] = mapped_column(Text)
    headings: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[level, text, anchor], …]
    links: Mapped[str] = mapped_column(Text, default="[]")  # JSON [slug, …]


class WikiLink(Base):
    """A wiki link from a page's current revision to a slug in the same community (for backlinks)."""

    __tablename__ = "wiki_links"
    __table_args__ = (Index("ix_wiki_links_target", "community_id", "target_slug"),)

    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), primary_key=True)
    target_slug: Mapped[str] = mapped_column(String(SLUG_MAX), primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))


class WikiRedirect(Base):
    """An old slug of a renamed page, so links to the old title keep working."""

    __tablename__ = "wiki_redirects"
    __table_args__ = (UniqueConstraint("community_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX))
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), index=True)


class WikiAttachment(Base):
    """A file attached to a page: bytes in the file store by SHA-256, the name only for display."""

    __tablename__ = "wiki_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("wiki_pages.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    deleted_at: Mapped[datetime | None]

    page: Mapped[WikiPage] = relationship()
    uploaded_by: Mapped[User | None] = relationship()
