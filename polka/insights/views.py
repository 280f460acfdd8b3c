"""The insights pages: a community's (``/c/<slug>/insights``, for its moderators and managers) and the
site-wide one (``/insights``, for administrators)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from polka.accounts.web import signed_in, two_factor_required
from polka.communities.web import community_for
from polka.errors import ValidationError
from polka.http import db
from polka.insights import charts, reads
from polka.months import Month
from polka.permissions import Action

bp = Blueprint("insights", __name__)


def _chosen() -> reads.Period:
    """The period the page's form asked for: ``months`` (1, 3 or 12) ending with ``until`` (this month
    when not given)."""
    written = request.args.get("months", "1")
    if not written.isdigit() or int(written) not in reads.PERIODS:
        message = "Choose a period of 1, 3 or 12 months"
        raise ValidationError(message, {"months": message})
    until = request.args.get("until", "").strip()
    return reads.period(int(written), Month.parse(until, "until") if until else None)


#: What the page calls unanswered unless asked otherwise: asked more than a week ago.
DAYS = 7


def _days() -> int:
    written = request.args.get("days", str(DAYS)).strip()
    if not written.isdigit() or not 1 <= int(written) <= 365:
        message = "Give the number of days as a whole number from 1 to 365"
        raise ValidationError(message, {"days": message})
    return int(written)


@bp.get("/c/<slug>/insights")
def community(slug: str) -> Any:
    found = community_for(slug, Action.SEE_INSIGHTS)
    chosen, session, user = _chosen(), db(), signed_in()
    topics = reads.topics(session, user, found, chosen)
    return render_template(
        "insights/community.html",
        community=found,
        topics=topics,
        search_gaps=reads.search_gaps(session, user, found, chosen),
        follow_up=reads.follow_up(session, user, found, chosen, _days()),
        periods=reads.PERIODS,
        rising_chart=charts.rising_chart(topics),
        section="communities",
        page_title=f"Insights – {found.name}",
    )


@bp.get("/insights")
@two_factor_required
def site() -> Any:
    chosen, session, user = _chosen(), db(), signed_in()
    topics = reads.site_topics(session, user, chosen)
    return render_template(
        "insights/site.html",
        topics=topics,
        counts=reads.site_counts(session, user, chosen),
        periods=reads.PERIODS,
        rising_chart=charts.rising_chart(topics),
        section="admin",
        page_title="Insights across every community",
    )
