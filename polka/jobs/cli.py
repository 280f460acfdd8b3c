"""``polka worker``: runs background jobs until stopped."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import FrameType

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from polka.jobs.models import Job
from polka.jobs.runner import JobRunner

log = logging.getLogger("polka.jobs.worker")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then exit.")
@click.option(
    "--idle-sleep",
    type=click.FloatRange(min=0.05),
    default=1.0,
    show_default=True,
    help="Seconds to wait before looking again when no job is due.",
)
@click.option(
    "--stale-after",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds after which a running job whose worker vanished is run again (default 600).",
)
@with_appcontext
def worker(once: bool, idle_sleep: float, stale_after: float | None) -> None:
    """Run background jobs (email, text extraction, …) until interrupted.

    Ctrl-C or SIGTERM stops the worker cleanly: the job in hand is finished first.
    """
    runner: JobRunner = current_app.extensions["polka.jobs"]
    if stale_after is not None:
        runner.stale_after = timedelta(seconds=stale_after)
    _check_schema()
    with _logging():
        if once:
            ran = runner.run_until_idle()
            log.info("ran %d job(s); none is due now", ran)
            return
        stop = threading.Event()
        with _stop_on_signals(stop):
            log.info("worker %s started; press Ctrl-C to stop", runner.worker_id)
            runner.run_forever(stop, idle_sleep=idle_sleep)
        log.info("worker %s stopped", runner.worker_id)


def _check_schema() -> None:
    engine = current_app.extensions["polka.engine"]
    try:
        ready = inspect(engine).has_table(Job.__tablename__)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"cannot reach the database: {exc}") from exc
    if not ready:
        raise click.ClickException("the database has no job table yet: run `polka db upgrade` first")


@contextmanager
def _logging() -> Iterator[None]:
    """One line per job on standard error (POLKA's log lines, ``polka.logs``), unless logging is
    configured already."""
    jobs_log = logging.getLogger("polka.jobs")
    handler: logging.Handler | None = None
    configured = logging.getLogger().handlers or logging.getLogger("polka").handlers
    if not configured and not jobs_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        jobs_log.addHandler(handler)
    previous = jobs_log.level
    jobs_log.setLevel(logging.INFO)
    try:
        yield
    finally:
        jobs_log.setLevel(previous)
        if handler is not None:
            jobs_log.removeHandler(handler)


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM finish the job in hand and stop; a second Ctrl-C stops at once."""

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("stopping after the job in hand (%s)", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
