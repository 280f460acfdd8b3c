"""The reference gunicorn settings (``deploy/gunicorn.conf.py``) under a real gunicorn with two worker
processes: the probes answer, and ``/metrics`` adds up the requests every worker answered."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from tests.operations.test_metrics import login_page, samples
from tests.servers import gunicorn, wait_for


def _get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as refused:
        with refused:
            return refused.code, refused.read().decode()


@pytest.fixture
def served(settings_overrides: dict[str, Any], app: Any) -> Iterator[int]:
    options = ("-c", "deploy/gunicorn.conf.py", "--workers", "2")
    with gunicorn(settings_overrides, *options, POLKA_LOG_FORMAT="text") as (port, _process):
        wait_for(lambda: _get(port, "/healthz")[0] == 200, "the workers to answer")
        yield port


def test_the_probes_answer_and_metrics_add_up_every_worker(served, settings_overrides):
    assert _get(served, "/healthz") == (200, '{"status":"up"}\n')
    assert _get(served, "/readyz") == (
        200,
        '{"checks":{"database":"ok","files":"ok","schema":"ok"},"ready":true}\n',
    )
    for _ in range(20):  # a connection each: both workers answer some
        assert _get(served, "/login")[0] == 200
    status, text = _get(served, "/metrics")
    assert status == 200
    assert login_page(samples(text)) == 20
    assert list((settings_overrides["data_dir"] / "metrics").glob("counter_*.db"))  # each worker's file
