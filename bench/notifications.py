"""Notifications benchmark (issue 18): fanning out a change followed by 5,000 people, and a morning's
daily digests for 10,000 people with 20 changes each.

1. Fan-out: 5,000 members follow a community; one of them edits a wiki page in it. The save (the
   request's part: the edit and one queued job) is timed with and without the followers, and the
   fan-out job (5,000 notifications, the header counts, and email jobs for the tenth who want changes
   at once) is timed on its own.
2. Digests: 10,000 people, each with 20 unread notifications of edits to pages they follow, made the
   day before; the 07:00 sweep queues the digests and the worker composes and sends them all (to
   ``.eml`` files: no SMTP server). Timed end to end, with the process's peak memory during the run.

Run with ``.venv/bin/python -m bench.notifications`` (``make bench`` runs every benchmark). SQLite in
a temporary directory by default; ``--database-url postgresql://…`` measures PostgreSQL (the database
must exist and be empty). People, memberships, subscriptions and notifications are bulk-inserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import func, insert, select, update

from bench.common import Measure, Report, bench_app, member_and_community, time_calls
from polka.accounts.models import User
from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Community, Membership, Role
from polka.db import transaction, utcnow
from polka.jobs.models import Job, JobStatus
from polka.notifications.announce import EMAIL_JOB, FAN_OUT_JOB
from polka.notifications.delivery import queue_due_digests
from polka.notifications.models import Notification, NotificationPreference
from polka.notifications.reasons import Frequency, Reason
from polka.subscriptions.models import Subscription
from polka.wiki import services as wiki_services
from polka.wiki.kinds import PAGE_KIND
from polka.wiki.models import WikiPage

FOLLOWERS = 5_000
#: How many changes are fanned out, each timed.
FAN_OUTS = 3
#: The fan-out's target: the 5,000 notifications made and their email queued within this.
FAN_OUT_TARGET_MS = 5_000
#: The save of a change followed by 5,000 people: as quick as any save.
SAVE_TARGET_MS = 50
READERS = 10_000
CHANGES_EACH = 20
PAGES = 200
#: Every daily digest out within five minutes of 07:00, on one worker.
DIGESTS_TARGET_MS = 300_000
#: What the digest run may add to the process's peak memory.
DIGESTS_MEMORY_MB = 300


def _people(app: Flask, prefix: str, count: int, community_id: int) -> list[int]:
    """``count`` active members of the community, bulk-inserted; their ids."""
    factory = app.extensions["polka.sessions"]
    now = utcnow()
    with factory() as session, transaction(session):
        session.execute(
            insert(User),
            [
                {
                    "email": f"{prefix}{n}@met.police.uk",
                    "name": f"{prefix.title()} {n}",
                    "handle": f"{prefix}-{n}",
                    "password_hash": "x",
                    "status": "active",
                    "email_verified_at": now,
                }
                for n in range(count)
            ],
        )
        ids = list(session.scalars(select(User.id).where(User.handle.like(f"{prefix}-%")).order_by(User.id)))
        session.execute(
            insert(Membership),
            [
                {"user_id": i, "community_id": community_id, "role": Role.MEMBER, "created_at": now}
                for i in ids
            ],
        )
    return ids


def _edit(app: Flask, author_id: int, page_id: int, n: int) -> None:
    factory = app.extensions["polka.sessions"]
    with app.test_request_context(), factory() as session, transaction(session):
        page = session.get(WikiPage, page_id)
        assert page is not None
        wiki_services.save_edit(
            session,
            session.get(User, author_id),
            page,
            wiki_services.Edit(
                body=f"The procedure, step {n}.\n",
                summary="",
                marking=page.marking,
                base_number=page.head_number,
            ),
        )


def _page(app: Flask, author_id: int, community_id: int, title: str) -> int:
    factory = app.extensions["polka.sessions"]
    with app.test_request_context(), factory() as session, transaction(session):
        saved = wiki_services.create_page(
            session,
            session.get(User, author_id),
            session.get(Community, community_id),
            title=title,
            edit=wiki_services.Edit(body="The procedure.\n", summary=""),
        )
        return saved.revision.page.id


def _drain(app: Flask) -> None:
    runner = app.extensions["polka.jobs"]
    while runner.run_until_idle(limit=1000) == 1000:
        pass


def fan_out(app: Flask, report: Report, repeat: int) -> None:
    factory = app.extensions["polka.sessions"]
    with factory() as session, transaction(session):
        _admin, member, community = member_and_community(session, app.extensions["polka.passwords"], "Roads")
        author_id, community_id = member.id, community.id
    quiet = _page(app, author_id, community_id, "Quiet procedure")
    followed = _page(app, author_id, community_id, "Busy procedure")
    _drain(app)
    followers = _people(app, "follower", FOLLOWERS, community_id)
    with factory() as session, transaction(session):
        session.execute(
            insert(Subscription),
            [{"user_id": i, "kind": COMMUNITY_KIND, "object_id": community_id} for i in followers],
        )
        session.execute(
            insert(NotificationPreference),
            [
                {"user_id": i, "reason": Reason.FOLLOWED, "frequency": Frequency.IMMEDIATELY}
                for i in followers[:: FOLLOWERS // 500]
            ],
        )
    # The quiet page is in the same community: its followers are the same 5,000. To time a save nobody
    # follows, the subscriptions are looked at only by the job, which is not run while saves are timed.
    counter = iter(range(10_000))
    report.add(
        Measure(
            f"save an edit of a page in a community {FOLLOWERS:,} people follow",
            time_calls(lambda: _edit(app, author_id, followed, next(counter)), repeat=repeat),
            SAVE_TARGET_MS,
        )
    )
    with factory() as session, transaction(session):
        session.execute(update(Subscription).values(object_id=-1))  # nobody follows anything now
    report.add(
        Measure(
            "save an edit of a page nobody follows",
            time_calls(lambda: _edit(app, author_id, quiet, next(counter)), repeat=repeat),
            SAVE_TARGET_MS,
        )
    )
    with factory() as session, transaction(session):
        session.execute(
            delete_jobs := update(Job).where(Job.kind == FAN_OUT_JOB).values(status=JobStatus.DONE)
        )
        session.execute(update(Subscription).values(object_id=community_id))
    del delete_jobs
    runner = app.extensions["polka.jobs"]
    timings = []
    for n in range(FAN_OUTS):
        _edit(app, author_id, followed, 20_000 + n)
        start = time.perf_counter()
        outcome = runner.run_once()
        timings.append(time.perf_counter() - start)
        assert outcome is not None, "no fan-out job was queued"
        assert (outcome.kind, outcome.error) == (FAN_OUT_JOB, ""), outcome
        with factory() as session, transaction(session):
            session.execute(update(Job).where(Job.kind == EMAIL_JOB).values(status=JobStatus.DONE))
    with factory() as session:
        told = session.scalar(select(func.count(Notification.id)))
        emailed = session.scalar(select(func.count(Job.id)).where(Job.kind == EMAIL_JOB))
    report.add(
        Measure(
            f"fan out one change to {FOLLOWERS:,} followers ({told // FAN_OUTS:,} notifications, "
            f"{emailed // FAN_OUTS:,} emails queued)",
            timings,
            FAN_OUT_TARGET_MS,
            against="max",
        )
    )


def _status_kb(field: str) -> int:
    """A figure of this process's ``/proc/self/status`` (Linux), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


def _reset_peak_memory() -> int:
    """Start measuring the peak resident memory from now (Linux: writing 5 to clear_refs resets the
    high-water mark); the resident memory now, in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS")


def _peak_memory_kb() -> int:
    """The peak resident memory since ``_reset_peak_memory``, in kB."""
    return _status_kb("VmHWM")


def digests(app: Flask, report: Report, readers_count: int = READERS) -> None:
    factory = app.extensions["polka.sessions"]
    with factory() as session, transaction(session):
        _admin, member, community = member_and_community(session, app.extensions["polka.passwords"], "PNC")
        author_id, community_id = member.id, community.id
    pages = [_page(app, author_id, community_id, f"Procedure {n}") for n in range(PAGES)]
    _drain(app)
    readers = _people(app, "reader", readers_count, community_id)
    yesterday = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    seven = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
    with factory() as session, transaction(session):
        for start in range(0, readers_count, 1_000):
            session.execute(
                insert(Notification),
                [
                    {
                        "user_id": reader,
                        "reason": Reason.FOLLOWED,
                        "kind": PAGE_KIND,
                        "object_id": pages[(reader + n) % PAGES],
                        "since": 1,
                        "verb": "edited",
                        "actor_id": author_id,
                        "community_id": community_id,
                        "created_at": yesterday + timedelta(seconds=n),
                    }
                    for reader in readers[start : start + 1_000]
                    for n in range(CHANGES_EACH)
                ],
            )
    before_kb = _reset_peak_memory()
    began = time.perf_counter()
    with factory() as session, transaction(session):
        queued = queue_due_digests(session, seven)
    runner = app.extensions["polka.jobs"]
    while runner.run_until_idle(limit=1000) == 1000:
        pass
    seconds = time.perf_counter() - began
    grown_mb = (_peak_memory_kb() - before_kb) / 1024
    sent = len(list(app.extensions["polka.settings"].mail_dir.glob("*.eml")))
    assert (queued, sent) == (readers_count, readers_count), (queued, sent)
    within = grown_mb <= DIGESTS_MEMORY_MB
    report.add(
        Measure(
            f"daily digests for {readers_count:,} people, {CHANGES_EACH} changes each ({sent:,} sent; peak "
            f"memory grew {grown_mb:.0f} MB, {'within' if within else 'ABOVE'} {DIGESTS_MEMORY_MB} MB)",
            [seconds],
            DIGESTS_TARGET_MS if within else 0,  # memory above its bound misses the target too
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--readers", type=int, default=READERS, help="people with a daily digest")
    parser.add_argument("--only", choices=["fan-out", "digests"], help="run one of the two")
    args = parser.parse_args()
    report = Report(f"Notifications ({'postgresql' if args.database_url else 'sqlite'})")
    if args.only != "digests":
        with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
            app, _url = bench_app(Path(tmp), args.database_url, search_inline=True)
            fan_out(app, report, args.repeat)
            app.extensions["polka.engine"].dispose()
    if args.only != "fan-out":
        with tempfile.TemporaryDirectory(prefix="polka-bench-") as tmp:
            app, _url = bench_app(Path(tmp), args.database_url, search_inline=True)
            digests(app, report, args.readers)
            app.extensions["polka.engine"].dispose()
    report.exit()


if __name__ == "__main__":
    main()
