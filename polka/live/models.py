"""Live question sessions: a session in a community, the people named to answer and to moderate it,
the questions participants send, their votes, the panel's answers, and each participant's standing.

A session is community content (``DeletableContent``): its community and marking decide who sees it.
Questions are pre-moderated: a question ``WAITING`` is seen by its author and the session's moderators
only, and so is a ``REJECTED`` one (with the reason, for its author). Only an ``APPROVED`` question is
seen by everyone who sees the session; a ``MERGED`` one is a duplicate whose votes went to the question
it was merged into (``merged_into_id``).

Watching pages learn what changed by two counters on the session, raised in the transaction that
makes the change (``polka.live.versions``): ``version`` for what every participant sees (an approval,
an answer, a vote, "now answering"), ``queue_version`` for what only moderators see (a question sent
for moderation, a rejection). Each question keeps the ``version`` at which it last changed in public
(``public_version``; 0: never shown), so a page asks only for what changed since it last looked; each
participant's ``version`` is raised when one of their own questions changes, so their page learns its
fate without anyone else's learning anything.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.content.mixins import DeletableContent
from polka.db import Base, str_enum, utcnow

TITLE_MAX = 150
DESCRIPTION_MAX = 20_000
#: A question, in characters: a question, not an essay.
QUESTION_MAX = 1_000
#: An answer, in characters (Markdown).
ANSWER_MAX = 20_000
REASON_MAX = 300
#: The most people a session names on its panel, and as its moderators.
NAMED_MAX = 20
#: The longest a session may run, in hours.
LONGEST_HOURS = 12


class Status(enum.StrEnum):
    WAITING = "waiting"  # sent, waiting for a moderator: its author and the moderators see it
    APPROVED = "approved"  # everyone who sees the session sees it
    REJECTED = "rejected"  # its author sees it, with the reason; nobody else does
    MERGED = "merged"  # a duplicate: its votes went to the question it was merged into

    @property
    def label(self) -> str:
        return {
            "waiting": "Waiting for a moderator",
            "approved": "Approved",
            "rejected": "Not accepted",
            "merged": "Merged with another question",
        }[self.value]


class Part(enum.StrEnum):
    """What someone is named in a session to do."""

    PANEL = "panel"  # answers questions
    MODERATOR = "moderator"  # approves, edits, merges and rejects questions, bars participants


class LiveSession(DeletableContent, Base):
    """A question session: community, marking, organiser (its creator) and soft delete from the mixins.

    Its times are UTC moments: questions are taken from ``opens_at`` until ``closes_at`` (before it too,
    when ``advance_questions``); after it the session is its transcript."""

    __tablename__ = "live_sessions"
    __table_args__ = (Index("ix_live_sessions_community_opens", "community_id", "opens_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    #: Markdown
    description: Mapped[str] = mapped_column(Text, default="")
    #: the event it is held at, which links to it (None: none, or the event was removed)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events_events.id", ondelete="SET NULL"))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: questions may be sent before the session opens
    advance_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    #: a participant may ask without their name shown to other participants (never to moderators)
    anonymous_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: raised with every change every participant sees
    version: Mapped[int] = mapped_column(Integer, default=0)
    #: raised with every change only the moderators see
    queue_version: Mapped[int] = mapped_column(Integer, default=0)
    #: the approved question the panel is answering now (None: none)
    answering_id: Mapped[int | None] = mapped_column(Integer)
    #: when its followers were told it had opened
    opening_told_at: Mapped[datetime | None]
    #: the wiki page its transcript was published as
    transcript_page_id: Mapped[int | None] = mapped_column(Integer)

    named: Mapped[list[LiveRole]] = relationship(
        back_populates="live_session", cascade="all, delete-orphan", order_by="LiveRole.position"
    )


class LiveRole(Base):
    """Someone named in a session: on its panel, or as one of its moderators."""

    __tablename__ = "live_roles"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), primary_key=True)
    part: Mapped[Part] = mapped_column(str_enum(Part), primary_key=True)
    #: the order they were named in
    position: Mapped[int] = mapped_column(Integer, default=0)

    live_session: Mapped[LiveSession] = relationship(back_populates="named")
    user: Mapped[User] = relationship()


class LiveQuestion(Base):
    """A question sent to a session."""

    __tablename__ = "live_questions"
    __table_args__ = (
        # what changed in public since a version (a watching page's question)
        Index("ix_live_questions_session_version", "session_id", "public_version"),
        # a session's questions by state, most votes first
        Index("ix_live_questions_session_status", "session_id", "status", "vote_count"),
        Index("ix_live_questions_author", "author_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: as shown: the author's words, or a moderator's edit of them
    body: Mapped[str] = mapped_column(Text)
    #: the author's own words, when a moderator edited them ("" when not edited)
    original_body: Mapped[str] = mapped_column(Text, default="")
    edited_at: Mapped[datetime | None]
    #: the author's name is not shown to other participants (the moderators always see it)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[Status] = mapped_column(str_enum(Status), default=Status.WAITING)
    #: watched words it holds, for the moderators
    flagged: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    #: why it was not accepted, for its author
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("live_questions.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: how many participants voted for it (derived from its votes, counted in the same transaction)
    vote_count: Mapped[int] = mapped_column(Integer, default=0)
    #: when the panel marked it answered: the transcript's order
    answered_at: Mapped[datetime | None]
    #: the session's ``version`` when it last changed in public (0: never shown to participants)
    public_version: Mapped[int] = mapped_column(Integer, default=0)

    live_session: Mapped[LiveSession] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    answers: Mapped[list[LiveAnswer]] = relationship(
        back_populates="question", cascade="all, delete-orphan", order_by="LiveAnswer.created_at"
    )

    @property
    def is_public(self) -> bool:
        return self.status is Status.APPROVED


class LiveAnswer(Base):
    """A panel member's answer to an approved question (Markdown)."""

    __tablename__ = "live_answers"
    __table_args__ = (Index("ix_live_answers_question", "question_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("live_questions.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    #: ``body`` rendered and sanitised, kept so a watched page does not render it again
    html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[LiveQuestion] = relationship(back_populates="answers")
    author: Mapped[User | None] = relationship()


class LiveVote(Base):
    """One participant's vote for one approved question."""

    __tablename__ = "live_votes"
    __table_args__ = (Index("ix_live_votes_user", "user_id", "question_id"),)

    question_id: Mapped[int] = mapped_column(
        ForeignKey("live_questions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LiveParticipant(Base):
    """Someone's standing in a session: their own questions' ``version`` (raised when one of them changes,
    so their page learns it) and whether a moderator barred them from it."""

    __tablename__ = "live_participants"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    barred_at: Mapped[datetime | None]
    barred_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    #: why, for the moderators (the participant is told only that they may no longer take part)
    bar_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def barred(self) -> bool:
        return self.barred_at is not None
