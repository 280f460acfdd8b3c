"""Events tables: a community's events (one-off or a repeating series) and the changes made to single
occurrences of a series.

An event is community content (``DeletableContent``): its community and marking decide who sees it.
Its times are kept as the clock of its zone shows them (naive ``start_at``/``end_at`` with the zone and,
for a reading the clock shows twice, its fold), not in UTC: a 10:00 meeting stays at 10:00 across the
clock changes (``polka.localtime``, ``polka.recurrence``). ``first_start_utc`` and ``last_end_utc`` bound
the whole series in UTC, so a calendar window finds its events with one indexed range query before
expanding them.

A change to one occurrence (cancelled, moved, held elsewhere) is an ``EventChange`` named by the
occurrence's original start (the RECURRENCE-ID calendars know it by). Every change a subscribed
calendar should notice raises the event's ``sequence``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.content.kinds import NAME_MAX
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow
from polka.localtime import LocalTime
from polka.recurrence import Repeat

TITLE_MAX = 150
DESCRIPTION_MAX = 20_000
LOCATION_MAX = 300
LINK_MAX = 500
CONTACT_MAX = 200
ZONE_MAX = 64
RULE_MAX = 200
#: What changed, as attendees are told ("The time: from 10:00–12:00 to 11:00–13:00").
CHANGE_NOTE_MAX = 500
CANCEL_REASON_MAX = 300
#: A note with an answer ("I will join online", "Arriving at 11:00").
NOTE_MAX = 300
#: The most places an event may offer (a national conference hall).
CAPACITY_MAX = 10_000
#: An action from the minutes ("Circulate the revised PNC checklist to every force").
ACTION_MAX = 300


class Event(DeletableContent, Base):
    """An event, or a series of them: community, marking, author and soft delete from the mixins."""

    __tablename__ = "events_events"
    __table_args__ = (
        # a community's calendar window: the series that end after the window's start
        Index("ix_events_events_community_window", "community_id", "last_end_utc", "first_start_utc"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: Markdown
    description: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(LOCATION_MAX), default="")
    online_link: Mapped[str] = mapped_column(String(LINK_MAX), default="")
    #: who runs it (the creator unless they said otherwise): sees the attendance list, edits it
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: how to reach the organisers, as they wrote it ("PNC helpdesk, 0161 …")
    contact: Mapped[str] = mapped_column(String(CONTACT_MAX), default="")
    #: places for each occurrence (None: no limit); more who answer "going" wait for a place
    capacity: Mapped[int | None] = mapped_column(Integer)
    #: by invitation only: members see it, only those invited answer
    invitation_only: Mapped[bool] = mapped_column(Boolean, default=False)
    #: whether attendees see who else is going (the organiser and managers always do)
    names_shown: Mapped[bool] = mapped_column(Boolean, default=False)
    #: minutes are taken: a past occurrence without them is "minutes due" for its organiser
    minutes_taken: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    zone: Mapped[str] = mapped_column(String(ZONE_MAX), default="Europe/London")
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    #: the first occurrence, as the zone's clock shows it (all-day: midnight of the first day, and of
    #: the day after the last)
    start_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    start_fold: Mapped[int] = mapped_column(Integer, default=0)
    end_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    end_fold: Mapped[int] = mapped_column(Integer, default=0)
    repeat: Mapped[Repeat] = mapped_column(str_enum(Repeat), default=Repeat.NEVER)
    repeat_until: Mapped[date | None] = mapped_column(Date)
    repeat_count: Mapped[int | None] = mapped_column(Integer)
    #: RFC 5545 RRULE ("" for a one-off), from ``polka.recurrence.rule_for``
    rule: Mapped[str] = mapped_column(String(RULE_MAX), default="")
    #: the last occurrence's start as the clock shows it (the series' end, worked out once)
    last_start_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    first_start_utc: Mapped[datetime]
    last_end_utc: Mapped[datetime]

    #: raised with every change a subscribed calendar should take (RFC 5545 SEQUENCE)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: what the last change was, as attendees are told on the event's page
    change_note: Mapped[str] = mapped_column(String(CHANGE_NOTE_MAX), default="")
    changed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(CANCEL_REASON_MAX), default="")
    #: the series this one continues ("this and following" split it off)
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("events_events.id", ondelete="SET NULL"))

    organiser: Mapped[User | None] = relationship(foreign_keys=[organiser_id])
    changes: Mapped[list[EventChange]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventChange.original"
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def repeats(self) -> bool:
        return bool(self.rule)

    @property
    def start(self) -> LocalTime:
        return LocalTime(self.start_at, self.zone, self.start_fold)

    @property
    def end(self) -> LocalTime:
        return LocalTime(self.end_at, self.zone, self.end_fold)


class EventChange(Base):
    """One occurrence of a series changed: cancelled, or moved and/or held elsewhere."""

    __tablename__ = "events_changes"
    __table_args__ = (UniqueConstraint("event_id", "original"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id", ondelete="CASCADE"))
    #: the occurrence's start as the rule places it (its RECURRENCE-ID), as the clock shows it
    original: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: where it was moved to (None: when the rule places it)
    start_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    start_fold: Mapped[int] = mapped_column(Integer, default=0)
    end_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    end_fold: Mapped[int] = mapped_column(Integer, default=0)
    #: where it is held instead (None: the series' place)
    location: Mapped[str | None] = mapped_column(String(LOCATION_MAX))
    change_note: Mapped[str] = mapped_column(String(CHANGE_NOTE_MAX), default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship(back_populates="changes")


class Answer(enum.StrEnum):
    GOING = "going"
    MAYBE = "maybe"
    NOT_GOING = "not_going"

    @property
    def label(self) -> str:
        return {Answer.GOING: "Going", Answer.MAYBE: "Maybe", Answer.NOT_GOING: "Not going"}[self]


class EventPlaces(Base):
    """How many places of one occurrence are taken: claimed and given back with conditional updates of
    this one row, so people answering at the same moment never take more places than there are."""

    __tablename__ = "events_places"
    __table_args__ = (UniqueConstraint("event_id", "original"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id", ondelete="CASCADE"))
    original: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    going: Mapped[int] = mapped_column(Integer, default=0)


class EventAnswer(Base):
    """One person's answer for one occurrence: going (with a place, or waiting for one), maybe or not
    going, with a note."""

    __tablename__ = "events_answers"
    __table_args__ = (
        UniqueConstraint("event_id", "original", "user_id"),
        # the waiting list of an occurrence, first come first served
        Index("ix_events_answers_waiting", "event_id", "original", "waiting", "answered_at"),
        Index("ix_events_answers_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id", ondelete="CASCADE"))
    #: the occurrence's original start (a one-off event's start)
    original: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    answer: Mapped[Answer] = mapped_column(str_enum(Answer))
    #: going, but every place was taken: promoted, first come first served, when one is given back
    waiting: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="")
    #: when they last answered "going" (their place in the waiting list) or otherwise changed it
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    @property
    def has_place(self) -> bool:
        return self.answer is Answer.GOING and not self.waiting


class EventInvitation(Base):
    """Someone invited to an event that is by invitation only."""

    __tablename__ = "events_invitations"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class PaperRole(enum.StrEnum):
    """What a paper is to its meeting."""

    AGENDA = "agenda"
    PAPER = "paper"
    MINUTES = "minutes"

    @property
    def label(self) -> str:
        return {PaperRole.AGENDA: "Agenda", PaperRole.PAPER: "Paper", PaperRole.MINUTES: "Minutes"}[self]


class EventPaper(Base):
    """A document in one occurrence's meeting pack (its agenda, a paper, its minutes): a reference to an
    item of another kind (a library document), shown to each reader through that kind's resolver."""

    __tablename__ = "events_papers"
    __table_args__ = (
        UniqueConstraint("event_id", "original", "target_kind", "target_id"),
        # which past meetings have minutes: the calendars and "minutes due"
        Index("ix_events_papers_role", "event_id", "role", "original"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id", ondelete="CASCADE"))
    #: the occurrence's original start (a one-off event's start)
    original: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    target_kind: Mapped[str] = mapped_column(String(NAME_MAX))
    target_id: Mapped[int] = mapped_column(Integer)
    role: Mapped[PaperRole] = mapped_column(str_enum(PaperRole))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))


class EventAction(Base):
    """An action from a meeting's minutes: what, who, by when, until it is done."""

    __tablename__ = "events_actions"
    __table_args__ = (
        Index("ix_events_actions_occurrence", "event_id", "original"),
        # an assignee's open actions, on their home page
        Index("ix_events_actions_assignee", "assignee_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events_events.id", ondelete="CASCADE"))
    original: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    what: Mapped[str] = mapped_column(String(ACTION_MAX))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
