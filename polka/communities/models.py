"""Communities of practice, their members and the ways in: join requests and invitations."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from markupsafe import Markup
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from polka.db import Base, str_enum, utcnow
from polka.markings import Marking, MarkingType
from polka.markup import MARKDOWN_VERSION, render_markdown

if TYPE_CHECKING:
    from polka.accounts.models import User


class Visibility(enum.StrEnum):
    OPEN = "open"  # every active user reads and joins
    RESTRICTED = "restricted"  # listed; content for members; join by request
    PRIVATE = "private"  # unlisted; invite only; 404 to everyone else


class Role(enum.StrEnum):
    READER = "reader"
    MEMBER = "member"
    MODERATOR = "moderator"
    MANAGER = "manager"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


_ROLE_RANK = {Role.READER: 0, Role.MEMBER: 1, Role.MODERATOR: 2, Role.MANAGER: 3}


class CommunityStatus(enum.StrEnum):
    REQUESTED = "requested"  # asked for by a user, waiting for an administrator
    ACTIVE = "active"
    REJECTED = "rejected"


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


def rendered_description(description: str) -> str:
    """A community's description as the HTML kept beside it."""
    return str(render_markdown(description)) if description else ""


class Community(Base):
    __tablename__ = "community_communities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")  # Markdown
    #: The description rendered to (sanitised) HTML, so the home page does not render it on every view:
    #: derived, set with the description (``_render_description``), rebuilt by ``polka communities
    #: rerender``. Empty while the description is; None (as the upgrade that added it leaves every
    #: community) until the description is saved or rerendered.
    description_html: Mapped[str | None] = mapped_column(Text, default="")
    #: The ``MARKDOWN_VERSION`` that rendered ``description_html``: from any other, it is not shown.
    description_renderer_version: Mapped[int | None] = mapped_column(Integer, default=MARKDOWN_VERSION)
    visibility: Mapped[Visibility] = mapped_column(str_enum(Visibility), default=Visibility.OPEN)
    marking_ceiling: Mapped[Marking] = mapped_column(MarkingType, default=Marking.OFFICIAL)
    region: Mapped[str | None] = mapped_column(String(80), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("community_communities.id"), index=True)
    status: Mapped[CommunityStatus] = mapped_column(str_enum(CommunityStatus), default=CommunityStatus.ACTIVE)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id"))
    request_reason: Mapped[str] = mapped_column(Text, default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None]
    #: Whether a moderator may approve content they uploaded themselves (off: a second person must).
    self_approval_allowed: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: How many members it has: derived from its memberships, kept in step in the transaction that adds
    #: or removes one (``polka.communities.counts``), rebuilt by ``polka communities recount``.
    member_count: Mapped[int] = mapped_column(default=0, server_default="0")

    parent: Mapped[Community | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Community]] = relationship(back_populates="parent", order_by="Community.name")
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])

    def __repr__(self) -> str:
        return f"<Community {self.slug}>"

    @validates("description")
    def _render_description(self, key: str, description: str) -> str:
        """Keep the HTML in step with the description however it is set (the constructor included),
        so both reach the database in the same flush: the HTML is never older than the text."""
        self.description_html = rendered_description(description)
        self.description_renderer_version = MARKDOWN_VERSION
        return description

    @property
    def description_html_is_current(self) -> bool:
        """Whether the kept HTML is of this description by today's renderer."""
        return self.description_html is not None and self.description_renderer_version == MARKDOWN_VERSION

    @property
    def description_shown(self) -> Markup:
        """The description as the home page shows it: the kept HTML while it is current, else rendered
        now (not kept: a page view never writes)."""
        if self.description_html_is_current:
            return Markup(self.description_html)  # noqa: S704 - sanitised by nh3 when it was rendered
        return Markup(rendered_description(self.description))  # noqa: S704 - sanitised by nh3 just now


class Membership(Base):
    __tablename__ = "community_memberships"
    __table_args__ = (UniqueConstraint("community_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community_communities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community] = relationship(lazy="joined")
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])


class JoinRequest(Base):
    """A user asking to join a restricted community; managers approve or decline it."""

    __tablename__ = "community_join_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("account_users.id"))
    decision_message: Mapped[str] = mapped_column(Text, default="")

    community: Mapped[Community] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Invitation(Base):
    """A manager inviting an existing user into a community (the only way into a private one)."""

    __tablename__ = "community_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int] = mapped_column(
        ForeignKey("community_communities.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int] = mapped_column(ForeignKey("account_users.id"))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MEMBER)
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]

    community: Mapped[Community] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User] = relationship(foreign_keys=[invited_by_id])
