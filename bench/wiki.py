"""Wiki benchmark (issue 3): with 10,000 pages and 100,000 revisions, viewing a page answers in under
20 ms at the median through the test client (cached rendering), and the history of a 1,000-revision
page in under 50 ms; saving a very long or very deep page renders or is refused within 2 s.

Run with ``.venv/bin/python -m bench.wiki`` (``make bench`` runs every benchmark). SQLite in a
temporary directory by default; ``--database-url postgresql://…`` measures PostgreSQL (the database
must exist and be empty).
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, select, text, update

from bench.common import Measure, Report, bench_app, time_calls
from polka.accounts.models import User
from polka.accounts.services import create_user
from polka.communities.models import Community, Role
from polka.communities.services import add_member, create_community
from polka.db import transaction, utcnow
from polka.errors import ValidationError
from polka.organisations.services import sync_organisations
from polka.wiki import rendering, services
from polka.wiki.models import RevisionStatus, WikiPage, WikiRevision

PAGES = 10_000
REVISIONS = 100_000
LONG_HISTORY = 1_000
PASSWORD = "lantern-quietly-harbour-91"
WORDS = [
    "police",
    "national",
    "computer",
    "check",
    "vehicle",
    "keeper",
    "record",
    "officer",
    "bureau",
    "supervisor",
    "audit",
    "reason",
    "code",
    "liaison",
    "letter",
    "schedule",
    "region",
    "meeting",
    "minutes",
    "custody",
    "intelligence",
    "partner",
    "safeguarding",
    "rota",
    "training",
    "release",
    "update",
    "procedure",
    "identity",
    "witness",
    "statement",
    "evidence",
    "case",
    "study",
    "outcome",
]


def paragraph(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def page_body(rng: random.Random, n: int) -> str:
    """About 300 words: headings, paragraphs, a list and a couple of wiki links."""
    parts = [paragraph(rng, 40)]
    for section in range(4):
        parts.append(f"## Section {section + 1}")
        parts.append(paragraph(rng, 50))
    parts.append("\n".join(f"- {paragraph(rng, 6)}" for _ in range(5)))
    parts.append(f"See [[Page {(n + 1) % PAGES}]] and [[Page {(n + 7) % PAGES}|a related page]].")
    return "\n\n".join(parts) + "\n"


def build_site(app: Flask) -> dict[str, Any]:
    """Bulk-load the pages and revisions (core inserts: this measures reading, not writing)."""
    rng = random.Random(2026)
    factory = app.extensions["polka.sessions"]
    with factory() as session, transaction(session):
        sync_organisations(session)
        hasher = app.extensions["polka.passwords"]
        reader = create_user(
            session, hasher, email="reader@met.police.uk", name="Bench Reader", password=PASSWORD
        )
        community = create_community(session, None, name="PNC Operators", managers=[])
        add_member(session, community, reader, Role.MEMBER)
        community_id, slug, user_id = community.id, community.slug, reader.id
    now = utcnow()
    extra = REVISIONS - PAGES - (LONG_HISTORY - 1)  # revisions beyond the first of each page
    counts = [1] * PAGES
    counts[0] = LONG_HISTORY
    for _ in range(extra):
        counts[rng.randrange(1, PAGES)] += 1
    started = time.perf_counter()
    with factory() as session, transaction(session):
        session.execute(
            insert(WikiPage),
            [
                {
                    "community_id": community_id,
                    "slug": f"page-{n}",
                    "title": f"Page {n}",
                    "head_number": counts[n],
                    "created_at": now,
                    "updated_at": now,
                    "updated_by_id": user_id,
                }
                for n in range(PAGES)
            ],
        )
        ids = {row.slug: row.id for row in session.execute(select(WikiPage.slug, WikiPage.id))}
        bodies = [page_body(rng, n) for n in range(50)]
        batch: list[dict[str, Any]] = []
        for n in range(PAGES):
            for number in range(1, counts[n] + 1):
                body = bodies[(n + number) % len(bodies)]
                batch.append(
                    {
                        "page_id": ids[f"page-{n}"],
                        "number": number,
                        "base_number": number - 1,
                        "status": RevisionStatus.APPROVED,
                        "title": f"Page {n}",
                        "body": body,
                        "summary": f"Edit {number}",
                        "size": len(body) + number,
                        "author_id": user_id,
                        "created_at": now,
                    }
                )
                if len(batch) >= 5_000:
                    session.execute(insert(WikiRevision), batch)
                    batch = []
        if batch:
            session.execute(insert(WikiRevision), batch)
    with factory() as session, transaction(session):
        # Cache the current revision of every page, as saving would have done.
        community = session.get(Community, community_id)
        assert community is not None
        current = session.scalars(
            select(WikiRevision)
            .join(WikiPage, WikiPage.id == WikiRevision.page_id)
            .where(WikiRevision.number == WikiPage.head_number)
        ).all()
        for revision in current:
            rendering.store_rendering(session, revision, community)
        session.execute(update(WikiPage).values(updated_at=now))
    with factory() as session, transaction(session):
        # A live database has planner statistics (autovacuum, or SQLite's optimize); a bulk load not yet.
        session.execute(text("ANALYZE"))
    print(f"loaded {PAGES:,} pages and {REVISIONS:,} revisions in {time.perf_counter() - started:.0f} s")
    return {"slug": slug}


def save_or_refuse(app: Flask, title: str, body: str) -> Any:
    """Creating a page through the service (check, render, store), rolled back; a refusal counts."""

    def run() -> None:
        with app.extensions["polka.sessions"]() as session:
            user = session.scalar(select(User).where(User.email == "reader@met.police.uk"))
            community = session.scalar(select(Community))
            assert user is not None
            assert community is not None
            with contextlib.suppress(ValidationError):
                services.create_page(session, user, community, title=title, edit=services.Edit(body))
            session.rollback()

    return run


def signed_in_client(app: Flask) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/login", data={"email": "reader@met.police.uk", "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--views", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
        app, url = bench_app(Path(tmp), args.database_url)
        site = build_site(app)
        client = signed_in_client(app)
        rng = random.Random(7)
        slug = site["slug"]

        def view_page() -> None:
            response = client.get(f"/c/{slug}/wiki/page-{rng.randrange(1, PAGES)}")
            assert response.status_code == 200, response.status_code

        def view_history() -> None:
            response = client.get(f"/c/{slug}/wiki/page-0/history")
            assert response.status_code == 200, response.status_code

        report = Report(f"Wiki: {PAGES:,} pages, {REVISIONS:,} revisions ({url.split(':')[0]})")
        report.add(Measure("view a page (cached rendering)", time_calls(view_page, repeat=args.views), 20))
        report.add(Measure("history of a 1,000-revision page", time_calls(view_history, repeat=100), 50))
        saves = {
            "save a 10,000-line page (refused: over the line limit)": "Some words here.\n\n" * 5_000,
            f"save a {services.MAX_LINES:,}-line page of list items (the worst case)": "- item words\n"
            * services.MAX_LINES,
            f"save a {services.MAX_LINES:,}-line page of table rows": "| a | b |\n|---|---|\n"
            + "| x | y |\n" * (services.MAX_LINES - 2),
            "save a 10,000-deep nested list (refused)": "".join("  " * i + "- x\n" for i in range(10_000)),
        }
        for name, body in saves.items():
            seconds = time_calls(save_or_refuse(app, "Long page", body), repeat=3, warmup=1)
            report.add(Measure(name, seconds, 2_000, against="max"))
        report.exit()


if __name__ == "__main__":
    main()
