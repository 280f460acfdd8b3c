"""Drafts of long edits: what an author typed into a long form (a wiki page, a document's details, and
every later long text form), kept on the server so a timeout, a closed tab or a crash loses nothing.

A draft belongs to one author and one form, named by its kind (``wiki.edit``) and the object it edits
(the page's id; for a form that creates something, the community's). It is never shown to anyone else,
never written to browser storage (workstations are shared), goes when the edit is saved (in the same
transaction) or discarded, and expires after ``DRAFT_DAYS``.

A feature declares each of its long forms once as a ``DraftKind`` (registered in the composition layer,
never on import): the fields kept, with their limits, and ``locate``, which answers the form's address
only while the user may still use it (``NotFound`` or ``Forbidden`` otherwise, through the feature's
own access functions). So a member removed from a community can neither save nor resume a draft there.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.db import utcnow
from polka.drafts.models import KIND_MAX, Draft
from polka.errors import NotFound, ValidationError
from polka.forms import has_control_characters

#: How long an untouched draft is kept.
DRAFT_DAYS = 30
#: Ids beyond this cannot name a row (32-bit integer columns), so they name nothing.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class DraftKind:
    """A long form whose typing is kept as drafts."""

    #: ``feature.form``, as in URLs (``wiki.edit``)
    name: str
    #: the fields kept, each with the most characters it may hold (the form's own limit)
    fields: Mapping[str, int]
    #: the form's address for the object, while ``user`` may still use the form (raises otherwise)
    locate: Callable[[Session, User, int], str]
    #: fields holding several lines (the others refuse line breaks)
    multiline: frozenset[str] = frozenset()


_KINDS: dict[str, DraftKind] = {}


def register_draft_kind(kind: DraftKind) -> None:
    """Let ``kind``'s form save drafts (called when the app is built)."""
    assert len(kind.name) <= KIND_MAX
    _KINDS[kind.name] = kind


def draft_kind(name: str) -> DraftKind:
    """The registered kind called ``name``; ``NotFound`` for anything else."""
    kind = _KINDS.get(name)
    if kind is None:
        raise NotFound()
    return kind


def locate(session: Session, user: User, kind: DraftKind, object_id: int) -> str:
    """The form's address, if the user may use it now; ``NotFound``/``Forbidden`` otherwise."""
    if not 0 < object_id <= MAX_ID:
        raise NotFound()
    return kind.locate(session, user, object_id)


def _cutoff(now: datetime | None = None) -> datetime:
    return (now or utcnow()) - timedelta(days=DRAFT_DAYS)


def find_draft(session: Session, user: User, kind: DraftKind, object_id: int) -> Draft | None:
    """The user's own draft of this form, unless it has expired."""
    return session.scalar(
        select(Draft)
        .where(
            Draft.user_id == user.id,
            Draft.kind == kind.name,
            Draft.object_id == object_id,
            Draft.saved_at > _cutoff(),
        )
        .execution_options(populate_existing=True)  # a save earlier in this session wrote past the map
    )


def check_fields(kind: DraftKind, values: Mapping[str, str]) -> dict[str, str]:
    """The kind's fields from what was sent (a field not sent is kept empty); ``ValidationError`` for
    text too long or holding characters that cannot be stored."""
    fields: dict[str, str] = {}
    for name, limit in kind.fields.items():
        value = values.get(name) or ""
        if len(value) > limit:
            message = f"The draft was not saved: {name} is longer than {limit:,} characters"
            raise ValidationError(message, {name: message})
        if has_control_characters(value, multiline=name in kind.multiline):
            message = f"The draft was not saved: {name} contains characters that cannot be stored"
            raise ValidationError(message, {name: message})
        fields[name] = value
    return fields


def save_draft(
    session: Session, user: User, kind: DraftKind, object_id: int, values: Mapping[str, str]
) -> datetime:
    """Keep what the user typed as their draft of this form (replacing an earlier one); return when.

    One statement (insert, or update on the unique key), so two saves at once (a timer and a tab being
    closed) cannot both insert.
    """
    fields = check_fields(kind, values)
    now = utcnow()
    row = {"user_id": user.id, "kind": kind.name, "object_id": object_id, "fields": fields, "saved_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Draft).values(**row)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "kind", "object_id"],
            set_={"fields": statement.excluded.fields, "saved_at": statement.excluded.saved_at},
        )
    )
    return now


def discard_draft(session: Session, user: User, kind: DraftKind, object_id: int) -> bool:
    """Remove the user's draft of this form (when it is saved or thrown away); whether there was one."""
    result = session.execute(
        delete(Draft)
        .where(Draft.user_id == user.id, Draft.kind == kind.name, Draft.object_id == object_id)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def purge_expired(session: Session, now: datetime | None = None) -> int:
    """Remove every draft untouched for ``DRAFT_DAYS``; how many went."""
    result = session.execute(
        delete(Draft).where(Draft.saved_at <= _cutoff(now)).execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
