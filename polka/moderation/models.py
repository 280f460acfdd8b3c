"""Moderation tables: reports of items to a community's moderators, and how each was decided."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.content.kinds import NAME_MAX
from polka.db import Base, str_enum, utcnow

REPORT_TEXT_MAX = 500
HIDE_REASON_MAX = 300


class ReportReason(enum.StrEnum):
    OFF_TOPIC = "off_topic"
    INAPPROPRIATE = "inappropriate"
    MARKED_TOO_LOW = "marked_too_low"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _REASON_LABELS[self]


_REASON_LABELS = {
    ReportReason.OFF_TOPIC: "Off-topic",
    ReportReason.INAPPROPRIATE: "Inappropriate or offensive",
    ReportReason.MARKED_TOO_LOW: "Marked too low: it needs a higher protective marking",
    ReportReason.OTHER: "Something else",
}


class Outcome(enum.StrEnum):
    KEPT = "kept"  # the moderators left it as it is
    HIDDEN = "hidden"  # hidden, with a reason its author is shown
    GONE = "gone"  # its author deleted it before a moderator looked

    @property
    def label(self) -> str:
        return {
            "kept": "Kept: a moderator found nothing to change",
            "hidden": "Hidden by a moderator",
            "gone": "Closed: its author deleted it",
        }[self.value]


class Report(Base):
    """One person's report of one item (``target_kind``/``target_id``), open until a moderator decides."""

    __tablename__ = "moderation_reports"
    __table_args__ = (
        Index("ix_moderation_reports_open", "community_id", "decided_at"),
        Index("ix_moderation_reports_target", "target_kind", "target_id"),
        Index("ix_moderation_reports_reporter", "reporter_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose queue it is in: the community of the item, or None for the site's (an item outside any)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE")
    )
    target_kind: Mapped[str] = mapped_column(String(NAME_MAX))
    target_id: Mapped[int] = mapped_column(Integer)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    reason: Mapped[ReportReason] = mapped_column(str_enum(ReportReason))
    text: Mapped[str] = mapped_column(String(REPORT_TEXT_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    outcome: Mapped[Outcome | None] = mapped_column(str_enum(Outcome))

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


WORD_MAX = 100
SILENCE_REASON_MAX = 300


class WordAction(enum.StrEnum):
    """What a watched word does to a post holding it."""

    BLOCK = "block"  # the post is refused, saying which word
    HOLD = "hold"  # the post waits for a moderator's approval
    FLAG = "flag"  # the post is published and reported to the moderators

    @property
    def label(self) -> str:
        return {
            "block": "Block the post (the writer is told which word)",
            "hold": "Hold the post until a moderator approves it",
            "flag": "Publish it and report it to the moderators",
        }[self.value]


class WatchedWord(Base):
    """A word or phrase moderators watch for: in one community, or everywhere (``community_id`` None,
    kept by administrators). Stored as typed; matched as whole words whatever their case or accents."""

    __tablename__ = "moderation_watched_words"
    __table_args__ = (UniqueConstraint("community_id", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), index=True
    )
    word: Mapped[str] = mapped_column(String(WORD_MAX))
    action: Mapped[WordAction] = mapped_column(str_enum(WordAction))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))


class Silence(Base):
    """A member silenced in a community until a time: they read but cannot post, and are told until when."""

    __tablename__ = "moderation_silences"
    __table_args__ = (Index("ix_moderation_silences_member", "community_id", "user_id", "until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(SILENCE_REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: ended early by a moderator
    lifted_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ModerationSettings(Base):
    """A community's moderation settings; a community without a row has the defaults."""

    __tablename__ = "moderation_settings"

    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), primary_key=True
    )
    #: a member's first this-many posts in the community wait for a moderator (0: none do)
    new_member_posts_held: Mapped[int] = mapped_column(Integer, default=0)
