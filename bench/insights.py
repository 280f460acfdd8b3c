"""Community insights benchmark (issue 21): a community of 200,000 posts and pages written over two
years by 2,000 people, beside 49 smaller communities (2,000 posts each), counted month by month as the
worker counts them, then the community's insights page through the test client, signed in as its
manager: median under 500 ms for the month, the quarter and the year.

Measured: the time to count each month for all 50 communities (the nightly refresh counts one or two;
``polka insights rebuild --month`` one), the rows the derived tables keep, and each page's median and
statements. The writings are written in bulk (forum topics and posts, wiki pages with their first
revision) with a vocabulary drawn from a Zipf distribution, some terms rising over the two years, so
loading takes a minute, not the days 300,000 posts through the pages would.

Run with ``.venv/bin/python -m bench.insights`` (``make bench`` runs it). SQLite in a temporary
directory by default; ``--postgresql`` on a scratch PostgreSQL database.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from bench.common import (
    PASSWORD,
    Measure,
    Report,
    bench_app,
    member_and_community,
    scratch_postgresql,
    statements,
)
from bench.pages import sign_in
from polka.accounts.models import AccountStatus, User
from polka.accounts.services import create_user
from polka.communities.models import Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import transaction, utcnow
from polka.forum import services as forum_services
from polka.forum.models import ForumPost, ForumTopic
from polka.insights.models import InsightsMonth, InsightsTerm
from polka.insights.rebuild import rebuild_month
from polka.months import Month, span
from polka.wiki.models import WikiPage, WikiRevision

TARGET_MS = 500
#: The goal for a month's count of every community: what the monthly report for 50 communities must
#: fit in (2 minutes), with the report's drawing left the rest.
COUNT_TARGET_MS = 60_000
#: Who the page is measured as: the big community's manager (not an administrator).
MANAGER_EMAIL = "manager@met.police.uk"
MONTHS = 24
#: Words of the community's talk, most common first (drawn from a Zipf distribution).
VOCABULARY = [
    "keeper",
    "record",
    "check",
    "address",
    "vehicle",
    "licence",
    "insurance",
    "registration",
    "officer",
    "report",
    "custody",
    "suspect",
    "warrant",
    "bail",
    "charge",
    "court",
    "hearing",
    "witness",
    "statement",
    "evidence",
    "exhibit",
    "property",
    "search",
    "arrest",
    "interview",
    "solicitor",
    "caution",
    "detention",
    "review",
    "supervisor",
    "sergeant",
    "inspector",
    "duty",
    "shift",
    "rota",
    "patrol",
    "response",
    "incident",
    "call",
    "control",
    "radio",
    "airwave",
    "collision",
    "motorway",
    "junction",
    "speed",
    "camera",
    "enforcement",
    "notice",
    "penalty",
    "driver",
    "licence",
    "points",
    "disqualification",
    "tachograph",
    "goods",
    "trailer",
    "load",
    "weight",
    "bridge",
    "height",
    "route",
    "diversion",
    "closure",
    "recovery",
    "tow",
    "garage",
    "seizure",
    "storage",
    "release",
    "owner",
    "finance",
    "marker",
    "flag",
    "intelligence",
    "briefing",
    "tasking",
    "target",
    "operation",
    "partner",
    "council",
    "housing",
    "school",
    "youth",
    "victim",
    "safeguarding",
    "referral",
    "strategy",
    "meeting",
    "minutes",
    "action",
    "training",
    "course",
    "module",
    "assessment",
    "guidance",
    "policy",
    "procedure",
    "manual",
    "update",
    "change",
    "system",
    "upgrade",
    "outage",
    "release",
    "version",
    "interface",
    "screen",
    "field",
    "code",
    "error",
    "message",
    "audit",
    "log",
    "access",
]
#: Terms whose use grows over the two years (a new procedure being taken up).
RISING = ("drone", "bodycam", "ulez", "e-scooter")


def _words(rng: random.Random, weights: list[float], month: int, count: int) -> str:
    chosen = rng.choices(VOCABULARY, weights=weights, k=count)
    for n, term in enumerate(RISING):
        if rng.random() < month / (MONTHS * (2 + n)):
            chosen.append(term.replace("-", ""))
    return " ".join(chosen)


def _people(session: Session, count: int) -> list[int]:
    rows = [
        {
            "email": f"writer{n}@met.police.uk",
            "name": f"Writer {n}",
            "handle": f"writer{n}",
            "password_hash": "!",
            "status": AccountStatus.ACTIVE,
        }
        for n in range(count)
    ]
    session.execute(insert(User), rows)
    return list(session.scalars(select(User.id).where(User.email.like("writer%")).order_by(User.id)))


def build(app: Flask, posts: int, pages: int, others: int, other_posts: int, authors: int) -> str:
    """The communities and their writings; the big community's slug."""
    sessions = app.extensions["polka.sessions"]
    rng = random.Random(21)
    weights = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
    started = time.perf_counter()
    with sessions() as session, transaction(session):
        hasher = app.extensions["polka.passwords"]
        admin, _member, big = member_and_community(session, hasher, "PNC Operators")
        manager = create_user(session, hasher, email=MANAGER_EMAIL, name="Mia Manager", password=PASSWORD)
        add_member(session, big, manager, Role.MANAGER)
        people = _people(session, authors)
        communities = [big]
        for n in range(others):
            communities.append(
                create_community(
                    session, admin, name=f"Regional group {n}", visibility=Visibility.OPEN, managers=[admin]
                )
            )
        for person in session.scalars(select(User).where(User.id.in_(people[:50]))):
            add_member(session, big, person, Role.MEMBER)
        categories = {
            community.id: forum_services.create_category(
                session, admin, community, forum_services.CategoryFields("Questions")
            ).id
            for community in communities
        }
        slug, ids = big.slug, [community.id for community in communities]
    first = Month.of(utcnow()).plus(-(MONTHS - 1))
    with sessions() as session, transaction(session):
        for community_id in ids:
            count = posts if community_id == ids[0] else other_posts
            _forum(session, rng, weights, community_id, categories[community_id], people, first, count)
        _wiki(session, rng, weights, ids[0], people, first, pages)
    print(
        f"loaded {posts:,} posts and {pages:,} pages in one community, {others} more of {other_posts:,} posts, "
        f"by {authors:,} people over {MONTHS} months, in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return slug


def _when(rng: random.Random, first: Month, n: int, count: int) -> tuple[int, object]:
    """The month index and a moment in it for the ``n``-th of ``count`` writings, spread evenly."""
    index = min(MONTHS - 1, n * MONTHS // count)
    month = first.plus(index)
    end = min(month.end, utcnow() - timedelta(minutes=1))
    return index, month.start + (end - month.start) * rng.random()


def _forum(
    session: Session,
    rng: random.Random,
    weights: list[float],
    community_id: int,
    category_id: int,
    people: list[int],
    first: Month,
    count: int,
) -> None:
    per_topic = 10
    topics = []
    for n in range(0, count, per_topic):
        _index, at = _when(rng, first, n, count)
        topics.append(
            {
                "category_id": category_id,
                "community_id": community_id,
                "title": f"Question {n}",
                "is_question": n % (3 * per_topic) == 0,  # a third asked as questions
                "marking": "OFFICIAL",
                "created_at": at,
                "updated_at": at,
                "next_number": per_topic + 1,
                "reply_count": per_topic - 1,
                "last_post_at": at,
                "last_post_number": per_topic,
            }
        )
    session.execute(insert(ForumTopic), topics)
    topic_ids = list(
        session.scalars(
            select(ForumTopic.id).where(ForumTopic.community_id == community_id).order_by(ForumTopic.id)
        )
    )

    def post(n: int) -> dict[str, object]:
        index, at = _when(rng, first, n, count)
        return {
            "topic_id": topic_ids[n // per_topic],
            "number": n % per_topic + 1,
            "author_id": rng.choice(people),
            "body": _words(rng, weights, index, 40),
            "created_at": at,
        }

    _insert(session, ForumPost, (post(n) for n in range(count)))


def _insert(session: Session, model: type, rows: Iterator[dict[str, object]]) -> None:
    """Insert ``rows`` of ``model`` 5,000 at a time."""
    while batch := list(itertools.islice(rows, 5_000)):
        session.execute(insert(model), batch)


def _wiki(
    session: Session,
    rng: random.Random,
    weights: list[float],
    community_id: int,
    people: list[int],
    first: Month,
    count: int,
) -> None:
    rows = []
    for n in range(count):
        _index, at = _when(rng, first, n, count)
        rows.append(
            {
                "community_id": community_id,
                "slug": f"page-{n}",
                "title": f"Guidance {n}",
                "head_number": 1,
                "marking": "OFFICIAL",
                "created_at": at,
                "updated_at": at,
            }
        )
    session.execute(insert(WikiPage), rows)
    page_ids = list(
        session.scalars(
            select(WikiPage.id).where(WikiPage.community_id == community_id).order_by(WikiPage.id)
        )
    )

    def revision(n: int, page_id: int) -> dict[str, object]:
        index, at = _when(rng, first, n, count)
        return {
            "page_id": page_id,
            "number": 1,
            "title": f"Guidance {n}",
            "body": _words(rng, weights, index, 120),
            "author_id": rng.choice(people),
            "created_at": at,
        }

    _insert(session, WikiRevision, (revision(n, page_id) for n, page_id in enumerate(page_ids)))


def count_months(app: Flask) -> list[float]:
    """Count every month as ``polka insights rebuild`` does; the seconds of each."""
    sessions = app.extensions["polka.sessions"]
    seconds = []
    for month in span(Month.of(utcnow()), MONTHS):
        started = time.perf_counter()
        with sessions() as session, transaction(session):
            rebuild_month(session, month)
        seconds.append(time.perf_counter() - started)
    with sessions() as session, transaction(session):
        session.execute(text("ANALYZE"))  # as a database that has run for two years knows its tables
    with sessions() as session:
        kept = session.scalar(select(func.count()).select_from(InsightsTerm))
        months = session.scalar(select(func.count()).select_from(InsightsMonth))
    print(
        f"counted {MONTHS} months: median {statistics.median(seconds):.1f} s a month for every community, "
        f"slowest {max(seconds):.1f} s; the tables keep {kept:,} term rows and {months:,} month rows",
        flush=True,
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgresql", action="store_true", help="on a scratch PostgreSQL database")
    parser.add_argument("--posts", type=int, default=180_000)
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--others", type=int, default=49)
    parser.add_argument("--other-posts", type=int, default=2_000)
    parser.add_argument("--authors", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="polka-bench-")))
        url = stack.enter_context(scratch_postgresql("insights")) if args.postgresql else ""
        app, url = bench_app(root, url)
        logging.getLogger("polka.requests").setLevel(logging.WARNING)
        slug = build(app, args.posts, args.pages, args.others, args.other_posts, args.authors)
        counted = count_months(app)
        client, _ = sign_in(app, MANAGER_EMAIL, PASSWORD)
        last = Month.of(utcnow()).plus(-1)
        report = Report(
            f"Community insights, {args.posts + args.pages:,} writings, as its manager ({url.split(':')[0]})"
        )
        report.add(
            Measure(
                f"count one month, all {args.others + 1} communities (slowest of {MONTHS})",
                [max(counted)],
                COUNT_TARGET_MS,
                "max",
            )
        )
        for months, name in ((1, "the month"), (3, "the quarter"), (12, "the year")):
            path = f"/c/{slug}/insights?months={months}&until={last}"
            ran = statements(app, client, path)
            seconds = []
            for attempt in range(args.repeat + 2):
                started = time.perf_counter()
                answer = client.get(path)
                if attempt >= 2:
                    seconds.append(time.perf_counter() - started)
                assert answer.status_code == 200, path
            report.add(
                Measure(
                    f"insights page, {name} against the one before [{ran} statements]", seconds, TARGET_MS
                )
            )
        report.exit()


if __name__ == "__main__":
    main()
