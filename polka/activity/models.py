"""Activity: domain events (someone did something to something in a community) for the stream and feeds.

A row keeps facts only — who, what, which object (a content kind's name and an id), in which community,
when. What the object is called, where it lives and who may see it are resolved when the stream is read
(``polka.content.kinds``), so a moved, renamed, re-marked or deleted object shows as it is now or not
at all, and nothing has to patch copies.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import Base, utcnow


class Activity(Base):
    __tablename__ = "activity_events"
    #: the stream seeks each community's newest events in this index (``polka.activity.stream``)
    __table_args__ = (Index("ix_activity_events_community_created", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    verb: Mapped[str] = mapped_column(String(40))  # "joined", "created", "edited", …
    #: where it happened (the object may have moved since: the stream shows where it is now)
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE")
    )
    #: a content kind's name: "communities.community", "wiki.page", "docs.document", …
    target_kind: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None]

    community: Mapped[Community | None] = relationship()
    actor: Mapped[User | None] = relationship()
