"""Activity stream benchmark (issue 12): the first page of the stream of a user in 20 communities, over
100,000 events of every kind, answers in under 30 ms at the median.

The site: 60 communities — the reader belongs to 20 (one of them private), 25 are open to them, 15 are
restricted or private without them — with 6,000 wiki pages and 3,000 documents, an eighth of them
OFFICIAL-SENSITIVE and one in twenty deleted, and 100,000 events over a year (joins, pages created and
edited, documents uploaded and updated). A share of what the reader's rows point at is invisible to
them (sensitive outside their communities, deleted), so the resolvers really leave entries out.

Run with ``.venv/bin/python -m bench.activity`` (``make bench`` runs every benchmark). SQLite in a
temporary directory by default; ``--database-url postgresql://…`` measures PostgreSQL (the database
must exist and be empty).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, select, update

from bench.common import Measure, Report, bench_app, time_calls
from polka.accounts.models import User
from polka.activity.models import Activity
from polka.activity.stream import Scope, read_stream
from polka.communities.models import Community, Membership, Role, Visibility
from polka.db import transaction, utcnow
from polka.docs.models import Document, DocumentStatus
from polka.markings import Marking
from polka.wiki.models import WikiPage

EVENTS = 100_000
COMMUNITIES = 60
MINE = 20
PAGES = 6_000
DOCUMENTS = 3_000
USERS = 400


def build_site(app: Flask) -> int:
    """Bulk-load the site (core inserts: this measures reading the stream, not writing it); the
    reader's id."""
    rng = random.Random(2026)
    now = utcnow()
    factory = app.extensions["polka.sessions"]
    with factory() as session, transaction(session):
        session.execute(
            insert(User),
            [
                {
                    "email": f"user{n}@met.police.uk",
                    "name": f"Person {n}",
                    "password_hash": "x",
                    "status": "active",
                }
                for n in range(USERS)
            ],
        )
        visibilities = [Visibility.OPEN] * 45 + [Visibility.RESTRICTED] * 8 + [Visibility.PRIVATE] * 7
        session.execute(
            insert(Community),
            [
                {
                    "slug": f"community-{n}",
                    "name": f"Community {n}",
                    "visibility": visibilities[n],
                    "marking_ceiling": Marking.OFFICIAL_SENSITIVE,
                }
                for n in range(COMMUNITIES)
            ],
        )
    with factory() as session, transaction(session):
        users = list(session.scalars(select(User.id).order_by(User.id)))
        communities = list(session.scalars(select(Community.id).order_by(Community.id)))
        reader = users[0]
        session.execute(update(User).where(User.id == reader).values(email_verified_at=now))
        # The reader: 19 open communities and one private one; everyone else: a few each.
        mine = [*communities[: MINE - 1], communities[-1]]
        rows = [{"user_id": reader, "community_id": c, "role": Role.MEMBER} for c in mine]
        for user in users[1:]:
            for community in rng.sample(communities, 3):
                rows.append({"user_id": user, "community_id": community, "role": Role.MEMBER})
        session.execute(insert(Membership), rows)
        page_rows = [_content(rng, n, communities, now) | {"slug": f"page-{n}"} for n in range(PAGES)]
        session.execute(insert(WikiPage), page_rows)
        document_rows = [
            _content(rng, n, communities, now) | {"status": DocumentStatus.APPROVED} for n in range(DOCUMENTS)
        ]
        session.execute(insert(Document), document_rows)
        pages = [(p.id, p.community_id) for p in session.execute(select(WikiPage.id, WikiPage.community_id))]
        documents = [
            (d.id, d.community_id) for d in session.execute(select(Document.id, Document.community_id))
        ]
        events = []
        for _ in range(EVENTS):
            at = now - timedelta(seconds=rng.randrange(365 * 24 * 3600))
            roll = rng.random()
            if roll < 0.2:
                community = rng.choice(communities)
                kind, target, verb = "communities.community", community, "joined"
            elif roll < 0.7:
                target, community = rng.choice(pages)
                kind, verb = "wiki.page", rng.choice(["created", "edited", "edited", "edited"])
            else:
                target, community = rng.choice(documents)
                kind, verb = "docs.document", rng.choice(["uploaded", "updated"])
            events.append(
                {
                    "created_at": at,
                    "actor_id": rng.choice(users),
                    "verb": verb,
                    "community_id": community,
                    "target_kind": kind,
                    "target_id": target,
                }
            )
        session.execute(insert(Activity), events)
    return int(reader)


def _content(rng: random.Random, n: int, communities: list[int], now: Any) -> dict[str, Any]:
    """A page's or document's columns: an eighth OFFICIAL-SENSITIVE, one in twenty deleted."""
    return {
        "community_id": rng.choice(communities),
        "title": f"Item {n}",
        "head_number": 1,
        "marking": Marking.OFFICIAL_SENSITIVE if rng.random() < 0.125 else Marking.OFFICIAL,
        "created_at": now,
        "updated_at": now,
        "deleted_at": now if rng.random() < 0.05 else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reads", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
        app, url = bench_app(Path(tmp), args.database_url)
        reader_id = build_site(app)
        factory = app.extensions["polka.sessions"]

        def first_page(scope: Scope, pages: int = 1) -> Any:
            def read() -> None:
                # A fresh session each time, as each request has: nothing cached between reads.
                with factory() as session, app.test_request_context():
                    reader = session.get(User, reader_id)
                    assert reader is not None
                    _ = reader.memberships  # loaded by the request's sign-in, before the stream
                    page = read_stream(session, reader, scope=scope)
                    for _ in range(pages - 1):
                        page = read_stream(session, reader, scope=scope, before=page.older)
                    assert len(page.entries) == 20, len(page.entries)

            return read

        report = Report(f"Activity: {EVENTS:,} events in {COMMUNITIES} communities ({url.split(':')[0]})")
        report.add(
            Measure(
                "stream, first page, my 20 communities",
                time_calls(first_page(Scope.MINE), repeat=args.reads),
                30,
            )
        )
        report.add(
            Measure(
                "stream, first page, everything I may read (45 communities)",
                time_calls(first_page(Scope.ALL), repeat=args.reads),
            )
        )
        report.add(
            Measure(
                "stream, first five pages in a row, my communities",
                time_calls(first_page(Scope.MINE, pages=5), repeat=max(10, args.reads // 5)),
            )
        )
        report.exit()


if __name__ == "__main__":
    main()
