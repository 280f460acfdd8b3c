"""Handles: the short name a person is mentioned by (``@claire-whitfield``).

A handle is made from the person's name when their account is created (lower-case letters and digits
in hyphenated runs, a number added when the name's is taken) and kept when they change their name, so
a mention written earlier still names them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import HANDLE_MAX, User
from polka.text import slugify

#: Room left for the number that tells apart people of the same name.
_NUMBER_ROOM = 5


def free_handle(session: Session, name: str) -> str:
    """A handle made from ``name`` that nobody has yet."""
    base = slugify(name, max_length=HANDLE_MAX - _NUMBER_ROOM, fallback="member")
    taken = set(session.scalars(select(User.handle).where(User.handle.startswith(base))))
    handle, number = base, 1
    while handle in taken:
        number += 1
        handle = f"{base}-{number}"
    return handle


def find_by_handle(session: Session, handle: str) -> User | None:
    return session.scalar(select(User).where(User.handle == handle.lower()))
