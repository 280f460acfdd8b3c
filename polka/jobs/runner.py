"""Running jobs: handlers registered by kind, one job per transaction, and the worker loop."""

from __future__ import annotations

import logging
import os
import socket
import threading
import traceback
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from polka.db import begin_write
from polka.jobs.services import claim_next, complete, fail, payload_of

log = logging.getLogger(__name__)

#: A handler gets the job's session and payload; it flushes, the runner commits.
Handler = Callable[[Session, dict[str, Any]], None]


class JobRunner:
    """Claims and runs jobs with the handlers registered for their kinds."""

    def __init__(self, sessions: sessionmaker[Session], handlers: dict[str, Handler] | None = None) -> None:
        self.sessions = sessions
        self.handlers: dict[str, Handler] = dict(handlers or {})
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"

    def register(self, kind: str, handler: Handler) -> None:
        self.handlers[kind] = handler

    def run_once(self) -> bool:
        """Run the next due job; return False when there was none."""
        with self.sessions() as session:
            begin_write(session)
            job = claim_next(session, self.worker_id)
            if job is None:
                return False
            handler = self.handlers.get(job.kind)
            try:
                if handler is None:
                    raise LookupError(f"no handler for job kind {job.kind!r}")
                begin_write(session)
                handler(session, payload_of(job))
                complete(session, job)
                session.commit()
            except Exception:
                session.rollback()
                error = traceback.format_exc()
                log.warning("job %s (%s) failed: %s", job.id, job.kind, error.splitlines()[-1])
                begin_write(session)
                fresh = session.get(type(job), job.id, populate_existing=True)
                if fresh is not None:
                    fail(session, fresh, error)
                session.commit()
            return True

    def run_until_idle(self, limit: int = 1000) -> int:
        """Run due jobs until none is left (tests, ``polka worker --once``); return how many ran."""
        ran = 0
        while ran < limit and self.run_once():
            ran += 1
        return ran

    def run_forever(self, stop: threading.Event, idle_sleep: float = 1.0) -> None:
        while not stop.is_set():
            if not self.run_once():
                stop.wait(idle_sleep)
