"""Housekeeping from the worker's idle loop runs at once, then at most once per interval, and a failing
task never stops the worker."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from polka.jobs.periodic import Periodic


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_runs_at_once_then_once_per_interval():
    clock, calls = Clock(), []
    task = Periodic("count", timedelta(hours=1), lambda: calls.append(clock.now), clock=clock)
    task()
    task()
    clock.now += 3599
    task()
    clock.now += 1
    task()
    assert calls == [1000.0, 4600.0]


def test_a_failing_task_is_logged_and_tried_again_next_interval(caplog: pytest.LogCaptureFixture):
    clock, attempts = Clock(), []

    def broken() -> None:
        attempts.append(clock.now)
        raise OSError("disk full")

    task = Periodic("sweep", timedelta(minutes=10), broken, clock=clock)
    with caplog.at_level(logging.ERROR, logger="polka.jobs.periodic"):
        task()
        task()
    assert len(attempts) == 1
    assert "housekeeping task sweep failed" in caplog.text
    clock.now += 600
    task()
    assert len(attempts) == 2
