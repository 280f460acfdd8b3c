"""Enqueueing and claiming jobs. Claims are atomic on SQLite and PostgreSQL, so no job runs twice.

A claim is one ``UPDATE … RETURNING`` of the oldest due job; on PostgreSQL the candidate row is
chosen with ``FOR UPDATE SKIP LOCKED`` so concurrent workers never wait on each other. A job whose
worker died while running (``locked_at`` older than ``stale_after``) is claimed again.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from polka.db import utcnow
from polka.jobs.models import Job, JobStatus

#: How long a running job may go without finishing before another worker takes it over.
STALE_AFTER = timedelta(minutes=10)


def enqueue(
    session: Session, kind: str, payload: dict[str, Any] | None = None, *, max_attempts: int = 5,
    run_after: datetime | None = None,
) -> Job:
    """Add a job in the caller's transaction: it runs only if that transaction commits."""
    job = Job(
        kind=kind,
        payload=json.dumps(payload or {}, sort_keys=True),
        max_attempts=max_attempts,
        run_after=run_after or utcnow(),
        created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    return job


def claim_next(session: Session, worker_id: str, *, now: datetime | None = None) -> Job | None:
    """Atomically take the oldest due job for ``worker_id`` and commit the claim; None if idle."""
    now = now or utcnow()
    due = or_(
        (Job.status == JobStatus.QUEUED) & (Job.run_after <= now),
        (Job.status == JobStatus.RUNNING) & (Job.locked_at < now - STALE_AFTER),
    )
    candidate = select(Job.id).where(due).order_by(Job.run_after, Job.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    job_id = session.execute(
        update(Job)
        .where(Job.id == candidate.scalar_subquery(), due)
        .values(status=JobStatus.RUNNING, locked_by=worker_id, locked_at=now, attempts=Job.attempts + 1)
        .returning(Job.id)
    ).scalar()
    session.commit()
    if job_id is None:
        return None
    return session.get(Job, job_id, populate_existing=True)


def complete(session: Session, job: Job) -> None:
    job.status = JobStatus.DONE
    job.finished_at = utcnow()
    job.last_error = ""


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off: 30 s, 1 min, 2 min, 4 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def fail(session: Session, job: Job, error: str, *, now: datetime | None = None) -> None:
    """Record a failed attempt: retry later with back-off, or give up after ``max_attempts``."""
    now = now or utcnow()
    job.last_error = error[-4000:]
    job.locked_by = ""
    job.locked_at = None
    if job.attempts >= job.max_attempts:
        job.status = JobStatus.FAILED
        job.finished_at = now
    else:
        job.status = JobStatus.QUEUED
        job.run_after = now + retry_delay(job.attempts)


def payload_of(job: Job) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(job.payload or "{}")
    return data
