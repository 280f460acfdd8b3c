"""What people searched for and whether it found anything, recorded without who searched.

Each first page of results a search shows is recorded: the words, the time, the community it kept to,
how many results it found, and, once someone follows one of its results, that a result was opened (the
result links pass through ``/search/opened/<entry>``). Nothing names the searcher: no account, address
or session. Entries are kept for 13 months (the worker forgets older ones daily), for the insights
reports; administrators see the searches that found nothing now, so they can add synonyms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.db import utcnow
from polka.permissions import SITE, Action, require
from polka.site_search.models import SearchLogEntry

#: How long a search is kept: 13 months.
KEEP = timedelta(days=396)
WORDS_MAX = 200


def record_search(session: Session, words: str, community_id: int | None, results: int) -> int:
    """Record one search (the caller commits); return its entry's id, for the result links."""
    entry = SearchLogEntry(
        searched_at=utcnow(),
        words=" ".join(words.split())[:WORDS_MAX],
        community_id=community_id,
        results=results,
    )
    session.add(entry)
    session.flush()
    return entry.id


def mark_opened(session: Session, entry_id: int) -> None:
    """Note that a result of the search ``entry_id`` was opened (nothing for an unknown entry)."""
    session.execute(update(SearchLogEntry).where(SearchLogEntry.id == entry_id).values(opened=True))


def forget_old(session: Session, now: datetime | None = None) -> int:
    """Remove the entries older than ``KEEP``; return how many."""
    cutoff = (now or utcnow()) - KEEP
    removed = session.execute(delete(SearchLogEntry).where(SearchLogEntry.searched_at < cutoff))
    return int(getattr(removed, "rowcount", 0) or 0)


@dataclass(frozen=True)
class Unfound:
    """Words that found nothing: how often they were searched, and when last."""

    words: str
    searches: int
    last: datetime


@dataclass(frozen=True)
class SearchSummary:
    days: int
    searches: int
    found_nothing: int
    opened: int
    unfound: list[Unfound]


def summary(session: Session, actor: User | None, *, days: int = 90, limit: int = 50) -> SearchSummary:
    """The last ``days`` days of searches for an administrator: how many, how many found nothing, how
    many had a result opened, and the words that most often found nothing (case and spacing aside)."""
    require(actor, Action.ADMINISTER, SITE)
    since = utcnow() - timedelta(days=days)
    recent = SearchLogEntry.searched_at >= since
    totals = session.execute(
        select(
            func.count(),
            func.count().filter(SearchLogEntry.results == 0),
            func.count().filter(SearchLogEntry.opened.is_(True)),
        ).where(recent)
    ).one()
    words = func.lower(SearchLogEntry.words)
    rows = session.execute(
        select(func.min(SearchLogEntry.words), func.count(), func.max(SearchLogEntry.searched_at))
        .where(recent, SearchLogEntry.results == 0)
        .group_by(words)
        .order_by(func.count().desc(), func.max(SearchLogEntry.searched_at).desc())
        .limit(limit)
    ).all()
    return SearchSummary(
        days=days,
        searches=totals[0],
        found_nothing=totals[1],
        opened=totals[2],
        unfound=[Unfound(shown, count, last) for shown, count, last in rows],
    )
