"""The subscriptions table: one row for each person following one object of a content kind."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from polka.db import Base, utcnow

#: The longest kind name ``polka.content.kinds`` accepts: feature (20), a dot, object (20).
KIND_MAX = 41


class Subscription(Base):
    """Someone following an object, named by its kind (``wiki.page``) and id."""

    __tablename__ = "subscription_subscriptions"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "object_id"),
        # "who follows this": what notifications will ask for each change
        Index("ix_subscription_subscriptions_object", "kind", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND_MAX))
    object_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
