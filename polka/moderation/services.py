"""Moderation's rules: reporting an item, the review queue, deciding on the reports of an item, the
moderation log, and what a reporter is told.

- Anyone who may see an item (through its kind's resolver) may report it, once while a report of theirs
  on it is open, never their own.
- A community's moderators see its open reports, grouped by item, with the item as it is (hidden or
  not) and every reason given. They keep it (the reports are dismissed) or hide it with a reason its
  author is shown. A hidden item is reviewed, never deleted. Each decision closes every open report
  on the item, and each reporter sees the outcome in their reports.
- Every moderator action is written to the audit log as ``moderation.…``, and a community's moderators
  read those entries as its moderation log.
- What is outside any community (a post open to everyone signed in, and its comments) is moderated the
  same way by the site's administrators (``can(user, MODERATE, SITE)``): its reports and held items go
  to the site's queue, named here by ``community`` None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, select, update
from sqlalchemy.orm import Session, joinedload

from polka.accounts.models import User
from polka.audit.models import AuditEntry
from polka.audit.services import record
from polka.communities.models import Community
from polka.content.kinds import resolve
from polka.db import utcnow
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forms import has_control_characters
from polka.moderation.models import HIDE_REASON_MAX, REPORT_TEXT_MAX, Outcome, Report, ReportReason
from polka.moderation.registry import Reviewed, moderated, moderated_kinds
from polka.moderation.waiting import REPORTS
from polka.notifications.waiting import tell_waiting
from polka.pagination import Page, paginate
from polka.permissions import SITE, Action, SiteTarget, require
from polka.text import check_text

#: The audit log's actions that make up a community's moderation log start with this.
LOG_PREFIX = "moderation."
LOG_PER_PAGE = 50


def audit_moderation(
    session: Session,
    moderator: User,
    action: str,
    community_id: int | None,
    *,
    kind: str,
    target_id: int,
    label: str,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write a moderator's action to the audit log, where the community's moderation log reads it."""
    record(
        session,
        moderator,
        f"{LOG_PREFIX}{action}",
        target_type=kind,
        target_id=target_id,
        target_label=label,
        community_id=community_id,
        detail=detail,
    )


def _line(field: str, value: str, max_length: int, label: str, *, required: bool) -> str:
    value = check_text(field, value, max_length, label, required=required)
    if has_control_characters(value, multiline=True):
        message = f"{label[0].upper()}{label[1:]} contains characters that cannot be stored"
        raise ValidationError(message, {field: message})
    return value


def report(
    session: Session, user: User, kind: str, target_id: int, reason: ReportReason, text: str = ""
) -> Report:
    """Report an item ``user`` may see to its community's moderators."""
    if moderated(kind) is None:
        raise NotFound()
    shown = resolve(session, user, kind, target_id)
    if shown is None:
        raise NotFound()
    if shown.author_id == user.id:
        raise Forbidden("You cannot report your own post. Edit or delete it instead.")
    required = reason is ReportReason.OTHER
    text = _line("text", text, REPORT_TEXT_MAX, "what is wrong with it", required=required)
    already = session.scalar(
        select(
            exists().where(
                Report.target_kind == kind,
                Report.target_id == target_id,
                Report.reporter_id == user.id,
                Report.decided_at.is_(None),
            )
        )
    )
    if already:
        raise Conflict("You have already reported this. The moderators will look at it.")
    filed = Report(
        community_id=shown.community_id or None,  # 0: outside any community, for the site's queue
        target_kind=kind,
        target_id=target_id,
        reporter_id=user.id,
        reason=reason,
        text=text,
        created_at=utcnow(),
    )
    session.add(filed)
    session.flush()
    community = session.get(Community, shown.community_id) if shown.community_id else None
    tell_waiting(session, REPORTS, community, user, "reported something in")
    return filed


def _moderated_by(community: Community | None) -> Community | SiteTarget:
    """What a moderator of ``community`` (None: of what is outside any community) must moderate."""
    return community if community is not None else SITE


def _of(community: Community | None) -> int | None:
    return community.id if community is not None else None


def _reports_of(community: Community | None) -> ColumnElement[bool]:
    """SQL: the reports in ``community``'s queue (None: the site's)."""
    if community is None:
        return Report.community_id.is_(None)
    return Report.community_id == community.id


@dataclass(frozen=True)
class Reported:
    """One reported item in the review queue, with its open reports (oldest first)."""

    item: Reviewed
    reports: list[Report]


def queue(session: Session, moderator: User, community: Community | None) -> list[Reported]:
    """The community's open reports (None: the site's), grouped by item, the item reported longest ago
    first."""
    require(moderator, Action.MODERATE, _moderated_by(community))
    reports = list(
        session.scalars(
            select(Report)
            .where(_reports_of(community), Report.decided_at.is_(None))
            .options(joinedload(Report.reporter))
            .order_by(Report.created_at, Report.id)
        )
    )
    by_item: dict[tuple[str, int], list[Report]] = {}
    for each in reports:
        by_item.setdefault((each.target_kind, each.target_id), []).append(each)
    items: dict[tuple[str, int], Reviewed] = {}
    for kind_name in {kind for kind, _ in by_item}:
        kind = moderated(kind_name)
        if kind is None:
            continue
        ids = [target_id for kind, target_id in by_item if kind == kind_name]
        items.update({(kind_name, target_id): item for target_id, item in kind.review(session, ids).items()})
    return [
        Reported(items[key], found)
        for key, found in by_item.items()
        if key in items and items[key].community_id == _of(community)
    ]


def decide(
    session: Session,
    moderator: User,
    community: Community | None,
    kind: str,
    target_id: int,
    outcome: Outcome,
    reason: str = "",
) -> int:
    """Keep or hide a reported item, closing every open report on it; return how many were closed."""
    require(moderator, Action.MODERATE, _moderated_by(community))
    moderated_kind = moderated(kind)
    if moderated_kind is None:
        raise NotFound()
    item = moderated_kind.review(session, [target_id]).get(target_id)
    if item is None or item.community_id != _of(community):
        raise NotFound()
    open_reports = list(
        session.scalars(
            select(Report).where(
                Report.target_kind == kind,
                Report.target_id == target_id,
                _reports_of(community),
                Report.decided_at.is_(None),
            )
        )
    )
    if not open_reports:
        raise Conflict("Another moderator has already dealt with these reports.")
    if outcome is Outcome.HIDDEN:
        reason = _line("reason", reason, HIDE_REASON_MAX, "a reason the author will see", required=True)
        if not item.hidden:
            moderated_kind.hide(session, moderator, target_id, reason)
    now = utcnow()
    for each in open_reports:
        each.decided_at, each.decided_by_id, each.outcome = now, moderator.id, outcome
    session.flush()
    audit_moderation(
        session,
        moderator,
        "reports_kept" if outcome is Outcome.KEPT else "hidden",
        _of(community),
        kind=kind,
        target_id=target_id,
        label=item.where,
        detail={"reports": len(open_reports), **({"reason": reason} if reason else {})},
    )
    return len(open_reports)


def close_reports(session: Session, kind: str, target_ids: Select[int] | list[int]) -> int:
    """Close the open reports on items that are gone (their author deleted them): each reporter is told
    so among their reports. Return how many were closed."""
    closed = session.execute(
        update(Report)
        .where(Report.target_kind == kind, Report.target_id.in_(target_ids), Report.decided_at.is_(None))
        .values(decided_at=utcnow(), outcome=Outcome.GONE)
        .execution_options(synchronize_session=False)
    )
    return int(closed.rowcount)  # type: ignore[attr-defined]


def rehome_reports(session: Session, kind: str, target_ids: Select[int], community: Community) -> None:
    """Send the open reports on these items to ``community``'s queue (they moved there)."""
    session.execute(
        update(Report)
        .where(Report.target_kind == kind, Report.target_id.in_(target_ids), Report.decided_at.is_(None))
        .values(community_id=community.id)
        .execution_options(synchronize_session=False)
    )


def waiting(session: Session, moderator: User, community: Community | None) -> list[Reviewed]:
    """What waits for approval in the community (None: outside any), oldest first, every kind
    together."""
    require(moderator, Action.MODERATE, _moderated_by(community))
    return [item for kind in moderated_kinds() for item in kind.waiting(session, _of(community))]


def approve(
    session: Session,
    moderator: User,
    community: Community | None,
    kind: str,
    target_id: int,
    *,
    approved: bool,
    reason: str = "",
) -> None:
    """Publish a waiting item in its original place, or reject it with a reason its author sees (it stays
    hidden, never deleted)."""
    require(moderator, Action.MODERATE, _moderated_by(community))
    moderated_kind = moderated(kind)
    if moderated_kind is None:
        raise NotFound()
    item = next(
        (each for each in moderated_kind.waiting(session, _of(community)) if each.id == target_id), None
    )
    if item is None:
        raise Conflict("That post no longer waits: another moderator has dealt with it.")
    if approved:
        moderated_kind.approve(session, moderator, target_id)
    else:
        reason = _line("reason", reason, HIDE_REASON_MAX, "a reason the author will see", required=True)
        moderated_kind.hide(session, moderator, target_id, reason)
    audit_moderation(
        session,
        moderator,
        "approved" if approved else "rejected",
        _of(community),
        kind=kind,
        target_id=target_id,
        label=item.where,
        detail={"reason": reason} if reason else None,
    )


def open_report_count(session: Session, community: Community | None) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Report)
            .where(_reports_of(community), Report.decided_at.is_(None))
        )
        or 0
    )


def my_reports(session: Session, user: User, page: int) -> Page[Report]:
    """The reports ``user`` made, newest first, with what became of each."""
    query: Select[Any] = (
        select(Report)
        .where(Report.reporter_id == user.id)
        .order_by(Report.created_at.desc(), Report.id.desc())
    )
    return paginate(session, query, page, LOG_PER_PAGE)


def moderation_log(
    session: Session, moderator: User, community: Community | None, page: int
) -> Page[AuditEntry]:
    """The community's moderation actions (None: those outside any community), newest first, for its
    moderators."""
    require(moderator, Action.MODERATE, _moderated_by(community))
    where = (
        AuditEntry.community_id.is_(None) if community is None else AuditEntry.community_id == community.id
    )
    query: Select[Any] = (
        select(AuditEntry)
        .where(and_(where, AuditEntry.action.startswith(LOG_PREFIX)))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    return paginate(session, query, page, LOG_PER_PAGE)
