"""What a community's insights page shows, counted only over what the viewer may see.

A member counts everything the community holds; someone who reads it without being a member (an
administrator looking at an open community, say) counts only its ``open`` part. Figures come from the
derived tables (``polka.insights.rebuild``): a period is whole UK months, the current one as counted
last night.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, CommunityStatus
from polka.content.asking import Asked, AskedQuery
from polka.content.kinds import Shown, resolve_all
from polka.db import utcnow
from polka.features import FEATURES
from polka.insights.models import InsightsMonth, InsightsTerm, Scope
from polka.insights.terms import Counted, Rising, most_used, rising
from polka.months import Month, span
from polka.permissions import SITE, Action, is_member, readable_filter, require, role_in
from polka.site_search.models import SearchLogEntry

#: The periods the page offers, in months.
PERIODS = (1, 3, 12)


def scope_for(user: User | None, community: Community) -> Scope:
    """What of ``community`` the viewer's figures count."""
    return Scope.EVERYTHING if is_member(user, community) else Scope.OPEN


@dataclass(frozen=True)
class Period:
    months: list[Month]

    @property
    def first(self) -> Month:
        return self.months[0]

    @property
    def last(self) -> Month:
        return self.months[-1]

    @property
    def label(self) -> str:
        """ "November 2026", or "September – November 2026"."""
        if len(self.months) == 1:
            return self.first.label
        if self.first.year == self.last.year:
            return f"{self.first.label.split()[0]} – {self.last.label}"
        return f"{self.first.label} – {self.last.label}"

    @property
    def keys(self) -> list[int]:
        return [month.key for month in self.months]

    def before(self) -> Period:
        """The period of the same length just before."""
        return Period(span(self.first.plus(-1), len(self.months)))


def period(months: int, last: Month | None = None, now: datetime | None = None) -> Period:
    """``months`` months ending with ``last`` (this month when None)."""
    return Period(span(last or Month.of(now or utcnow()), months))


@dataclass(frozen=True)
class Totals:
    writings: int
    #: people who wrote, summed over the months (someone writing in three months counts three times)
    authors: int
    #: when the newest of these months was counted (None: never)
    counted_at: datetime | None


@dataclass(frozen=True)
class Counting:
    """Which communities' counts a figure sums, and in which scope: everything of the communities the
    viewer belongs to, the open part of those they read without belonging."""

    everything: tuple[int, ...] = ()
    open: tuple[int, ...] = ()

    @classmethod
    def of(cls, scope: Scope, community: Community) -> Counting:
        """One community, in ``scope``."""
        return cls(everything=(community.id,)) if scope is Scope.EVERYTHING else cls(open=(community.id,))

    def where(self, model: type[InsightsMonth] | type[InsightsTerm], keys: list[int]) -> ColumnElement[bool]:
        return and_(
            or_(
                and_(model.community_id.in_(self.everything), model.scope == Scope.EVERYTHING),
                and_(model.community_id.in_(self.open), model.scope == Scope.OPEN),
            ),
            model.month.in_(keys),
        )


@dataclass(frozen=True)
class Topics:
    #: what the figures count: None for the site-wide view (several communities, each in its scope)
    scope: Scope | None
    period: Period
    previous: Period
    now: Totals
    before: Totals
    most_used: list[Counted]
    rising: list[Rising]


def _totals(session: Session, counting: Counting, keys: list[int]) -> Totals:
    row = session.execute(
        select(
            func.coalesce(func.sum(InsightsMonth.writings), 0),
            func.coalesce(func.sum(InsightsMonth.authors), 0),
            func.max(InsightsMonth.computed_at),
        ).where(counting.where(InsightsMonth, keys))
    ).one()
    return Totals(int(row[0]), int(row[1]), row[2])


def _terms(session: Session, counting: Counting, keys: list[int]) -> list[Counted]:
    rows = session.execute(
        select(
            InsightsTerm.term,
            func.max(InsightsTerm.shown),
            func.sum(InsightsTerm.authors),
            func.sum(InsightsTerm.uses),
        )
        .where(counting.where(InsightsTerm, keys))
        .group_by(InsightsTerm.term)
    )
    return [Counted(term, shown, int(authors), int(uses)) for term, shown, authors, uses in rows]


def _topics(session: Session, counting: Counting, scope: Scope | None, chosen: Period) -> Topics:
    previous = chosen.before()
    counted_now = _terms(session, counting, chosen.keys)
    now = _totals(session, counting, chosen.keys)
    before = _totals(session, counting, previous.keys)
    before_terms = {counted.term: counted.authors for counted in _terms(session, counting, previous.keys)}
    return Topics(
        scope=scope,
        period=chosen,
        previous=previous,
        now=now,
        before=before,
        most_used=most_used(counted_now),
        rising=rising(counted_now, now.authors, before_terms, before.authors),
    )


def topics(session: Session, user: User | None, community: Community, chosen: Period) -> Topics:
    """The hot topics and rising terms of ``community`` in ``chosen`` against the period before, for a
    viewer who may see its insights."""
    require(user, Action.SEE_INSIGHTS, community)
    scope = scope_for(user, community)
    return _topics(session, Counting.of(scope, community), scope, chosen)


def site_topics(session: Session, admin: User | None, chosen: Period) -> Topics:
    """The rising and most discussed terms across every community an administrator may read: all of
    those they belong to, the open part of open ones they do not; nothing of any other."""
    require(admin, Action.ADMINISTER, SITE)
    return _topics(session, _site_counting(session, admin), None, chosen)


def _site_counting(session: Session, user: User | None) -> Counting:
    readable = list(session.scalars(select(Community.id).where(readable_filter(user)).order_by(Community.id)))
    return Counting(
        everything=tuple(c for c in readable if role_in(user, c) is not None),
        open=tuple(c for c in readable if role_in(user, c) is None),
    )


@dataclass(frozen=True)
class CommunityCounts:
    """How much was written in one community, now and in the period before: counts only."""

    community: Community
    writings: int
    authors: int
    writings_before: int
    authors_before: int


def site_counts(session: Session, admin: User | None, chosen: Period) -> list[CommunityCounts]:
    """Every active community's writings and writers in ``chosen`` and the period before, for an
    administrator: counts of everything, never words, whether or not they belong (busiest first)."""
    require(admin, Action.ADMINISTER, SITE)
    previous = chosen.before()
    sums: dict[tuple[int, bool], tuple[int, int]] = {}
    for later, keys in ((True, chosen.keys), (False, previous.keys)):
        rows = session.execute(
            select(
                InsightsMonth.community_id, func.sum(InsightsMonth.writings), func.sum(InsightsMonth.authors)
            )
            .where(InsightsMonth.scope == Scope.EVERYTHING, InsightsMonth.month.in_(keys))
            .group_by(InsightsMonth.community_id)
        )
        for community_id, writings, authors in rows:
            sums[(community_id, later)] = (int(writings), int(authors))
    communities = session.scalars(
        select(Community).where(Community.status == CommunityStatus.ACTIVE).order_by(Community.name)
    )
    counted = [
        CommunityCounts(
            community, *sums.get((community.id, True), (0, 0)), *sums.get((community.id, False), (0, 0))
        )
        for community in communities
    ]
    return sorted(counted, key=lambda c: (-c.writings, c.community.name))


@dataclass(frozen=True)
class SearchGap:
    """Words searched for in the community that found nothing, or whose results nobody opened."""

    words: str
    searches: int
    found_nothing: int
    #: searches that found something of which no result was opened
    unopened: int
    last: datetime


def search_gaps(
    session: Session, user: User | None, community: Community, chosen: Period, limit: int = 20
) -> list[SearchGap]:
    """The searches made in ``community`` in ``chosen`` that found nothing or led nowhere, by their words
    (case and spacing aside), most frequent first. The search log holds no searcher: words only."""
    require(user, Action.SEE_INSIGHTS, community)
    words = func.lower(SearchLogEntry.words)
    nothing = SearchLogEntry.results == 0
    rows = session.execute(
        select(
            func.min(SearchLogEntry.words),
            func.count(),
            func.count().filter(nothing),
            func.max(SearchLogEntry.searched_at),
        )
        .where(
            SearchLogEntry.community_id == community.id,
            SearchLogEntry.searched_at >= chosen.first.start,
            SearchLogEntry.searched_at < chosen.last.end,
            SearchLogEntry.opened.is_(False),
        )
        .group_by(words)
        .order_by(func.count().desc(), func.max(SearchLogEntry.searched_at).desc(), words)
        .limit(limit)
    )
    return [
        SearchGap(shown, searches, found_nothing, searches - found_nothing, last)
        for shown, searches, found_nothing, last in rows
    ]


#: How far back the lists of what waits for an answer look.
LOOK_BACK = timedelta(days=365)
#: How many items each list shows (the counts count them all), and how many of the slowest answers.
LISTED = 20
SLOWEST = 10


@dataclass(frozen=True)
class Followed:
    """One thing asked, as the viewer may see it."""

    shown: Shown
    asked: Asked

    @property
    def asked_at(self) -> datetime:
        return self.asked.asked_at

    @property
    def waited(self) -> timedelta:
        return self.asked.waited


@dataclass(frozen=True)
class FollowUp:
    #: what counts as unanswered: asked more than this many days ago
    days: int
    #: questions nobody has answered, oldest first (at most ``LISTED``) and how many in all
    unanswered: list[Followed]
    unanswered_count: int
    #: topics nobody has replied to
    unreplied: list[Followed]
    unreplied_count: int
    #: the questions asked in the period and answered, slowest first answer first
    slowest: list[Followed]
    answered_count: int
    median_wait: timedelta | None


def follow_up(
    session: Session,
    user: User | None,
    community: Community,
    chosen: Period,
    days: int,
    now: datetime | None = None,
) -> FollowUp:
    """What was asked in ``community`` and waits for an answer for more than ``days`` days (in the last
    year), and how long the questions asked in ``chosen`` waited for their first answer — counted over
    what the viewer may see (sensitive items for members only), the items listed named through their
    kinds' resolvers (only those are looked up: a year of questions is counted, not resolved)."""
    require(user, Action.SEE_INSIGHTS, community)
    now = now or utcnow()
    everything = scope_for(user, community) is Scope.EVERYTHING
    sources = [source for feature in FEATURES for source in feature.asked]

    def asked(query: AskedQuery) -> list[Asked]:
        found = (item for source in sources for item in source(session, query))
        return [item for item in found if everything or not item.sensitive]

    waiting = asked(AskedQuery(community.id, now - LOOK_BACK, now - timedelta(days=days), unanswered=True))
    waiting.sort(key=lambda item: item.asked_at)
    unanswered = [item for item in waiting if item.question]
    unreplied = [item for item in waiting if not item.question]
    answered = [
        item
        for item in asked(AskedQuery(community.id, chosen.first.start, chosen.last.end, questions_only=True))
        if item.question and item.answered_at is not None
    ]
    answered.sort(key=lambda item: item.waited, reverse=True)
    listed = [*unanswered[:LISTED], *unreplied[:LISTED], *answered[:SLOWEST]]
    shown = resolve_all(session, user, [(item.kind, item.id) for item in listed])

    def named(found: list[Asked], limit: int) -> list[Followed]:
        return [
            Followed(shown[(item.kind, item.id)], item)
            for item in found[:limit]
            if (item.kind, item.id) in shown
        ]

    return FollowUp(
        days=days,
        unanswered=named(unanswered, LISTED),
        unanswered_count=len(unanswered),
        unreplied=named(unreplied, LISTED),
        unreplied_count=len(unreplied),
        slowest=named(answered, SLOWEST),
        answered_count=len(answered),
        median_wait=(
            timedelta(seconds=statistics.median(item.waited.total_seconds() for item in answered))
            if answered
            else None
        ),
    )
