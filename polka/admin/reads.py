"""What the administration pages show that no core module owns: the dashboard's numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import AccountStatus, User
from polka.audit.models import AuditEntry
from polka.communities.models import Community, CommunityStatus
from polka.db import utcnow
from polka.organisations.models import Organisation
from polka.permissions import SITE, Action, require


@dataclass(frozen=True)
class Dashboard:
    pending_accounts: int
    community_requests: int
    active_users: int
    suspended_users: int
    communities: int
    organisations: int
    audit_last_day: int
    failed_logins_last_day: int


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


def _users_with(status: AccountStatus) -> Any:
    return select(func.count(User.id)).where(User.status == status)


def dashboard(session: Session, user: User | None) -> Dashboard:
    """The numbers an administrator checks first (administrators only)."""
    require(user, Action.ADMINISTER, SITE)
    since = utcnow() - timedelta(days=1)
    return Dashboard(
        pending_accounts=_count(session, _users_with(AccountStatus.PENDING)),
        community_requests=_count(
            session, select(func.count(Community.id)).where(Community.status == CommunityStatus.REQUESTED)
        ),
        active_users=_count(session, _users_with(AccountStatus.ACTIVE)),
        suspended_users=_count(session, _users_with(AccountStatus.SUSPENDED)),
        communities=_count(
            session, select(func.count(Community.id)).where(Community.status == CommunityStatus.ACTIVE)
        ),
        organisations=_count(
            session, select(func.count(Organisation.id)).where(Organisation.active.is_(True))
        ),
        audit_last_day=_count(session, select(func.count(AuditEntry.id)).where(AuditEntry.at >= since)),
        failed_logins_last_day=_count(
            session,
            select(func.count(AuditEntry.id)).where(
                AuditEntry.at >= since, AuditEntry.action == "login.failed"
            ),
        ),
    )
