"""What every community's content item is made of, whatever the feature: the two model mixins.

``CommunityContent``: the community it belongs to, its protective marking, its author and when it was
created and last changed. The permission policy dispatches on this type (``polka.permissions``): an
object of it is visible by its community and marking, and "edit one's own or moderate" reads its author.

``SoftDeletable``: deleted at and by, and one restore window for every feature. A deleted item is
hidden at once; the community's managers may restore it for ``RESTORE_DAYS`` days, after which the
worker's daily purge (``polka.content.deletion``) removes it for good.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar, cast

from sqlalchemy import ColumnElement, ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.markings import Marked

#: How long a deleted item of any feature can be restored before it is removed for good.
RESTORE_DAYS = 30
RESTORE_WINDOW = timedelta(days=RESTORE_DAYS)


def _column(mixed_into: object, name: str) -> str:
    """``WikiPage.created_by_id``: a column of the class a mixin is mixed into, for ``foreign_keys``
    (inside ``declared_attr`` the class is only known when it is mapped)."""
    return f"{cast(type, mixed_into).__name__}.{name}"


class CommunityContent(Marked):
    """Mixin for a content model: community, marking, author, created and updated (at and by)."""

    #: Whether an item of the model may be outside any community (its ``community_id`` NULL), open to
    #: everyone signed in while it is OFFICIAL: a model saying so declares ``community_id`` nullable.
    OPEN_TO_SIGNED_IN: ClassVar[bool] = False

    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The author: who created the item (None once their account is gone).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    @declared_attr
    def community(cls) -> Mapped[Community]:
        return relationship(Community)

    @declared_attr
    def created_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=_column(cls, "created_by_id"))

    @declared_attr
    def updated_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=_column(cls, "updated_by_id"))

    @property
    def author_id(self) -> int | None:
        """Who may edit the item as their own ("edit one's own or moderate")."""
        return self.created_by_id


class SoftDeletable:
    """Mixin for a content model whose items are deleted softly and restorable for ``RESTORE_DAYS``."""

    deleted_at: Mapped[datetime | None] = mapped_column(index=True)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id", ondelete="SET NULL"))

    @declared_attr
    def deleted_by(cls) -> Mapped[User | None]:
        return relationship(User, foreign_keys=_column(cls, "deleted_by_id"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def restorable_until(self) -> datetime | None:
        """When the item stops being restorable (and the daily purge removes it); None unless deleted."""
        return self.deleted_at + RESTORE_WINDOW if self.deleted_at is not None else None

    def restorable(self, now: datetime | None = None) -> bool:
        """Whether the item is deleted and still within the restore window."""
        until = self.restorable_until
        return until is not None and (now or utcnow()) <= until

    @classmethod
    def past_restore_window(cls, now: datetime) -> ColumnElement[bool]:
        """SQL: the items deleted longer ago than the restore window, at ``now`` (the purge's choice)."""
        return cls.deleted_at < now - RESTORE_WINDOW


class DeletableContent(CommunityContent, SoftDeletable):
    """Mixin for a community's content whose items are deleted softly (wiki pages, documents)."""
