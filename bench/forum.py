"""Forum benchmark (issue 15): a topic with 5,000 replies and a category with 50,000 topics, the first
and the last page of each through the test client, signed in as a member: median under 30 ms each,
and the SQL statements each page runs (the same on the first and the last page).

Run with ``.venv/bin/python -m bench.forum`` (``make bench`` runs every benchmark). SQLite in a
temporary directory by default; ``--database-url postgresql://…`` measures PostgreSQL (the database must
exist and be empty). The topics and replies are written in bulk, as the services would leave them
(counters, kept HTML), so loading takes seconds, not the hours 55,000 posts through the pages would.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, text

from bench.common import MEMBER_EMAIL, PASSWORD, bench_app, member_and_community, time_pages
from bench.pages import sign_in
from polka.db import transaction
from polka.forum import rendering, services
from polka.forum.kinds import POSTS_PER_PAGE
from polka.forum.models import ForumPost, ForumTopic
from polka.forum.reads import TOPICS_PER_PAGE
from polka.pagination import page_count

TARGET_MS = 30
BODY = (
    "We check the keeper record first, then the **licensing agency's** notes. If the address is still "
    "old after four weeks, the supervisor raises it with the bureau.\n\n- Log the check\n- Re-check\n"
)


def build(app: Flask, topics: int, replies: int) -> dict[str, Any]:
    sessions = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    with sessions() as session, transaction(session):
        admin, member, community = member_and_community(session, hasher, "PNC Operators")
        category = services.create_category(session, admin, community, services.CategoryFields("Questions"))
        long_topic = services.start_topic(session, member, category, title="Keeper checks", body=BODY)
        ids = {"community": community.slug, "category": category.slug, "topic": long_topic.id}
        html, links, version = rendering.render(BODY).html, "[]", rendering.renderer_version()
        author, category_id, community_id = member.id, category.id, community.id
    started = time.perf_counter()
    start = datetime.now(UTC) - timedelta(days=400)
    with sessions() as session, transaction(session):
        batch = 5_000
        for first in range(0, topics - 1, batch):
            rows = [
                {
                    "category_id": category_id,
                    "community_id": community_id,
                    "title": f"Question {n} about keeper records",
                    "marking": "OFFICIAL",
                    "created_at": start + timedelta(minutes=n),
                    "created_by_id": author,
                    "updated_at": start + timedelta(minutes=n),
                    "updated_by_id": author,
                    "next_number": 2,
                    "last_post_at": start + timedelta(minutes=n),
                    "last_post_number": 1,
                    "last_poster_id": author,
                }
                for n in range(first, min(first + batch, topics - 1))
            ]
            session.execute(insert(ForumTopic), rows)
        posts = [
            {
                "topic_id": ids["topic"],
                "number": number,
                "author_id": author,
                "body": BODY,
                "html": html,
                "links": links,
                "renderer_version": version,
                "created_at": start + timedelta(minutes=number),
            }
            for number in range(2, replies + 2)
        ]
        session.execute(insert(ForumPost), posts)
        session.execute(
            text(
                "UPDATE forum_topics SET reply_count = :replies, next_number = :next, last_post_number = :last,"
                " last_post_at = :now WHERE id = :topic"
            ),
            {
                "replies": replies,
                "next": replies + 2,
                "last": replies + 1,
                "now": datetime.now(UTC),
                "topic": ids["topic"],
            },
        )
        session.execute(text("ANALYZE"))
    print(f"loaded {topics:,} topics and {replies:,} replies in {time.perf_counter() - started:.1f} s")
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--topics", type=int, default=50_000)
    parser.add_argument("--replies", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
        app, url = bench_app(Path(tmp), args.database_url)
        ids = build(app, args.topics, args.replies)
        client, _ = sign_in(app, MEMBER_EMAIL, PASSWORD)
        base = f"/c/{ids['community']}/forum"
        last_list = page_count(args.topics, TOPICS_PER_PAGE)
        last_topic = page_count(args.replies + 1, POSTS_PER_PAGE)
        pages = [
            (f"category of {args.topics:,} topics, first page", f"{base}/{ids['category']}/"),
            (
                f"category of {args.topics:,} topics, last page ({last_list:,})",
                f"{base}/{ids['category']}/?page={last_list}",
            ),
            (f"topic of {args.replies:,} replies, first page", f"{base}/t/{ids['topic']}"),
            (
                f"topic of {args.replies:,} replies, last page ({last_topic})",
                f"{base}/t/{ids['topic']}?page={last_topic}",
            ),
            ("the community's latest topics, first page", f"{base}/latest"),
        ]
        report = time_pages(
            app,
            client,
            f"Forum pages, signed in as a member ({url.split(':')[0]})",
            pages,
            TARGET_MS,
            args.repeat,
        )
        report.exit()


if __name__ == "__main__":
    main()
