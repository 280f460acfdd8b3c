"""Blog benchmark: a community blog of 10,000 published posts, four years of them, through the test
client signed in as a member: the index's first and last page, a tag's page, a month of the archive and
a post, median under 30 ms each, and the SQL statements each page runs (the same on the first and the
last page).

Run with ``.venv/bin/python -m bench.blog`` (``make bench`` runs every benchmark). SQLite in a
temporary directory by default; ``--database-url postgresql://…`` measures PostgreSQL (the database must
exist and be empty). The posts are written in bulk, as publishing leaves them (kept HTML, excerpt,
reading time, UK month), from one rendering of one body, so loading takes seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask
from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session

from bench.common import MEMBER_EMAIL, PASSWORD, bench_app, member_and_community, time_pages
from bench.pages import sign_in
from polka.accounts.services import create_user
from polka.blog import rendering
from polka.blog.models import BlogComment, BlogPost, BlogPostTag, CommentStatus, PostStatus
from polka.blog.months import uk_month
from polka.blog.reads import COMMENTS_PER_PAGE, PER_PAGE
from polka.blog.services import tag_id
from polka.communities.models import Role
from polka.communities.services import add_member
from polka.db import transaction
from polka.markings import Marking
from polka.months import Month
from polka.pagination import page_count

TARGET_MS = 30
#: The comments under the post that is timed: four pages of them, with replies.
ON_TIMED_POST = 250
COMMENT = "Thanks: we tried the **same** in our ward and the figures matched. Did you brief the PCSOs first?"
WRITERS = 8
YEARS = 4
#: Each post's main theme (every twentieth post has the same one), its tag and its title's start.
THEMES = (
    ("weekly update", "The week in the neighbourhood teams"),
    ("asb", "Antisocial behaviour hotspots"),
    ("rural crime", "Rural crime and farm watch"),
    ("road safety", "Road safety on the A-roads"),
    ("engagement", "Ward panels and what residents told us"),
    ("social media", "Running a team account"),
    ("problem solving", "A problem-solving plan closed"),
    ("training", "What the new starters learned"),
    ("wellbeing", "Looking after the team"),
    ("shoplifting", "Retail crime and the town centre"),
    ("night-time economy", "Friday nights in the town centre"),
    ("schools", "The schools officers' term"),
    ("burglary", "Burglary prevention in the autumn"),
    ("domestic abuse", "Domestic abuse and the follow-up visit"),
    ("missing persons", "Missing from home: the first hour"),
    ("mental health", "Street triage, six months on"),
    ("licensing", "Licensing visits and what we found"),
    ("volunteers", "Specials and volunteers this quarter"),
    ("knife crime", "Knife crime week"),
    ("fraud", "Doorstep fraud and older residents"),
)
#: Tags a post may carry besides its theme's.
EXTRA_TAGS = ("pcso", "specials", "partnership", "data", "what worked", "lessons learned", "stop & search")
BODY = """Every Monday morning the team looks back at the week before, and this post is the written \
version of that conversation: what went well, what did not, and what we are changing. It is written for \
the whole community, so skip to the part that matters to you.

## What happened

We had **fourteen** reports in the hotspot streets this week, down from twenty-two the week before. Most \
were in the evening, between 18:00 and 22:00, and most were near the parade of shops on the main road. \
The new lighting went in on Wednesday, and the shopkeepers told us the difference was obvious on the \
first night. We will know whether it lasts when we have a month of figures, not a week.

Two things helped more than we expected:

- **Walking the same route at the same time** on three evenings running. Residents noticed, said so, and \
two of them gave us information we would not otherwise have had.
- **Calling back everyone who reported**, even when there was nothing new to tell them. It takes ten \
minutes and it is the thing people mention at the ward panel.

## What did not work

The joint visit with the housing association fell through twice because nobody owned the booking. From \
now on the PCSO who raises a joint visit books it, sends the invitation and writes it up afterwards. It \
sounds obvious; it was not happening.

The text alert went out late on Thursday because the template was out of date. The up-to-date template \
is in the [[Problem solving toolkit]], and the old one has been taken down.

## The figures

| Week | Reports | Arrests | Visits |
|---|---|---|---|
| Last week | 22 | 3 | 41 |
| This week | 14 | 2 | 57 |

The figures are a guide, not a target: a week with more reports can be a good week if more people \
trusted us enough to ring.

## Next week

1. The evening patrols move to the streets behind the station.
2. Ward panel dates go out on Tuesday; send your availability to the coordinator.
3. The schools team starts the bike-marking sessions, and they need two volunteers each afternoon.

Thanks to everyone who covered the late shifts this week. Questions, corrections and better ideas are \
welcome in the comments, or talk to me at the briefing on Monday.
"""


@dataclass(frozen=True)
class Blog:
    """What the pages are measured on: the community's address, a post, a tag and a month."""

    community: str
    post: int
    tag: str
    tagged: int
    month: Month
    in_month: int
    #: how many comments the post has
    comments: int


@dataclass(frozen=True)
class Written:
    """A post as loaded: its id, when it was published (its comments come after), its UK month and its
    tags."""

    id: int
    published_at: datetime
    month: int
    tags: str


def build(app: Flask, posts: int, comments: int) -> Blog:
    """A restricted community with a reader, writers and a blog of ``posts`` published posts under which
    the writers left ``comments`` comments."""
    sessions = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    with sessions() as session, transaction(session):
        _, _, community = member_and_community(session, hasher, "Neighbourhood Policing")
        writers = []
        for n in range(WRITERS):
            writer = create_user(
                session, hasher, email=f"writer{n}@met.police.uk", name=f"Writer {n}", password=PASSWORD
            )
            add_member(session, community, writer, Role.MEMBER)
            writers.append(writer.id)
        slug, community_id = community.slug, community.id
    started = time.perf_counter()
    with sessions() as session, transaction(session):
        written = _posts(session, community_id, writers, posts, datetime.now(UTC))
        on_timed = _comments(session, written, comments, writers)
        session.execute(text("ANALYZE"))
    _settle(app)
    print(f"loaded {posts:,} posts and {comments:,} comments in {time.perf_counter() - started:.1f} s")
    tag = THEMES[0][0]
    month = Month.from_key(written[len(written) // 2].month)
    return Blog(
        community=slug,
        post=written[-1].id,
        tag=tag,
        tagged=sum(tag in w.tags.split(",") for w in written),
        comments=on_timed,
        month=month,
        in_month=sum(w.month == month.key for w in written),
    )


def _settle(app: Flask) -> None:
    """The database as a running site's would be a while after the load."""
    engine = app.extensions["polka.engine"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "sqlite":
            # the bulk load left every page in the write-ahead log; SQLite folds it back into the
            # database by itself after every 1,000 pages written, as a running site's writes keep doing
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            # autovacuum does this within a minute of the load (and marks the pages all-visible, which
            # index-only scans need): done now, so that it does not happen halfway through the timing
            connection.exec_driver_sql("VACUUM ANALYZE blog_posts")


def _posts(
    session: Session, community_id: int, writers: list[int], count: int, now: datetime
) -> list[Written]:
    """``count`` published posts of the community's blog by ``writers``, spread over the ``YEARS``
    years before ``now``, oldest first. Their comments are added with the comments model."""
    rendered = rendering.render(BODY)
    html = rendered.html
    links = json.dumps([list(link) for link in rendered.objects])
    version, minutes = rendering.renderer_version(), rendering.reading_minutes(html)
    from_body = rendering.excerpt("", html)
    chance = random.Random(2024)
    first, step = now - timedelta(days=365 * YEARS), timedelta(days=365 * YEARS) / count
    written: list[Written] = []
    tag_ids: dict[str, int] = {}
    batch = 2_000
    for start in range(0, count, batch):
        rows: list[dict[str, Any]] = []
        for n in range(start, min(start + batch, count)):
            tag, title = THEMES[n % len(THEMES)]
            tags = ",".join([tag, *chance.sample(EXTRA_TAGS, chance.randrange(3))])
            summary = "" if n % 4 == 3 else f"{title}: the figures, what worked and what we change next."
            published = first + step * n + timedelta(minutes=chance.randrange(-90, 90))
            rows.append(
                {
                    "community_id": community_id,
                    "marking": Marking.OFFICIAL,
                    "created_at": published - timedelta(hours=chance.randrange(1, 72)),
                    "created_by_id": writers[n % len(writers)],
                    "updated_at": published,
                    "updated_by_id": writers[n % len(writers)],
                    "title": f"{title} ({n + 1})",
                    "summary": summary,
                    "body": BODY,
                    "html": html,
                    "links": links,
                    "renderer_version": version,
                    "tags": tags,
                    "status": PostStatus.PUBLISHED,
                    "published_at": published,
                    "published_month": uk_month(published),
                    "excerpt": summary or from_body,
                    "reading_minutes": minutes,
                }
            )
        ids = list(
            session.scalars(insert(BlogPost).returning(BlogPost.id, sort_by_parameter_order=True), rows)
        )
        names = {name for row in rows for name in row["tags"].split(",")}
        tag_ids.update({name: tag_id(session, community_id, name) for name in names - tag_ids.keys()})
        session.execute(
            insert(BlogPostTag),
            [
                {"post_id": post_id, "tag_id": tag_ids[name]}
                for post_id, row in zip(ids, rows, strict=True)
                for name in row["tags"].split(",")
            ],
        )
        written += (
            Written(post_id, row["published_at"], row["published_month"], row["tags"])
            for post_id, row in zip(ids, rows, strict=True)
        )
    return written


def _comments(session: Session, written: list[Written], count: int, readers: list[int]) -> int:
    """``count`` published comments by ``readers`` under the posts, a fifth of them replies, each post's
    after it went out; the newest post (the one timed) has ``ON_TIMED_POST`` of them, more than a page.
    Each post's count is set as the services keep it. Returns how many the timed post has."""
    rendered = rendering.render(COMMENT)
    html, version = rendered.html, rendering.renderer_version()
    chance = random.Random(2025)
    timed = written[-1]
    shares = [ON_TIMED_POST if w is timed else 0 for w in written]
    for _ in range(count - ON_TIMED_POST):
        shares[chance.randrange(len(written) - 1)] += 1
    counts: dict[int, int] = {}
    rows: list[dict[str, Any]] = []

    def flush() -> None:
        session.execute(insert(BlogComment), rows)
        rows.clear()

    for post, share in zip(written, shares, strict=True):
        counts[post.id] = share
        tops = max(1, share * 4 // 5)
        for n in range(tops):
            rows.append(_comment_row(post, None, n, readers, html, version))
        if len(rows) >= 5_000:
            flush()
        if share > tops:
            flush()
            parents = list(
                session.scalars(
                    select(BlogComment.id).where(BlogComment.post_id == post.id).limit(share - tops)
                )
            )
            rows.extend(
                _comment_row(post, parents[n % len(parents)], tops + n, readers, html, version)
                for n in range(share - tops)
            )
    flush()
    session.execute(
        update(BlogPost),
        [{"id": post_id, "comment_count": share} for post_id, share in counts.items() if share],
    )
    return counts[timed.id]


def _comment_row(
    post: Written, parent: int | None, n: int, readers: list[int], html: str, version: int
) -> dict[str, Any]:
    return {
        "post_id": post.id,
        "parent_id": parent,
        "author_id": readers[n % len(readers)],
        "body": COMMENT,
        "html": html,
        "links": "[]",
        "renderer_version": version,
        "status": CommentStatus.PUBLISHED,
        "created_at": post.published_at + timedelta(minutes=10 + n),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
        app, url = bench_app(Path(tmp), args.database_url)
        blog = build(app, args.posts, args.comments)
        client, _ = sign_in(app, MEMBER_EMAIL, PASSWORD)
        base = f"/c/{blog.community}/blog"
        last = page_count(args.posts, PER_PAGE)
        last_comments = page_count(blog.comments * 4 // 5, COMMENTS_PER_PAGE)
        pages = [
            (f"index of {args.posts:,} posts, first page", f"{base}/"),
            (f"index of {args.posts:,} posts, last page ({last:,})", f"{base}/?page={last}"),
            (f"tag “{blog.tag}” ({blog.tagged:,} posts), first page", f"{base}/?tag={quote(blog.tag)}"),
            (
                f"archive, {blog.month.label} ({blog.in_month} posts)",
                f"{base}/{blog.month.year}/{blog.month.month}/",
            ),
            (f"the newest post ({blog.comments} comments), first page of comments", f"{base}/{blog.post}"),
            ("the same post, last page of comments", f"{base}/{blog.post}?comments={last_comments}"),
        ]
        report = time_pages(
            app,
            client,
            f"Blog pages, signed in as a member ({url.split(':')[0]})",
            pages,
            TARGET_MS,
            args.repeat,
        )
        report.exit()


if __name__ == "__main__":
    main()
