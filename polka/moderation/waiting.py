"""What waits for a community's moderators: open reports (see polka.content.waiting)."""

from __future__ import annotations

from sqlalchemy import Select

from polka.communities.models import Community
from polka.content.waiting import Provider, count_by_community, count_outside, plural
from polka.moderation.models import Report
from polka.permissions import Action

REPORTS = "moderation.reports"


def _reports() -> Select[str, str, int]:
    """Reports no moderator has decided on yet, counted per community."""
    return (
        count_by_community(Report.id)
        .join(Report, Report.community_id == Community.id)
        .where(Report.decided_at.is_(None))
    )


def _reports_outside() -> Select[str, str, int]:
    """Reports no administrator has decided on yet, of what is outside any community."""
    return count_outside(Report.id).where(Report.community_id.is_(None), Report.decided_at.is_(None))


#: Open reports in the communities the user moderates (and outside any, for administrators).
reports_waiting = Provider(
    offered=Action.MODERATE,
    query=_reports,
    what=lambda count: f"{plural(count, 'report waits', 'reports wait')} for a moderator in",
    action="Review the reports",
    label="Reports",
    endpoint="moderation.queue",
    site=_reports_outside,
)
