"""Typed values kept from a form that arrived after its session ended (or with a stale CSRF token).

The values stay on the server under a random token (only its SHA-256 is stored), bound to the account
whose session it was when that is known, for ``KEPT_FOR``; they are handed back once, to the page the
form was on, and then removed. Passwords, CSRF tokens and file contents are never kept.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from polka.accounts.models import User
from polka.accounts.sessions import hash_token
from polka.db import Base, utcnow

#: How long typed values wait for their author to sign in again.
KEPT_FOR = timedelta(hours=2)
#: The query parameter naming kept values on the page they came from.
PARAM = "kept"


class KeptForm(Base):
    """What someone typed into a form that could not be accepted, waiting for them to sign in again."""

    __tablename__ = "account_kept_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The account whose session it was; None when the browser had no session left to tell.
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("account_users.id", ondelete="CASCADE"), index=True
    )
    #: The path of the page the form was on (values are handed back there only).
    page: Mapped[str] = mapped_column(String(2000))
    #: JSON: the typed fields as ``[[name, value], …]`` in the order sent.
    fields: Mapped[str] = mapped_column(Text)
    #: JSON: the names of files that were chosen (their contents are never kept).
    files: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


@dataclass(frozen=True)
class Typed:
    """The values of one submitted form: text fields in order, and the names of chosen files."""

    fields: tuple[tuple[str, str], ...]
    files: tuple[str, ...] = ()


def keep_form(session: Session, owner: User | None, page: str, typed: Typed) -> str:
    """Keep ``typed`` for ``owner`` (None: whoever holds the token); return the token."""
    now = utcnow()
    session.execute(delete(KeptForm).where(KeptForm.expires_at < now))
    token = secrets.token_urlsafe(32)
    session.add(
        KeptForm(
            token_hash=hash_token(token),
            user_id=owner.id if owner is not None else None,
            page=page[:2000],
            fields=json.dumps([list(pair) for pair in typed.fields]),
            files=json.dumps(list(typed.files)),
            created_at=now,
            expires_at=now + KEPT_FOR,
        )
    )
    session.flush()
    return token


def take_kept_form(
    session: Session, token: str, user: User | None, page: str, now: datetime | None = None
) -> Typed | None:
    """The values kept under ``token`` for the page at ``page``, removed as they are handed over.

    None when there are none, they have expired, they belong to another page, or they were typed under
    another account than ``user``'s (those stay for their owner, and nothing says they exist).
    """
    found = session.scalar(select(KeptForm).where(KeptForm.token_hash == hash_token(token)))
    if found is None or found.expires_at <= (now or utcnow()) or found.page != page:
        return None
    if found.user_id is not None and (user is None or user.id != found.user_id):
        return None
    typed = Typed(
        fields=tuple((str(name), str(value)) for name, value in json.loads(found.fields)),
        files=tuple(str(name) for name in json.loads(found.files)),
    )
    session.delete(found)
    session.flush()
    return typed
