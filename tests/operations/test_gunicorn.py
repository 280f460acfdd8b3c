"""The reference gunicorn settings (``deploy/gunicorn.conf.py``) under a real gunicorn with two worker
processes: the probes answer, and ``/metrics`` adds up the requests every worker answered."""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.docs.test_crash_safety import ROOT, _environment, _free_port, _wait_for
from tests.operations.test_metrics import login_page, samples


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read().decode()


@pytest.fixture
def served(settings_overrides: dict[str, Any], app: Any) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--workers", "2"),
            *("--bind", f"127.0.0.1:{port}", "--graceful-timeout", "2", "wsgi:app"),
        ],
        cwd=ROOT,
        env={**_environment(settings_overrides), "POLKA_LOG_FORMAT": "text"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def up() -> bool:
        try:
            return _get(port, "/healthz")[0] == 200
        except OSError:
            return False

    try:
        _wait_for(up, "gunicorn to start")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_the_probes_answer_and_metrics_add_up_every_worker(served, settings_overrides):
    assert _get(served, "/healthz") == (200, '{"status":"up"}\n')
    assert _get(served, "/readyz")[0] == 503  # the test database was never migrated: not ready
    for _ in range(20):  # a connection each: both workers answer some
        assert _get(served, "/login")[0] == 200
    status, text = _get(served, "/metrics")
    assert status == 200
    assert login_page(samples(text)) == 20
    assert list((settings_overrides["data_dir"] / "metrics").glob("counter_*.db"))  # each worker's file
