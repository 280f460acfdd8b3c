"""Blog tables: a community's blog settings, its posts, and each post's earlier versions.

A post is community content (``DeletableContent``): its community and marking decide who may see it
once it is published. A post of a person's own blog may instead be open to everyone signed in: it has no
community (``community_id`` is NULL) and is OFFICIAL (``polka.permissions``, ``OPEN_TO_SIGNED_IN``). Before that, a draft or a post scheduled for later is seen by its author and the
community's moderators only (``polka.blog.access``). A scheduled post is published by the worker at its
time (``polka.blog.publishing``); ``published_at`` is when readers first saw it and orders the blog.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow
from polka.tags import TAG_MAX, TAGS_MAX, split_tags

TITLE_MAX = 150
SUMMARY_MAX = 300
#: A post's text, in characters: a long write-up with tables is tens of thousands.
BODY_MAX = 100_000
#: A cover image's description for people who cannot see it.
COVER_ALT_MAX = 250
#: A comment's text, in characters.
COMMENT_MAX = 5_000
HIDDEN_REASON_MAX = 300
#: Where a column goes in its table (``sort_order``): after every other.
LAST = 100


class Writers(enum.StrEnum):
    """Who may write in a community's blog (moderators and managers always may)."""

    MEMBERS = "members"
    MODERATORS = "moderators"

    @property
    def label(self) -> str:
        return {
            "members": "Members: every member may write posts",
            "moderators": "Moderators and managers only",
        }[self.value]


class PostStatus(enum.StrEnum):
    DRAFT = "draft"  # seen by its author and the community's moderators
    SCHEDULED = "scheduled"  # as a draft, until the worker publishes it at ``publish_at``
    PUBLISHED = "published"  # seen by whoever may see it by its community and marking

    @property
    def label(self) -> str:
        return self.value.capitalize()


class BlogSettings(Base):
    """A community's blog settings (a community without a row has the defaults)."""

    __tablename__ = "blog_settings"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), primary_key=True
    )
    writers: Mapped[Writers] = mapped_column(str_enum(Writers), default=Writers.MEMBERS)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlogPost(DeletableContent, Base):
    """A post: community, marking, author and soft delete come from the content mixins."""

    __tablename__ = "blog_posts"
    __table_args__ = (
        # a blog's index, newest first (the id breaks ties), and the archive's months: of the posts not
        # deleted, so a list's count and a month's are read from the index alone
        Index(
            "ix_blog_posts_community_published",
            "community_id",
            "status",
            "published_at",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_blog_posts_community_month",
            "community_id",
            "status",
            "published_month",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # a person's own blog: their posts, newest first
        Index("ix_blog_posts_personal", "created_by_id", "personal", "status", "published_at"),
        # the worker's look for scheduled posts whose time has come
        Index("ix_blog_posts_status_publish_at", "status", "publish_at"),
    )

    #: a personal post may go out to everyone signed in, outside any community (``community_id`` NULL)
    OPEN_TO_SIGNED_IN: ClassVar[bool] = True

    #: the community it is published in; None for a personal post open to everyone signed in
    community_id: Mapped[int | None] = mapped_column(  # type: ignore[assignment]
        ForeignKey("community_communities.id", ondelete="CASCADE")
    )
    community: Mapped[Community | None] = relationship(Community)  # type: ignore[assignment]

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: a sentence or two for the index and feeds (the body's opening words when left empty)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: Markdown. The long texts are stored last in the row (``sort_order``), so SQLite reads the short
    #: columns a list filters on without following the texts' overflow pages.
    body: Mapped[str] = mapped_column(Text, default="", sort_order=LAST)
    #: The sanitised HTML of ``body`` (derived: rendered again when the renderer changes), and the other
    #: features' objects it links to as JSON ``[[kind, id], …]``, shown as each reader may see them.
    html: Mapped[str] = mapped_column(Text, default="", sort_order=LAST)
    links: Mapped[str] = mapped_column(Text, default="[]", sort_order=LAST)
    renderer_version: Mapped[int] = mapped_column(Integer, default=0)
    #: comma-separated, each trimmed and lower-cased (``polka.tags``)
    tags: Mapped[str] = mapped_column(String(TAGS_MAX), default="")
    #: written in its author's own blog (``/people/<id>/blog/``) and published into its community, where
    #: its readers see it; not one of the community blog's posts (whose writers its managers choose)
    personal: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[PostStatus] = mapped_column(str_enum(PostStatus), default=PostStatus.DRAFT)
    #: when a scheduled post goes out
    publish_at: Mapped[datetime | None]
    #: when readers first saw it (kept when it is unpublished and published again)
    published_at: Mapped[datetime | None]
    #: the month (UK time) it was first published in, as ``yyyymm``: its place in the archive
    published_month: Mapped[int | None] = mapped_column(Integer)
    #: its author or a moderator closed it to new comments
    comments_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: what the index and feeds say of it: its summary, or its body's opening words (derived when saved)
    excerpt: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: minutes to read the body (derived when it is saved)
    reading_minutes: Mapped[int] = mapped_column(Integer, default=1)
    #: its cover image, re-encoded by POLKA (``polka.blog.covers``): the stored file, its type and size,
    #: and what it shows, for people who cannot see it
    cover_sha256: Mapped[str | None] = mapped_column(String(64))
    cover_type: Mapped[str] = mapped_column(String(20), default="")
    cover_width: Mapped[int] = mapped_column(Integer, default=0)
    cover_height: Mapped[int] = mapped_column(Integer, default=0)
    cover_alt: Mapped[str] = mapped_column(String(COVER_ALT_MAX), default="")
    #: how many of its comments every reader sees (derived from them: ``comments.recount``)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    @property
    def is_published(self) -> bool:
        return self.status is PostStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<BlogPost {self.id} {self.title!r} {self.status.value}>"


class BlogTag(Base):
    """A tag used in a community's blog: what readers follow, and what its page lists the posts of."""

    __tablename__ = "blog_tags"
    __table_args__ = (UniqueConstraint("community_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))
    #: as ``polka.tags`` keeps it: trimmed, lower-case
    name: Mapped[str] = mapped_column(String(TAG_MAX))

    community: Mapped[Community] = relationship()


class BlogPostTag(Base):
    """A post carries a tag (derived from ``BlogPost.tags`` when it is saved): what a tag's page finds
    its posts by, without reading every post."""

    __tablename__ = "blog_post_tags"
    __table_args__ = (Index("ix_blog_post_tags_tag", "tag_id", "post_id"),)

    post_id: Mapped[int] = mapped_column(ForeignKey("blog_posts.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("blog_tags.id", ondelete="CASCADE"), primary_key=True)


class BlogRevision(Base):
    """A post as it was before one of its edits: its history, oldest first."""

    __tablename__ = "blog_revisions"
    __table_args__ = (Index("ix_blog_revisions_post", "post_id", "edited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("blog_posts.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    #: when the edit that replaced this version was made, and by whom
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    edited_by: Mapped[User | None] = relationship()


class CommentStatus(enum.StrEnum):
    PUBLISHED = "published"
    WAITING = "waiting"  # held for a moderator: seen by its author and moderators only
    HIDDEN = "hidden"  # hidden by a moderator: seen by its author and moderators only


class BlogComment(Base):
    """A comment on a post, or a reply to one (one level deep): seen by whoever may see its post once
    published and not deleted."""

    __tablename__ = "blog_comments"
    __table_args__ = (
        # a post's comments in the order they were written
        Index("ix_blog_comments_post", "post_id", "parent_id", "created_at", "id"),
        Index("ix_blog_comments_author", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("blog_posts.id", ondelete="CASCADE"))
    #: the comment this one answers (a comment, never a reply: replies go one level deep)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("blog_comments.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    #: The sanitised HTML of ``body`` and the objects it links to (as a post's: ``polka.blog.rendering``).
    html: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="[]")
    renderer_version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[CommentStatus] = mapped_column(str_enum(CommentStatus), default=CommentStatus.PUBLISHED)
    #: why a moderator hid it, or why it waits (shown to its author and the moderators)
    hidden_reason: Mapped[str] = mapped_column(String(HIDDEN_REASON_MAX), default="")
    held_reason: Mapped[str] = mapped_column(String(HIDDEN_REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Deleted by its author: the post shows a stub in its place.
    deleted_at: Mapped[datetime | None]

    post: Mapped[BlogPost] = relationship()
    author: Mapped[User | None] = relationship()

    @property
    def is_shown(self) -> bool:
        """Whether every reader of the post sees it (published and not deleted)."""
        return self.status is CommentStatus.PUBLISHED and self.deleted_at is None
