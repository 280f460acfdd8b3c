"""Running jobs: handlers registered by kind, one job per transaction, and the worker loop.

A job's handler works in the same transaction that records the job as done, so its writes and its
completion commit together or not at all. That transaction begins (``BEGIN IMMEDIATE`` on SQLite) only
when the handler first touches the database: a handler that only talks to the outside world, like
sending mail, holds no database lock while it waits.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from polka.db import WRITE, transaction, utcnow
from polka.jobs.models import JobStatus
from polka.jobs.services import STALE_AFTER, Claim, PermanentJobError, claim_next, complete, fail

log = logging.getLogger(__name__)

#: A handler gets the job's session and payload; it flushes, the runner commits.
Handler = Callable[[Session, dict[str, Any]], None]


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed job (``status`` None: the claim was lost to another worker)."""

    id: int
    kind: str
    attempt: int
    max_attempts: int
    status: JobStatus | None
    seconds: float
    error: str = ""

    def describe(self) -> str:
        head = f"job {self.id} {self.kind} (attempt {self.attempt} of {self.max_attempts})"
        if self.status is JobStatus.DONE:
            return f"{head} done in {self.seconds:.2f}s"
        if self.status is JobStatus.QUEUED:
            return f"{head} failed, will retry: {self.error}"
        if self.status is JobStatus.FAILED:
            return f"{head} failed for good: {self.error}"
        return f"{head} was taken over by another worker; its result was discarded"


class JobRunner:
    """Claims and runs jobs with the handlers registered for their kinds."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        handlers: dict[str, Handler] | None = None,
        *,
        stale_after: timedelta = STALE_AFTER,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self.stale_after = stale_after
        self.clock = clock
        #: Run whenever no job is due (the search outbox, say); each catches its own errors.
        self.idle_tasks: list[Callable[[], object]] = []
        host = socket.gethostname()[:50]
        self.worker_id = f"{host}:{os.getpid()}:{secrets.token_hex(4)}"
        engine = sessions.kw.get("bind")
        # Every transaction of the runner's sessions is a write (BEGIN IMMEDIATE on SQLite), begun lazily.
        self._bind = engine.execution_options(**{WRITE: True}) if isinstance(engine, Engine) else None

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def _session(self) -> Session:
        return self.sessions(bind=self._bind) if self._bind is not None else self.sessions()

    def run_once(self) -> Outcome | None:
        """Run the next due job; return what became of it, or None when there was none."""
        with self._session() as session:
            with transaction(session):
                claim = claim_next(session, self.worker_id, now=self.clock(), stale_after=self.stale_after)
            if claim is None:
                return None
            started = time.monotonic()
            try:
                held = self._run(session, claim)
            except Exception as exc:
                session.rollback()
                error = traceback.format_exc()
                with transaction(session):
                    status = fail(
                        session,
                        claim,
                        error,
                        now=self.clock(),
                        permanent=isinstance(exc, PermanentJobError),
                    )
                summary = _summary(exc)
            else:
                status, summary = (JobStatus.DONE if held else None), ""
            outcome = Outcome(
                claim.id,
                claim.kind,
                claim.attempts,
                claim.max_attempts,
                status,
                time.monotonic() - started,
                summary,
            )
        level = logging.INFO if status is JobStatus.DONE else logging.WARNING
        log.log(level, "%s", outcome.describe())
        return outcome

    def _run(self, session: Session, claim: Claim) -> bool:
        """Run the handler and record the job as done; False if the claim was lost meanwhile."""
        handler = self.handlers.get(claim.kind)
        if handler is None:
            raise PermanentJobError(f"no handler for job kind {claim.kind!r}")
        handler(session, claim.payload())
        if complete(session, claim, now=self.clock()):
            session.commit()
            return True
        session.rollback()  # another worker owns the job now; keep none of this attempt's writes
        return False

    def run_until_idle(self, limit: int = 1000) -> int:
        """Run due jobs until none is left (tests, ``polka worker --once``); return how many ran."""
        ran = 0
        while ran < limit and self.run_once() is not None:
            ran += 1
        self._run_idle_tasks()
        return ran

    def _run_idle_tasks(self) -> None:
        for task in self.idle_tasks:
            task()

    def run_forever(self, stop: threading.Event, idle_sleep: float = 1.0) -> None:
        """Run jobs until ``stop`` is set; the job in hand is always finished first."""
        while not stop.is_set():
            try:
                outcome = self.run_once()
            except Exception:
                # The database is down or locked: keep the worker alive and try again shortly.
                log.exception("the job worker could not reach the database; trying again")
                stop.wait(max(idle_sleep, 1.0))
                continue
            if outcome is None:
                self._run_idle_tasks()
                stop.wait(idle_sleep)


def _summary(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__
