"""Forum tables: a community's categories, their topics, and the posts of each topic.

A topic is community content (``DeletableContent``): its community and marking decide who sees it, and
every post in it follows them. Posts are numbered 1, 2, 3… in their topic (1 is the opening post), so
a post keeps its place and its address when others around it are hidden or deleted. A topic's counters
(replies, last post) are derived from its posts: the services keep them with conditional updates and
``polka forum recount`` rebuilds them.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.communities.models import Community
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow
from polka.tags import TAGS_MAX, split_tags

CATEGORY_TITLE_MAX = 80
CATEGORY_SLUG_MAX = 60
CATEGORY_DESCRIPTION_MAX = 300
TOPIC_TITLE_MAX = 150
#: A post's text, in characters (a long post with tables is a few thousand).
POST_MAX = 20_000
LOCK_REASON_MAX = 300
HIDDEN_REASON_MAX = 300


class CategoryMode(enum.StrEnum):
    """Who may start topics and reply in a category (moderators always may)."""

    OPEN = "open"  # members start topics and reply
    ANNOUNCEMENTS = "announcements"  # moderators start topics, members reply
    READ_ONLY = "read_only"  # only moderators post

    @property
    def label(self) -> str:
        return _MODE_LABELS[self]


_MODE_LABELS = {
    CategoryMode.OPEN: "Open: members start topics and reply",
    CategoryMode.ANNOUNCEMENTS: "Announcements: moderators start topics, members reply",
    CategoryMode.READ_ONLY: "Read-only: only moderators post",
}


class PostStatus(enum.StrEnum):
    PUBLISHED = "published"
    WAITING = "waiting"  # held for a moderator: seen by its author and moderators only
    HIDDEN = "hidden"  # hidden by a moderator: seen by its author and moderators only


class ForumCategory(Base):
    __tablename__ = "forum_categories"
    __table_args__ = (UniqueConstraint("community_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(CATEGORY_SLUG_MAX))
    title: Mapped[str] = mapped_column(String(CATEGORY_TITLE_MAX))
    description: Mapped[str] = mapped_column(String(CATEGORY_DESCRIPTION_MAX), default="")
    #: The order managers gave the categories (smallest first).
    position: Mapped[int] = mapped_column(Integer, default=0)
    mode: Mapped[CategoryMode] = mapped_column(str_enum(CategoryMode), default=CategoryMode.OPEN)
    #: every post here but moderators' waits for a moderator's approval
    premoderated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: An archived category is read-only and listed apart; its topics stay readable and searchable.
    archived_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community] = relationship()

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class ForumTopic(DeletableContent, Base):
    """A topic: community, marking, author and soft delete come from the content mixins."""

    __tablename__ = "forum_topics"
    __table_args__ = (
        # a category's list, pinned first then by latest activity, and the community's latest (the id
        # breaks ties, so a list's order is the index's, walked from either end)
        Index("ix_forum_topics_category_activity", "category_id", "pinned", "last_post_at", "id"),
        Index("ix_forum_topics_community_activity", "community_id", "last_post_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("forum_categories.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TOPIC_TITLE_MAX))
    is_question: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    #: why a moderator locked it (shown where the reply form would be)
    lock_reason: Mapped[str] = mapped_column(String(LOCK_REASON_MAX), default="")
    #: its opening post waits for a moderator: only its author and the moderators see the topic
    waiting: Mapped[bool] = mapped_column(Boolean, default=False)
    #: slow mode: each member posts at most once per this many minutes here (0: off)
    slow_mode_minutes: Mapped[int] = mapped_column(Integer, default=0)
    #: The number the next post takes (its place in the topic): claimed with a conditional update.
    next_number: Mapped[int] = mapped_column(Integer, default=1)
    #: Derived from the published posts (``polka forum recount``): replies (the opening post aside)
    #: and the newest one.
    reply_count: Mapped[int] = mapped_column(Integer, default=0)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_number: Mapped[int] = mapped_column(Integer, default=1)
    last_poster_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: a question's accepted answer: one of its replies (a post id; no foreign key, as posts point at
    #: their topic)
    accepted_post_id: Mapped[int | None] = mapped_column(Integer)
    #: the outcome a moderator recorded ("Decision: option B, agreed at the March meeting"), shown at
    #: the top of the topic and found by search
    decision: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: the topic a moderator merged this one into (this one is deleted; its address leads there)
    merged_into_id: Mapped[int | None] = mapped_column(Integer)
    #: comma-separated, each trimmed and lower-cased (``polka.tags``)
    tags: Mapped[str] = mapped_column(String(TAGS_MAX), default="")

    category: Mapped[ForumCategory] = relationship()
    last_poster: Mapped[User | None] = relationship(foreign_keys=[last_poster_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    def __repr__(self) -> str:
        return f"<ForumTopic {self.id} {self.title!r}>"


class ForumPost(Base):
    """A post in a topic: seen by whoever may see its topic, when it is published and not deleted."""

    __tablename__ = "forum_posts"
    __table_args__ = (
        UniqueConstraint("topic_id", "number"),
        Index("ix_forum_posts_author", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id", ondelete="CASCADE"))
    #: 1 for the opening post, then 2, 3… in the order they were posted.
    number: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    #: The sanitised HTML of ``body`` (derived: ``polka forum rerender`` rebuilds it), and the
    #: other features' objects it links to as JSON ``[[kind, id], …]``, shown as each reader may see them.
    html: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[str] = mapped_column(Text, default="[]")
    renderer_version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[PostStatus] = mapped_column(str_enum(PostStatus), default=PostStatus.PUBLISHED)
    #: why a moderator hid it (shown to its author and the moderators)
    hidden_reason: Mapped[str] = mapped_column(String(HIDDEN_REASON_MAX), default="")
    #: why it waits for a moderator (shown to its author and the moderators)
    held_reason: Mapped[str] = mapped_column(String(HIDDEN_REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: Deleted by its author: the thread shows a stub in its place.
    deleted_at: Mapped[datetime | None]
    #: How many people marked it helpful (derived from ``ForumHelpful``).
    helpful_count: Mapped[int] = mapped_column(Integer, default=0)

    topic: Mapped[ForumTopic] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_shown(self) -> bool:
        """Whether every reader of the topic sees it (published and not deleted)."""
        return self.status is PostStatus.PUBLISHED and self.deleted_at is None


class ForumPostEdit(Base):
    """A post's text before one of its edits: its edit history, oldest first."""

    __tablename__ = "forum_post_edits"
    __table_args__ = (Index("ix_forum_post_edits_post", "post_id", "edited_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    #: the text as it was until this edit
    body_before: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    edited_by: Mapped[User | None] = relationship()


class ForumHelpful(Base):
    """One person found one post helpful."""

    __tablename__ = "forum_helpful"
    __table_args__ = (UniqueConstraint("post_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("forum_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


POLL_QUESTION_MAX = 200
POLL_OPTION_MAX = 200
#: A poll offers from 2 to this many options.
POLL_OPTIONS_MAX = 20
DECISION_MAX = 1_000


class PollResults(enum.StrEnum):
    """When a poll's counts are shown."""

    AFTER_VOTING = "after_voting"  # to each person once they have voted, and to everyone once it closes
    AFTER_CLOSING = "after_closing"  # to everyone once it closes, to nobody before

    @property
    def label(self) -> str:
        return {
            "after_voting": "To each person once they have voted, and to everyone when it closes",
            "after_closing": "To everyone when it closes, and to nobody before",
        }[self.value]


class ForumPoll(Base):
    """A topic's poll (a topic has at most one). Who voted is kept so nobody votes twice; who voted for
    what is shown only when the poll's creator chose named votes, which the poll says."""

    __tablename__ = "forum_polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id", ondelete="CASCADE"), unique=True)
    question: Mapped[str] = mapped_column(String(POLL_QUESTION_MAX))
    #: each voter may choose several options (else one)
    multiple: Mapped[bool] = mapped_column(Boolean, default=False)
    #: whether readers see who chose each option
    named: Mapped[bool] = mapped_column(Boolean, default=False)
    results: Mapped[PollResults] = mapped_column(str_enum(PollResults), default=PollResults.AFTER_VOTING)
    #: when it closes by itself (none: when its creator or a moderator closes it)
    closes_at: Mapped[datetime | None]
    #: when its creator or a moderator closed it
    closed_at: Mapped[datetime | None]
    #: how many people voted (derived from the ballots: ``polka forum recount``)
    voter_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    options: Mapped[list[ForumPollOption]] = relationship(
        order_by="ForumPollOption.position", cascade="all, delete-orphan"
    )

    def is_closed(self, now: datetime) -> bool:
        return self.closed_at is not None or (self.closes_at is not None and self.closes_at <= now)


class ForumPollOption(Base):
    __tablename__ = "forum_poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("forum_polls.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(POLL_OPTION_MAX))
    #: how many voters chose it (derived from the choices: ``polka forum recount``)
    vote_count: Mapped[int] = mapped_column(Integer, default=0)


class ForumPollBallot(Base):
    """One person voted in one poll (the unique pair is what stops a second vote, however sent)."""

    __tablename__ = "forum_poll_ballots"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("forum_polls.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


class ForumPollChoice(Base):
    """An option chosen on a ballot."""

    __tablename__ = "forum_poll_choices"
    __table_args__ = (UniqueConstraint("ballot_id", "option_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ballot_id: Mapped[int] = mapped_column(ForeignKey("forum_poll_ballots.id", ondelete="CASCADE"))
    option_id: Mapped[int] = mapped_column(
        ForeignKey("forum_poll_options.id", ondelete="CASCADE"), index=True
    )


class ForumTopicRead(Base):
    """How far one reader has read one topic: the highest post number they were shown, and when they
    last visited (for unread markers, "new since your last visit" and the topic's views)."""

    __tablename__ = "forum_topic_reads"
    __table_args__ = (UniqueConstraint("user_id", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    topic_id: Mapped[int] = mapped_column(ForeignKey("forum_topics.id", ondelete="CASCADE"), index=True)
    last_read_number: Mapped[int] = mapped_column(Integer, default=0)
    visited_at: Mapped[datetime] = mapped_column(default=utcnow)
