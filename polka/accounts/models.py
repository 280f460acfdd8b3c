"""Accounts: users, their sign-in sessions, feed keys, single-use tokens and login failures."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, mapped_column, relationship

from polka.db import Base, str_enum, utcnow

if TYPE_CHECKING:
    from polka.communities.models import Membership
    from polka.organisations.models import Organisation


#: The longest handle (``polka.accounts.handles``).
HANDLE_MAX = 40


class AccountStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for email verification and/or an administrator
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REJECTED = "rejected"


def active_account() -> ColumnElement[bool]:
    """SQL: ``User.is_active_account`` (active and verified), for statements choosing users."""
    return and_(User.status == AccountStatus.ACTIVE, User.email_verified_at.is_not(None))


class User(Base):
    __tablename__ = "account_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: what others mention them by (``@claire-whitfield``): made from the name when the account is
    #: created, unique, kept when the name changes (``polka.accounts.handles``)
    handle: Mapped[str] = mapped_column(String(HANDLE_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    status: Mapped[AccountStatus] = mapped_column(str_enum(AccountStatus), default=AccountStatus.PENDING)
    is_admin: Mapped[bool] = mapped_column(default=False)
    email_verified_at: Mapped[datetime | None]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("org_organisations.id"), index=True)
    # Registration from a domain outside the allowed list: who vouches and why.
    sponsor_email: Mapped[str | None] = mapped_column(String(254))
    registration_reason: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Profile, shown in the people directory.
    job_title: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    ask_me_about: Mapped[str] = mapped_column(String(300), default="")
    # Two-factor authentication (TOTP); the secret is set at enrolment, confirmed by a first code.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_counter: Mapped[int | None]
    #: A secret being enrolled (not yet confirmed by a code); an enrolled secret stays in force meanwhile.
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    #: How many of their notifications are unread: the header's count, kept by ``polka.notifications``
    #: as notifications are made and read (``polka notifications recount`` rebuilds it).
    unread_notifications: Mapped[int] = mapped_column(default=0, server_default="0")
    #: When mail to the address was refused for good, and the server's words (an administrator sees it
    #: on the user's page, and clears it once the mailbox works again).
    email_bounced_at: Mapped[datetime | None]
    email_bounce: Mapped[str] = mapped_column(String(300), default="", server_default="")

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )
    #: loaded when asked for: most pages name a person without their expertise (lists that show it,
    #: like the directory, load it with ``selectinload``)
    expertise: Mapped[list[Expertise]] = relationship(cascade="all, delete-orphan", order_by="Expertise.tag")

    @property
    def is_active_account(self) -> bool:
        """Active and verified (in SQL: ``active_account``)."""
        return self.status is AccountStatus.ACTIVE and self.email_verified_at is not None

    @property
    def has_two_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    # flask-login's user protocol (polka.accounts.web). The id flask-login keeps in the cookie is the
    # token of the server-side session this object was signed in or loaded through, never the user's
    # id: revoking the session row is what signs the browser out.

    def signed_in_through(self, token: str | None) -> None:
        """Mark this object as the user of the live session behind ``token`` (None: of no session)."""
        self._session_token = token

    @property
    def session_token(self) -> str | None:
        """The token of the live session this object was signed in or loaded through, if any."""
        token: str | None = self.__dict__.get("_session_token")
        return token

    @property
    def is_authenticated(self) -> bool:
        return self.session_token is not None

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """flask-login's id for the signed-in browser: the session's token.

        Raises RuntimeError for a user reached any other way, so the bare user id never reaches a cookie.
        """
        if self.session_token is None:
            raise RuntimeError("only a user signed in through a session has a flask-login id")
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Expertise(Base):
    """One expertise tag on a profile ("ANPR", "PNC auditing")."""

    __tablename__ = "account_expertise"
    __table_args__ = (UniqueConstraint("user_id", "tag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"))
    tag: Mapped[str] = mapped_column(String(60), index=True)


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    two_factor_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class RecoveryCode(Base):
    """A one-time two-factor recovery code: only its SHA-256 is stored (see ``polka.accounts.recovery``)."""

    __tablename__ = "account_recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]


class TokenPurpose(enum.StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - a purpose, not a password


class AccountToken(Base):
    """A single-use, expiring token sent by email. Only its hash is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class LoginFailure(Base):
    """A failed sign-in, keyed by the address typed (existing or not) and the client address."""

    __tablename__ = "account_login_failures"
    __table_args__ = (Index("ix_account_login_failures_email_at", "email", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(45), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LoginLock(Base):
    """Throttling state for one typed address (existing or not): a lock, and when counting restarts.

    Failures before ``counted_from`` no longer count (a successful sign-in or a lock resets the count).
    """

    __tablename__ = "account_login_locks"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    locked_until: Mapped[datetime | None]
    counted_from: Mapped[datetime | None]


class FeedKey(Base):
    """A person's feed key (``polka.accounts.feed_keys``): the public id that finds it and the SHA-256
    of its secret. One per person; deleting the row is what resets it."""

    __tablename__ = "account_feed_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_users.id", ondelete="CASCADE"), unique=True)
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
