"""Worker processes for the job tests: ``python -m tests.kernel.jobprocs MODE DATABASE_URL LOG``.

Each process has its own engine, like a real ``polka worker``. Every handler run appends one line to
LOG (``O_APPEND`` writes of one short line are atomic), so the test can count executions.

Modes:
  drain  print "ready", wait for a line on stdin, run jobs until none is due, print how many ran.
  hang   run jobs whose handler logs "started" then sleeps: the test kills the process mid-job.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from sqlalchemy.orm import Session

from polka.db import make_engine, make_session_factory
from polka.jobs.runner import JobRunner

RECORD = "test.record"
HANG = "test.hang"


def append_line(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, f"{line}\n".encode())
    finally:
        os.close(fd)


def main(mode: str, url: str, log_path: str) -> None:
    # Durability is not under test here; without a flush to disk per commit the test stays quick.
    fast = {"connect_args": {"options": "-c synchronous_commit=off"}} if url.startswith("postgresql") else {}
    engine = make_engine(url, **fast)
    sessions = make_session_factory(engine)

    def record(_session: Session, payload: dict[str, Any]) -> None:
        append_line(log_path, f"{payload['n']} {os.getpid()}")
        # A job takes a moment, as real ones do: on a loaded machine a process that started first could
        # otherwise drain every job before the other was scheduled at all, and no claim would contend.
        time.sleep(0.002)

    def hang(_session: Session, payload: dict[str, Any]) -> None:
        append_line(log_path, f"started {payload['n']} {os.getpid()}")
        time.sleep(60)

    runner = JobRunner(sessions, {RECORD: record, HANG: hang})
    if mode == "drain":
        print("ready", flush=True)
        sys.stdin.readline()
        print(runner.run_until_idle(limit=100_000), flush=True)
    elif mode == "hang":
        runner.run_once()
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    engine.dispose()


if __name__ == "__main__":
    main(*sys.argv[1:4])
