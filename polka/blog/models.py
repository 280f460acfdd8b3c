"""Blog tables: a community's blog settings, its posts, and each post's earlier versions.

A post is community content (``DeletableContent``): its community and marking decide who may see it
once it is published. Before that, a draft or a post scheduled for later is seen by its author and the
community's moderators only (``polka.blog.access``). A scheduled post is published by the worker at its
time (``polka.blog.publishing``); ``published_at`` is when readers first saw it and orders the blog.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow
from polka.tags import TAGS_MAX, split_tags

TITLE_MAX = 150
SUMMARY_MAX = 300
#: A post's text, in characters: a long write-up with tables is tens of thousands.
BODY_MAX = 100_000


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
        # a blog's index, newest first, and its archive by month (the id breaks ties)
        Index("ix_blog_posts_community_published", "community_id", "status", "published_at", "id"),
        # the archive's months
        Index("ix_blog_posts_community_month", "community_id", "status", "published_month"),
        # the worker's look for scheduled posts whose time has come
        Index("ix_blog_posts_status_publish_at", "status", "publish_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: a sentence or two for the index and feeds (the body's opening words when left empty)
    summary: Mapped[str] = mapped_column(String(SUMMARY_MAX), default="")
    #: Markdown
    body: Mapped[str] = mapped_column(Text, default="")
    #: The sanitised HTML of ``body`` (derived: rendered again when the renderer changes), and the other
    #: features' objects it links to as JSON ``[[kind, id], …]``, shown as each reader may see them.
    html: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="[]")
    renderer_version: Mapped[int] = mapped_column(Integer, default=0)
    #: comma-separated, each trimmed and lower-cased (``polka.tags``)
    tags: Mapped[str] = mapped_column(String(TAGS_MAX), default="")
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

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    @property
    def is_published(self) -> bool:
        return self.status is PostStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<BlogPost {self.id} {self.title!r} {self.status.value}>"


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
