"""Events benchmark (issue 16): a person's calendar across the 20 communities they belong to, holding
2,000 repeating series between them, signed in through the test client: this month's grid (median
under 50 ms) and the year's subscribed feed, ``calendar.ics`` (median under 200 ms).

The series are a mix a national service would hold: weekly, fortnightly, monthly (by date and by
weekday) and yearly meetings, started over the two years before now and the year after, 4 to 60
occurrences each, one in ten with an occurrence cancelled or moved, a few in another time zone and a
few all-day, each with a description of its own. They are made through the events' own services (every
rule checked and bounded as a page would leave it), and the search index takes them before any page is
timed.

Run with ``.venv/bin/python -m bench.events`` (``make bench`` runs every benchmark); ``--database-url
postgresql://…`` measures PostgreSQL (the database must exist and be empty).
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from flask import Flask
from sqlalchemy import text

from bench.common import Measure, Report, bench_app, statements, time_calls
from bench.pages import sign_in
from polka.accounts.services import create_user
from polka.communities.models import Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import transaction
from polka.events import services
from polka.events.models import Event, EventChange
from polka.events.schedule import in_window
from polka.organisations.services import sync_organisations
from polka.recurrence import Repeat

PASSWORD = "lantern-quietly-harbour-91"
MONTH_TARGET_MS, FEED_TARGET_MS = 50, 200
REPEATS = (Repeat.WEEKLY, Repeat.FORTNIGHTLY, Repeat.MONTHLY_DATE, Repeat.MONTHLY_WEEKDAY, Repeat.YEARLY)


def build(app: Flask, communities: int, series: int, now: datetime) -> int:
    """The member of ``communities`` communities holding ``series`` series between them: returns how
    many of the series reach into this month."""
    sessions = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    chance = random.Random(16)
    started = time.perf_counter()
    with sessions() as session, transaction(session):
        sync_organisations(session)
        admin = create_user(
            session, hasher, email="admin@met.police.uk", name="Admin", password=PASSWORD, admin=True
        )
        member = create_user(
            session, hasher, email="member@met.police.uk", name="Mel Member", password=PASSWORD
        )
        made = []
        for n in range(communities):
            community = create_community(
                session,
                admin,
                name=f"Regional group {n + 1}",
                visibility=Visibility.RESTRICTED,
                managers=[admin],
            )
            add_member(session, community, member, Role.MEMBER)
            made.append(community)
        for n in range(series):
            first = (now - timedelta(days=730) + timedelta(days=chance.randrange(1095))).date()
            repeat = REPEATS[n % len(REPEATS)]
            all_day = n % 50 == 0
            event = services.create_event(
                session,
                admin,
                made[n % communities],
                services.EventFields(
                    title=f"Meeting {n}",
                    start_date=first.isoformat(),
                    start_time="" if all_day else f"{9 + n % 8:02d}:{(n % 2) * 30:02d}",
                    end_time="" if all_day else f"{11 + n % 8:02d}:00",
                    all_day=all_day,
                    zone="Europe/Dublin" if n % 97 == 0 else "Europe/London",
                    repeat=repeat,
                    repeat_count=str(4 + chance.randrange(57)),
                    location=f"Room {n % 40}",
                    description=f"The agenda of meeting {n}, the papers and the actions from last time.",
                ),
            )
            if n % 10 == 0 and event.rule:  # one in ten: its second occurrence cancelled
                second = services.occurrence_on(event, _second_day(event))
                event.changes.append(
                    EventChange(
                        original=second.original, cancelled=True, start_fold=0, end_fold=0, sequence=1
                    )
                )
        session.flush()
        reaching = session.scalar(
            text("SELECT count(*) FROM events_events WHERE last_end_utc > :start AND first_start_utc < :end"),
            {"start": now.replace(day=1), "end": now.replace(day=1) + timedelta(days=31)},
        )
        session.execute(text("ANALYZE"))
    if app.extensions["polka.engine"].dialect.name == "sqlite":
        # the bulk load left every page in the write-ahead log; SQLite folds it back into the database
        # by itself after every 1,000 pages written, as a running site's writes keep doing
        with app.extensions["polka.engine"].connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"made {series:,} series in {communities} communities in {time.perf_counter() - started:.1f} s")
    return int(reaching or 0)


def _second_day(event: Event) -> str:
    first = event.first_start_utc
    return in_window([event], first, first + timedelta(days=400))[1].original.date().isoformat()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--communities", type=int, default=20)
    parser.add_argument("--series", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
        # the search index takes the new series as the build commits, not in a thread left running
        # while the pages are timed (it held the interpreter for the first seconds of the month's runs)
        app, url = bench_app(Path(tmp), args.database_url, search_inline=True)
        reaching = build(app, args.communities, args.series, now)
        client, _ = sign_in(app, "member@met.police.uk", PASSWORD)
        month = f"/calendar/month?month={now:%Y-%m}"
        feed = "/calendar/calendar.ics"
        grid = client.get(month).get_data(as_text=True)
        # the entries the grid lists, and those behind each day's "n more"
        shown = grid.count('class="polka-month__time"') + sum(
            int(n) for n in re.findall(r">(\d+) more<", grid)
        )
        items = client.get(feed).get_data(as_text=True).count("BEGIN:VEVENT")
        report = Report(
            f"A personal calendar of {args.series:,} series in {args.communities} communities ({url.split(':')[0]})"
        )
        report.add(
            Measure(
                f"month grid, {now:%B %Y} ({reaching} series reach into it, {shown} entries on its days) "
                f"[{statements(app, client, month)} statements]",
                time_calls(partial(client.get, month), repeat=args.repeat),
                MONTH_TARGET_MS,
            )
        )
        report.add(
            Measure(
                f"the year's feed, calendar.ics ({items:,} VEVENTs) [{statements(app, client, feed)} statements]",
                time_calls(partial(client.get, feed), repeat=args.repeat),
                FEED_TARGET_MS,
            )
        )
        report.exit()


if __name__ == "__main__":
    main()
