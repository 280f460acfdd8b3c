"""Activity: domain events (someone did something to something in a community) for feeds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import Base, utcnow
from polka.markings import Marked


class Activity(Marked, Base):
    __tablename__ = "activity_events"
    __table_args__ = (Index("ix_activity_events_community_created", "community_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    verb: Mapped[str] = mapped_column(String(40))  # "joined", "created", "edited", …
    community_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE")
    )
    target_kind: Mapped[str] = mapped_column(String(40))  # "community", "wiki_page", …
    target_id: Mapped[int | None]
    target_title: Mapped[str] = mapped_column(String(300), default="")
    target_url: Mapped[str] = mapped_column(String(500), default="")

    community: Mapped[Community | None] = relationship()
    actor: Mapped[User | None] = relationship()
