"""Writing and reading the audit log. There is deliberately no update or delete here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from polka.audit.models import AuditEntry
from polka.db import contains_text, utcnow
from polka.errors import ValidationError
from polka.pagination import Page, paginate
from polka.permissions import SITE, Action, require
from polka.spreadsheets import csv_cell

if TYPE_CHECKING:
    from polka.accounts.models import User

#: Keys that must never reach the audit log, whatever a caller passes.
_SECRET_KEYS = frozenset({"password", "token", "reset_link", "secret", "totp", "code", "link"})

LONDON = ZoneInfo("Europe/London")
PER_PAGE = 50
CSV_HEADER = (
    "id",
    "at_utc",
    "actor",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "target_label",
    "community_id",
    "ip",
    "detail",
)


def record(
    session: Session,
    actor: User | None,
    action: str,
    *,
    target_type: str = "",
    target_id: object = "",
    target_label: str = "",
    community_id: int | None = None,
    ip: str = "",
    actor_label: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log (flushed with the caller's transaction)."""
    clean = {k: v for k, v in (detail or {}).items() if k.lower() not in _SECRET_KEYS}
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor_label=actor_label
        if actor_label is not None
        else (actor.email if actor is not None else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:64] if target_id != "" else "",
        target_label=target_label[:300],
        community_id=community_id,
        ip=ip[:45],
        detail=json.dumps(clean, default=str, sort_keys=True) if clean else "",
    )
    session.add(entry)
    session.flush()
    return entry


# Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What an administrator narrows the log to; empty values mean "any"."""

    actor: str = ""  # part of the actor's email (or "system")
    action: str = ""  # the start of an action name: "doc" finds docs.*, "login.failed" that action
    target_type: str = ""
    target_id: str = ""
    date_from: date | None = None  # UK dates, inclusive
    date_to: date | None = None

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            day = getattr(self, name)
            if day is not None and not date(1970, 1, 2) <= day < date(9999, 12, 31):
                raise ValidationError(
                    "Enter a date between 1970 and 9998", {name: "Enter a date between 1970 and 9998"}
                )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            message = "The 'from' date must be the same as or before the 'to' date"
            raise ValidationError(message, {"date_to": message})

    def as_query(self) -> dict[str, str]:
        """The filters as URL query arguments (for paging links and the CSV export)."""
        values = {
            "actor": self.actor,
            "action": self.action,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
        }
        return {k: v for k, v in values.items() if v}


def uk_day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in UK time, as an aware UTC datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=LONDON).astimezone(UTC)


def _conditions(filters: AuditFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.actor.strip():
        conditions.append(contains_text(AuditEntry.actor_label, filters.actor.strip()))
    action = filters.action.strip().rstrip("*")
    if action:
        conditions.append(AuditEntry.action.startswith(action, autoescape=True))
    if filters.target_type.strip():
        conditions.append(AuditEntry.target_type == filters.target_type.strip())
    if filters.target_id.strip():
        conditions.append(AuditEntry.target_id == filters.target_id.strip())
    if filters.date_from:
        conditions.append(AuditEntry.at >= uk_day_start(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEntry.at < uk_day_start(filters.date_to + timedelta(days=1)))
    return conditions


def _query(filters: AuditFilters) -> Select[AuditEntry]:
    return (
        select(AuditEntry).where(*_conditions(filters)).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )


def search_audit(
    session: Session, user: User | None, filters: AuditFilters, *, page: int = 1, per_page: int = PER_PAGE
) -> Page[AuditEntry]:
    """One page of the entries matching ``filters``, newest first (administrators only)."""
    require(user, Action.ADMINISTER, SITE)
    return paginate(session, _query(filters), page, per_page)


def audit_actions(session: Session, user: User | None) -> list[str]:
    """Every action name in the log, for the filter's suggestions."""
    require(user, Action.ADMINISTER, SITE)
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


#: Where an export stopped: the (time, id) of the last entry written, newest first.
ExportCursor = tuple[datetime, int]


def export_batch(
    session: Session,
    user: User | None,
    filters: AuditFilters,
    *,
    after: ExportCursor | None = None,
    size: int = 1000,
) -> tuple[list[list[str]], ExportCursor | None]:
    """The next ``size`` entries matching ``filters`` (newest first) as CSV-safe cells, and where to go on.

    Exports are read in batches keyed on (time, id), each in a short transaction, so a long
    download never holds the database open; the cursor is None after the last batch. Entries
    written during the export are newer than the cursor and so are not mixed in.
    """
    require(user, Action.ADMINISTER, SITE)
    query = _query(filters)
    if after is not None:
        at, entry_id = after
        query = query.where(or_(AuditEntry.at < at, and_(AuditEntry.at == at, AuditEntry.id < entry_id)))
    entries = list(session.scalars(query.limit(size)))
    rows = [csv_row(entry) for entry in entries]
    cursor = (entries[-1].at, entries[-1].id) if len(entries) == size else None
    return rows, cursor


def csv_row(entry: AuditEntry) -> list[str]:
    return [
        csv_cell(v)
        for v in (
            entry.id,
            entry.at.astimezone(UTC).isoformat(),
            entry.actor_label,
            entry.actor_id if entry.actor_id is not None else "",
            entry.action,
            entry.target_type,
            entry.target_id,
            entry.target_label,
            entry.community_id if entry.community_id is not None else "",
            entry.ip,
            entry.detail,
        )
    ]
