"""The notifications tables: one row per person told of a change, their email preferences and schedule.

A notification keeps facts only — whom it is for, why, which object (a content kind's name and id), a
more exact place in it, who did what, when — and is resolved for its reader when it is shown or
emailed, so a renamed, moved, re-marked or deleted object shows as it is now, or not at all.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from polka.content.kinds import NAME_MAX
from polka.db import Base, str_enum, utcnow
from polka.notifications.reasons import Frequency, Reason

#: The longest verb a notice may say ("started a topic that waits for approval in").
VERB_MAX = 80


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        # the list, newest first, and the header's count (unread ones)
        Index("ix_notifications_user_created", "user_id", "created_at"),
        # a digest: what is not emailed yet
        Index("ix_notifications_user_emailed", "user_id", "emailed_at"),
        # the minute's sweep for digests due: who has anything recent not emailed yet (on created_at
        # alone: an index led by emailed_at would also look apt to SQLite for one person's digest,
        # and scan everyone's)
        Index("ix_notifications_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    reason: Mapped[Reason] = mapped_column(str_enum(Reason))
    #: the object changed, as its kind resolves it for the reader: "forum.topic", 42
    kind: Mapped[str] = mapped_column(String(NAME_MAX))
    object_id: Mapped[int] = mapped_column(Integer)
    #: a more exact place, when the kind of it resolves to its own address: the reply ("forum.post", 7)
    place_kind: Mapped[str | None] = mapped_column(String(NAME_MAX))
    place_id: Mapped[int | None] = mapped_column(Integer)
    #: where in the object's history the change starts (a wiki page's revision before the edit), for a
    #: link to what changed since
    since: Mapped[int | None] = mapped_column(Integer)
    #: what was done, after the actor's name: "replied to", "edited"
    verb: Mapped[str] = mapped_column(String(VERB_MAX))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: where it happened, for grouping a digest (the object may have moved since: it is shown where it
    #: is now)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE")
    )
    #: words addressed to the reader with it (a manager's message with a decision on their request)
    note: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    #: when it was emailed, alone or in a digest, or found not to be for the reader any more
    emailed_at: Mapped[datetime | None]


class NotificationPreference(Base):
    """How often someone wants email about one reason (no row: the reason's default)."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[Reason] = mapped_column(str_enum(Reason), primary_key=True)
    frequency: Mapped[Frequency] = mapped_column(str_enum(Frequency))


class NotificationSchedule(Base):
    """Someone's email pause, the time their digests suit them, and when each digest last went."""

    __tablename__ = "notification_schedules"

    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), primary_key=True)
    #: no email at all until then (leave, a course)
    paused_until: Mapped[datetime | None]
    #: the hour of the day (UK time) digests are sent
    digest_hour: Mapped[int] = mapped_column(SmallInteger, default=7)
    #: the day of the week the weekly digest is sent (Monday 0)
    digest_weekday: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: the ends of the periods the last daily and weekly digests covered
    daily_until: Mapped[datetime | None]
    weekly_until: Mapped[datetime | None]
