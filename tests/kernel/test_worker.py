"""``polka worker``: runs due jobs, stops cleanly on a signal, explains a database without tables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from polka import create_app
from polka.db import transaction
from polka.jobs.models import Job, JobStatus
from polka.mail import queue_mail
from tests.kernel.smtp import free_port, smtp_server

POLKA = Path(sys.executable).parent / "polka"


def queue(session, subject: str = "Hello") -> int:
    with transaction(session):
        return queue_mail(session, to="a@met.police.uk", subject=subject, body="x").id


def status_of(session, job_id: int) -> JobStatus:
    session.rollback()
    job = session.get(Job, job_id, populate_existing=True)
    assert job is not None
    return job.status


def test_worker_once_runs_the_due_jobs_and_exits(runner, app, session):
    job_ids = [queue(session, "One"), queue(session, "Two")]
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [status_of(session, job_id) for job_id in job_ids] == [JobStatus.DONE, JobStatus.DONE]
    assert len(list(app.extensions["polka.settings"].mail_dir.glob("*.eml"))) == 2


def test_worker_on_a_database_without_tables_says_to_migrate(settings_overrides, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    app = create_app(
        **{**settings_overrides, "data_dir": empty, "database_url": f"sqlite:///{empty / 'polka.db'}"}
    )
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    app.extensions["polka.engine"].dispose()
    assert result.exit_code == 1
    assert "polka db upgrade" in result.output


def worker_env(settings_overrides, smtp_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "POLKA_DATA_DIR": str(settings_overrides["data_dir"]),
        "POLKA_DATABASE_URL": settings_overrides["database_url"],
        "POLKA_SECRET_KEY": "test-secret-key",
        "POLKA_SMTP_URL": smtp_url,
    }


@pytest.mark.parametrize("stop_with", [signal.SIGTERM, signal.SIGINT])
def test_signal_lets_the_worker_finish_the_job_in_hand_then_exit_0(
    app, session, settings_overrides, stop_with
):
    port = free_port()
    job_id = queue(session, "Slow")
    with smtp_server(port) as (inbox, _):
        inbox.delay = 1.0  # the server takes a second to accept the message
        proc = subprocess.Popen(
            [str(POLKA), "worker", "--idle-sleep", "0.1"],
            env=worker_env(settings_overrides, f"smtp://127.0.0.1:{port}"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            assert inbox.data_started.wait(timeout=20), "the worker never sent the mail"
            proc.send_signal(stop_with)
            _out, err = proc.communicate(timeout=20)
        finally:
            proc.kill()
    assert proc.returncode == 0, err
    assert [r.message["Subject"] for r in inbox.received] == ["Slow"]
    assert status_of(session, job_id) is JobStatus.DONE
    assert f"job {job_id} mail.send (attempt 1 of 8) done" in err
    assert "stopping after the job in hand" in err


def test_worker_keeps_polling_and_runs_jobs_queued_after_it_started(app, session, settings_overrides):
    proc = subprocess.Popen(
        [str(POLKA), "worker", "--idle-sleep", "0.1"],
        env=worker_env(settings_overrides, ""),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.5)
        job_id = queue(session, "Later")
        deadline = time.monotonic() + 20
        while status_of(session, job_id) is not JobStatus.DONE and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status_of(session, job_id) is JobStatus.DONE
    finally:
        proc.terminate()
        proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert session.scalars(select(Job.status)).all() == [JobStatus.DONE]
