"""The insights pages: a community's (``/c/<slug>/insights``, for its moderators and managers) and the
site-wide one (``/insights``, for administrators)."""

from __future__ import annotations

from dataclasses import dataclass, field
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


#: What the page calls unanswered unless asked otherwise: asked more than a week ago.
DAYS = 7


@dataclass(frozen=True)
class PeriodForm:
    """What the page's form asked for, as typed, what it means (the defaults where it was refused) and
    why any of it was refused, by field."""

    typed: dict[str, str]
    chosen: reads.Period
    days: int
    errors: dict[str, str] = field(default_factory=dict)


def _asked(*, with_days: bool = True) -> PeriodForm:
    """``months`` (1, 3 or 12) ending with ``until`` (this month when not given), and for a community
    after how many ``days`` a question counts as unanswered."""
    typed = {
        "months": request.args.get("months", "1").strip(),
        "until": request.args.get("until", "").strip(),
        "days": request.args.get("days", str(DAYS)).strip(),
    }
    errors: dict[str, str] = {}
    months = 1
    if typed["months"].isdigit() and int(typed["months"]) in reads.PERIODS:
        months = int(typed["months"])
    else:
        errors["months"] = "Choose a period of 1, 3 or 12 months"
    last = None
    if typed["until"]:
        try:
            last = Month.parse(typed["until"], "until")
        except ValidationError as refused:
            errors.update(refused.field_errors)
    days = DAYS
    if typed["days"].isdigit() and 1 <= int(typed["days"]) <= 365:
        days = int(typed["days"])
    elif with_days:
        errors["days"] = "Give the number of days as a whole number from 1 to 365"
    return PeriodForm(typed, reads.period(months, last), days, errors)


@bp.get("/c/<slug>/insights")
def community(slug: str) -> Any:
    found = community_for(slug, Action.SEE_INSIGHTS)
    asked, session, user = _asked(), db(), signed_in()
    topics = reads.topics(session, user, found, asked.chosen)
    return render_template(
        "insights/community.html",
        community=found,
        asked=asked,
        topics=topics,
        search_gaps=reads.search_gaps(session, user, found, asked.chosen),
        follow_up=reads.follow_up(session, user, found, asked.chosen, asked.days),
        periods=reads.PERIODS,
        rising_chart=charts.rising_chart(topics),
        section="communities",
        page_title=f"Insights – {found.name}",
    ), 400 if asked.errors else 200


@bp.get("/insights")
@two_factor_required
def site() -> Any:
    asked, session, user = _asked(with_days=False), db(), signed_in()
    topics = reads.site_topics(session, user, asked.chosen)
    return render_template(
        "insights/site.html",
        asked=asked,
        topics=topics,
        counts=reads.site_counts(session, user, asked.chosen),
        periods=reads.PERIODS,
        rising_chart=charts.rising_chart(topics),
        section="admin",
        page_title="Insights across every community",
    ), 400 if asked.errors else 200
