"""Counting a month's words: the insights' derived tables rebuilt from every feature's writings.

``rebuild_month`` replaces one month's rows with a fresh count (``polka insights rebuild --month``); the
worker counts the current month again every night, and the month before once more on the first nights
of a month (writings published late, or deleted since, are counted as they are now).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from polka.content.writings import Writing, WritingsSource
from polka.db import utcnow
from polka.features import FEATURES
from polka.insights.models import InsightsMonth, InsightsTerm, Scope
from polka.insights.terms import MIN_AUTHORS, is_tag, terms_of
from polka.months import Month

#: How many rows one INSERT statement carries.
_BATCH = 2_000
#: For this long into a month, the month before is counted again each night as well.
LATE = timedelta(days=3)


@dataclass
class _Term:
    authors: set[int] = field(default_factory=set)
    uses: int = 0
    written: Counter[str] = field(default_factory=Counter)


@dataclass
class _Bucket:
    """One community's month within one scope, being counted."""

    writings: int = 0
    authors: set[int] = field(default_factory=set)
    terms: dict[str, _Term] = field(default_factory=dict)

    def add(self, writing: Writing, terms: dict[str, str]) -> None:
        self.writings += 1
        if writing.author_id is not None:
            self.authors.add(writing.author_id)
        for term, word in terms.items():
            counted = self.terms.get(term)
            if counted is None:
                counted = self.terms[term] = _Term()
            counted.uses += 1
            counted.written[word] += 1
            if writing.author_id is not None:
                counted.authors.add(writing.author_id)


@dataclass(frozen=True)
class Rebuilt:
    month: Month
    communities: int
    writings: int
    terms: int


def all_sources() -> list[WritingsSource]:
    return [source for feature in FEATURES for source in feature.writings]


def rebuild_month(session: Session, month: Month, sources: Iterable[WritingsSource] | None = None) -> Rebuilt:
    """Count ``month`` again from the writings, replacing what was counted (the caller commits)."""
    buckets: dict[tuple[int, Scope], _Bucket] = {}
    writings = 0
    for source in all_sources() if sources is None else sources:
        for writing in source(session, month.start, month.end):
            writings += 1
            terms = terms_of(writing.text, writing.tags)
            scopes = (Scope.EVERYTHING,) if writing.sensitive else (Scope.EVERYTHING, Scope.OPEN)
            for scope in scopes:
                bucket = buckets.get((writing.community_id, scope))
                if bucket is None:
                    bucket = buckets[(writing.community_id, scope)] = _Bucket()
                bucket.add(writing, terms)
    session.execute(delete(InsightsTerm).where(InsightsTerm.month == month.key))
    session.execute(delete(InsightsMonth).where(InsightsMonth.month == month.key))
    now = utcnow()
    if buckets:
        session.execute(
            insert(InsightsMonth),
            [
                {
                    "community_id": community_id,
                    "month": month.key,
                    "scope": scope,
                    "writings": bucket.writings,
                    "authors": len(bucket.authors),
                    "computed_at": now,
                }
                for (community_id, scope), bucket in buckets.items()
            ],
        )
    rows = [
        {
            "community_id": community_id,
            "month": month.key,
            "scope": scope,
            "term": term,
            "shown": counted.written.most_common(1)[0][0],
            "authors": len(counted.authors),
            "uses": counted.uses,
        }
        for (community_id, scope), bucket in buckets.items()
        for term, counted in bucket.terms.items()
        if len(counted.authors) >= MIN_AUTHORS or is_tag(term)
    ]
    for start in range(0, len(rows), _BATCH):
        session.execute(insert(InsightsTerm), rows[start : start + _BATCH])
    communities = len({community_id for community_id, _ in buckets})
    return Rebuilt(month, communities, writings, len(rows))


def months_to_refresh(now: datetime) -> list[Month]:
    """The months the nightly count counts again: this one, and the one before early in a month."""
    this = Month.of(now)
    return [this.plus(-1), this] if Month.of(now - LATE) != this else [this]


def refresh(session: Session, now: datetime | None = None) -> list[Rebuilt]:
    """The worker's nightly count (the caller commits)."""
    return [rebuild_month(session, month) for month in months_to_refresh(now or utcnow())]
