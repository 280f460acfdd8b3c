"""Jobs: atomic claims between processes, recovery after a killed worker, retries and rollback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from polka.db import make_engine, make_session_factory, transaction, utcnow
from polka.jobs.models import Job, JobStatus
from polka.jobs.runner import JobRunner
from polka.jobs.services import PermanentJobError, enqueue, retry_delay
from tests.kernel.jobprocs import HANG, RECORD

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    yield make_session_factory(engine)
    engine.dispose()


def add_jobs(sessions: sessionmaker[Session], kind: str, count: int, **kwargs: Any) -> list[int]:
    with sessions() as session, transaction(session):
        return [enqueue(session, kind, {"n": n}, **kwargs).id for n in range(count)]


def job(sessions: sessionmaker[Session], job_id: int) -> Job:
    with sessions() as session:
        found = session.get(Job, job_id)
        assert found is not None
        return found


def worker_process(mode: str, database_url: str, log: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.kernel.jobprocs", mode, database_url, str(log)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.02)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> Any:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def test_two_worker_processes_run_each_of_500_jobs_exactly_once(sessions, database_url, tmp_path):
    ids = add_jobs(sessions, RECORD, 500)
    log = tmp_path / "runs.log"
    workers = [worker_process("drain", database_url, log) for _ in range(2)]
    try:
        for proc in workers:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "ready"
        for proc in workers:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=60) for proc in workers]
    finally:
        for proc in workers:
            proc.kill()
    assert [proc.returncode for proc in workers] == [0, 0], results
    ran = [int(out.strip()) for out, _err in results]
    lines = log.read_text().splitlines()
    runs = Counter(line.split()[0] for line in lines)
    assert len(lines) == 500
    assert set(runs) == {str(n) for n in range(500)}
    assert max(runs.values()) == 1
    assert sum(ran) == 500
    assert min(ran) > 0, "both processes should have taken jobs"
    with sessions() as session:
        done = session.scalar(select(func.count()).where(Job.id.in_(ids), Job.status == JobStatus.DONE))
    assert done == 500


def start_hanging_job(sessions: sessionmaker[Session], database_url: str, log: Path) -> tuple[int, Any]:
    """A worker process claims a job and is killed (SIGKILL) while running it."""
    [job_id] = add_jobs(sessions, HANG, 1)
    proc = worker_process("hang", database_url, log)
    try:
        wait_for(lambda: log.exists() and "started" in log.read_text())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=10)
    return job_id, proc


def test_job_of_a_killed_worker_is_not_taken_over_before_it_is_stale(sessions, database_url, tmp_path):
    log = tmp_path / "runs.log"
    job_id, proc = start_hanging_job(sessions, database_url, log)
    assert proc.returncode == -signal.SIGKILL
    other = JobRunner(sessions, {HANG: lambda s, p: None}, stale_after=timedelta(minutes=10))
    assert other.run_once() is None
    assert job(sessions, job_id).status is JobStatus.RUNNING


def test_job_of_a_killed_worker_is_run_again_by_another_worker_once_stale(sessions, database_url, tmp_path):
    log = tmp_path / "runs.log"
    job_id, _proc = start_hanging_job(sessions, database_url, log)
    reran: list[dict[str, Any]] = []
    other = JobRunner(sessions, {HANG: lambda s, p: reran.append(p)}, stale_after=timedelta(seconds=0.3))
    time.sleep(0.4)
    outcome = other.run_once()
    assert outcome is not None
    assert (outcome.id, outcome.status, outcome.attempt) == (job_id, JobStatus.DONE, 2)
    assert reran == [{"n": 0}]
    finished = job(sessions, job_id)
    assert finished.status is JobStatus.DONE
    assert finished.attempts == 2


def test_stale_job_on_its_last_attempt_is_given_up(sessions):
    [job_id] = add_jobs(sessions, "test.ok", 1, max_attempts=1)
    clock = Clock()
    runner = JobRunner(
        sessions, {"test.ok": lambda s, p: None}, clock=clock, stale_after=timedelta(minutes=1)
    )
    with sessions() as session, transaction(session):
        # A worker claimed the job's only attempt and vanished.
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=JobStatus.RUNNING, attempts=1, locked_by="gone:1:x", locked_at=clock())
        )
    clock.advance(timedelta(minutes=2))
    assert runner.run_once() is None
    gave_up = job(sessions, job_id)
    assert gave_up.status is JobStatus.FAILED
    assert "worker stopped" in gave_up.last_error


def test_failing_job_is_retried_with_back_off_then_failed_after_max_attempts(sessions):
    [job_id] = add_jobs(sessions, "test.broken", 1, max_attempts=3)
    calls: list[int] = []

    def broken(_session: Session, payload: dict[str, Any]) -> None:
        calls.append(payload["n"])
        raise RuntimeError(f"the service is down (call {len(calls)})")

    clock = Clock()
    runner = JobRunner(sessions, {"test.broken": broken}, clock=clock)
    first = runner.run_once()
    assert first is not None
    assert first.status is JobStatus.QUEUED
    queued = job(sessions, job_id)
    assert queued.run_after == clock() + timedelta(seconds=30)
    assert "the service is down (call 1)" in queued.last_error

    assert runner.run_once() is None, "not due again before its back-off has passed"
    clock.advance(timedelta(seconds=30))
    second = runner.run_once()
    assert second is not None
    assert second.status is JobStatus.QUEUED
    assert job(sessions, job_id).run_after == clock() + timedelta(seconds=60)

    clock.advance(timedelta(seconds=60))
    third = runner.run_once()
    assert third is not None
    assert third.status is JobStatus.FAILED
    failed = job(sessions, job_id)
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 3)
    assert "RuntimeError: the service is down (call 3)" in failed.last_error
    assert failed.finished_at is not None
    clock.advance(timedelta(days=1))
    assert runner.run_once() is None
    assert len(calls) == 3


def test_back_off_doubles_and_is_capped_at_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(50) == timedelta(hours=1)


def test_writes_of_a_failing_handler_are_rolled_back(sessions):
    [job_id] = add_jobs(sessions, "test.partial", 1)

    def partial(session: Session, _payload: dict[str, Any]) -> None:
        enqueue(session, "test.follow-up", {"from": "partial"})
        raise ValueError("failed half way")

    assert JobRunner(sessions, {"test.partial": partial}).run_once() is not None
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Job.kind == "test.follow-up")) == 0
    assert job(sessions, job_id).status is JobStatus.QUEUED


def test_writes_of_a_successful_handler_commit_with_the_job(sessions):
    [job_id] = add_jobs(sessions, "test.writes", 1)

    def writes(session: Session, _payload: dict[str, Any]) -> None:
        enqueue(session, "test.follow-up", {})

    assert JobRunner(sessions, {"test.writes": writes}).run_until_idle(limit=1) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Job.kind == "test.follow-up")) == 1
    assert job(sessions, job_id).status is JobStatus.DONE


def test_unknown_job_kind_fails_at_once_without_retries(sessions):
    [job_id] = add_jobs(sessions, "test.nobody-handles-this", 1)
    outcome = JobRunner(sessions, {}).run_once()
    assert outcome is not None
    assert outcome.status is JobStatus.FAILED
    failed = job(sessions, job_id)
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 1)
    assert "no handler for job kind 'test.nobody-handles-this'" in failed.last_error


def test_permanent_error_fails_the_job_without_retries(sessions):
    [job_id] = add_jobs(sessions, "test.hopeless", 1)

    def hopeless(_session: Session, _payload: dict[str, Any]) -> None:
        raise PermanentJobError("the address does not exist")

    JobRunner(sessions, {"test.hopeless": hopeless}).run_once()
    assert job(sessions, job_id).status is JobStatus.FAILED


def test_job_with_a_corrupt_payload_fails_cleanly(sessions):
    [job_id] = add_jobs(sessions, "test.ok", 1)
    with sessions() as session, transaction(session):
        session.execute(update(Job).where(Job.id == job_id).values(payload="[not json"))
    outcome = JobRunner(sessions, {"test.ok": lambda s, p: None}).run_once()
    assert outcome is not None
    assert outcome.status is JobStatus.FAILED
    assert "payload" in job(sessions, job_id).last_error


def test_job_does_not_run_before_its_run_after(sessions):
    with sessions() as session, transaction(session):
        enqueue(session, "test.ok", {}, run_after=utcnow() + timedelta(hours=1))
    assert JobRunner(sessions, {"test.ok": lambda s, p: None}).run_once() is None


def test_worker_that_lost_its_claim_keeps_none_of_its_writes(sessions):
    [job_id] = add_jobs(sessions, "test.slow", 1)

    def taken_over(session: Session, _payload: dict[str, Any]) -> None:
        # Meanwhile another worker decided this job was stale and took it over.
        with sessions() as other, transaction(other):
            other.execute(update(Job).where(Job.id == job_id).values(locked_by="other:2:y", attempts=2))
        enqueue(session, "test.follow-up", {})

    outcome = JobRunner(sessions, {"test.slow": taken_over}).run_once()
    assert outcome is not None
    assert outcome.status is None
    assert "taken over" in outcome.describe()
    with sessions() as session:
        assert session.scalar(select(func.count()).where(Job.kind == "test.follow-up")) == 0
    assert job(sessions, job_id).locked_by == "other:2:y"


def test_jobs_run_oldest_first(sessions):
    order: list[int] = []
    add_jobs(sessions, "test.order", 3)
    JobRunner(sessions, {"test.order": lambda s, p: order.append(p["n"])}).run_until_idle()
    assert order == [0, 1, 2]
