"""Enqueueing and claiming jobs. Claims are atomic on SQLite and PostgreSQL, so no job runs twice.

A claim is one ``UPDATE … RETURNING`` of the oldest due job, made in a write transaction
(``BEGIN IMMEDIATE`` on SQLite); on PostgreSQL the candidate row is chosen with
``FOR UPDATE SKIP LOCKED`` so concurrent workers never wait on each other. A job whose worker died
while running it (``locked_at`` older than ``stale_after``) is claimed again, and given up once it has
used all its attempts. Finishing a job is a conditional update on the claim (worker and attempt), so
a worker that lost its claim to another cannot also record the job as done.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import CursorResult, and_, insert, or_, select, update
from sqlalchemy.orm import Session

from polka.db import utcnow
from polka.jobs.models import Job, JobStatus

#: How long a running job may go without finishing before another worker takes it over.
STALE_AFTER = timedelta(minutes=10)
#: Longest back-off between two attempts.
MAX_RETRY_DELAY = timedelta(hours=1)
_ERROR_CHARS = 4000


class PermanentJobError(Exception):
    """Raised by a handler when trying again cannot help: the job fails at once, without retries."""


@dataclass(frozen=True)
class Claim:
    """A job taken by one worker for one attempt."""

    id: int
    kind: str
    payload_json: str
    attempts: int
    max_attempts: int
    worker_id: str

    def payload(self) -> dict[str, Any]:
        """The decoded payload; ``PermanentJobError`` if it is not a JSON object."""
        try:
            return _decode(self.payload_json)
        except ValueError as exc:
            raise PermanentJobError(f"the job's payload is not a JSON object: {exc}") from exc


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    max_attempts: int = 5,
    run_after: datetime | None = None,
) -> Job:
    """Add a job in the caller's transaction: it runs only if that transaction commits."""
    if max_attempts < 1:
        raise ValueError("a job needs at least one attempt")
    now = utcnow()
    job = Job(
        kind=kind,
        payload=json.dumps(payload or {}, sort_keys=True),
        status=JobStatus.QUEUED,
        attempts=0,
        max_attempts=max_attempts,
        run_after=run_after or now,
        created_at=now,
    )
    session.add(job)
    session.flush()
    return job


def enqueue_many(
    session: Session, kind: str, payloads: list[dict[str, Any]], *, max_attempts: int = 5
) -> None:
    """Add a job of ``kind`` for each payload in one statement, in the caller's transaction (for work
    fanned out to many people at once)."""
    if max_attempts < 1:
        raise ValueError("a job needs at least one attempt")
    if not payloads:
        return
    now = utcnow()
    session.execute(
        insert(Job),
        [
            {
                "kind": kind,
                "payload": json.dumps(payload, sort_keys=True),
                "status": JobStatus.QUEUED,
                "attempts": 0,
                "max_attempts": max_attempts,
                "run_after": now,
                "created_at": now,
            }
            for payload in payloads
        ],
    )


def give_up_stale(session: Session, *, now: datetime, stale_after: timedelta = STALE_AFTER) -> int:
    """Fail running jobs whose worker vanished on their last attempt; return how many."""
    result = session.execute(
        update(Job)
        .where(
            Job.status == JobStatus.RUNNING,
            Job.locked_at < now - stale_after,
            Job.attempts >= Job.max_attempts,
        )
        .values(
            status=JobStatus.FAILED,
            finished_at=now,
            locked_by="",
            locked_at=None,
            last_error="The worker stopped while running the last attempt of this job.",
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result)


def claim_next(
    session: Session,
    worker_id: str,
    *,
    now: datetime | None = None,
    stale_after: timedelta = STALE_AFTER,
) -> Claim | None:
    """Take the oldest due job for ``worker_id`` (the caller commits the claim); None when idle.

    Call it in a write transaction (``transaction(session)``): on SQLite that is what makes the
    claim atomic between processes.
    """
    now = now or utcnow()
    give_up_stale(session, now=now, stale_after=stale_after)
    due = or_(
        and_(Job.status == JobStatus.QUEUED, Job.run_after <= now),
        and_(Job.status == JobStatus.RUNNING, Job.locked_at < now - stale_after),
    )
    candidate = select(Job.id).where(due).order_by(Job.run_after, Job.id).limit(1)
    if session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    row = session.execute(
        update(Job)
        .where(Job.id == candidate.scalar_subquery(), due)
        .values(status=JobStatus.RUNNING, locked_by=worker_id, locked_at=now, attempts=Job.attempts + 1)
        .returning(Job.id, Job.kind, Job.payload, Job.attempts, Job.max_attempts)
        .execution_options(synchronize_session=False)
    ).one_or_none()
    if row is None:
        return None
    return Claim(
        id=row.id,
        kind=row.kind,
        payload_json=row.payload,
        attempts=row.attempts,
        max_attempts=row.max_attempts,
        worker_id=worker_id,
    )


def complete(session: Session, claim: Claim, *, now: datetime | None = None) -> bool:
    """Record the job as done; False if the claim was lost (another worker took the job over)."""
    result = session.execute(
        update(Job)
        .where(*_held(claim))
        .values(status=JobStatus.DONE, finished_at=now or utcnow(), last_error="", locked_by="")
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def retry_delay(attempts: int) -> timedelta:
    """Exponential back-off after ``attempts`` failures: 30 s, 1 min, 2 min, 4 min … at most an hour."""
    exponent = min(max(attempts - 1, 0), 20)
    return min(timedelta(seconds=30 * 2**exponent), MAX_RETRY_DELAY)


def fail(
    session: Session, claim: Claim, error: str, *, now: datetime | None = None, permanent: bool = False
) -> JobStatus | None:
    """Record a failed attempt: queue a retry with back-off, or give up after ``max_attempts``.

    Returns the job's new status, or None if the claim was lost to another worker.
    """
    now = now or utcnow()
    gave_up = permanent or claim.attempts >= claim.max_attempts
    values: dict[str, Any] = {"last_error": error[-_ERROR_CHARS:], "locked_by": "", "locked_at": None}
    if gave_up:
        values.update(status=JobStatus.FAILED, finished_at=now)
    else:
        values.update(status=JobStatus.QUEUED, run_after=now + retry_delay(claim.attempts))
    result = session.execute(
        update(Job).where(*_held(claim)).values(**values).execution_options(synchronize_session=False)
    )
    if _rowcount(result) != 1:
        return None
    return JobStatus.FAILED if gave_up else JobStatus.QUEUED


def payload_of(job: Job) -> dict[str, Any]:
    return _decode(job.payload)


def _held(claim: Claim) -> tuple[Any, ...]:
    """The job is still this claim's: running, by this worker, on this attempt."""
    return (
        Job.id == claim.id,
        Job.status == JobStatus.RUNNING,
        Job.locked_by == claim.worker_id,
        Job.attempts == claim.attempts,
    )


def _decode(payload: str) -> dict[str, Any]:
    data = json.loads(payload or "{}")
    if not isinstance(data, dict):
        raise ValueError("a job payload must be a JSON object")
    return data


def _rowcount(result: Any) -> int:
    return int(result.rowcount) if isinstance(result, CursorResult) else 0
