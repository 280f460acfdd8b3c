"""Housekeeping shared by several workers (on one machine or many, one database): each task is done by
one worker per interval, whichever claims it first, never by two at once, and by another when the one
that did it stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask

from polka.jobs.periodic import Periodic
from polka.jobs.turns import Turns
from polka.locks import FileLock

HOUR = timedelta(hours=1)


class WallClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def workers(app: Flask, tmp_path: Path, wall: WallClock) -> tuple[Turns, Turns]:
    """Two workers' view of whose turn it is, on the test database and one folder of lock files."""
    sessions = app.extensions["polka.sessions"]

    def lock_for(name: str) -> FileLock:
        return FileLock(tmp_path / f"{name}.lock")

    return Turns(sessions, lock_for, clock=wall), Turns(sessions, lock_for, clock=wall)


def test_the_first_to_claim_a_due_task_does_it_and_the_other_waits_an_interval(workers, wall):
    first, second = workers
    with first.turn("sweep", HOUR) as mine:
        assert mine
    with second.turn("sweep", HOUR) as mine:
        assert not mine  # the first did it moments ago
    wall.now += HOUR
    with second.turn("sweep", HOUR) as mine:
        assert mine  # any worker can: the one that asks first once it is due
    with first.turn("sweep", HOUR) as mine:
        assert not mine


def test_a_task_in_hand_is_nobody_elses_turn_even_when_it_outlasts_its_interval(workers, wall):
    first, second = workers
    with first.turn("rebuild", HOUR) as mine:
        assert mine
        wall.now += 2 * HOUR  # still running
        with second.turn("rebuild", HOUR) as theirs:
            assert not theirs


def test_tasks_are_claimed_each_on_its_own(workers):
    first, second = workers
    with first.turn("sweep", HOUR) as mine:
        assert mine
    with second.turn("purge", HOUR) as mine:
        assert mine


def test_two_workers_idle_loops_do_each_task_once_per_interval(workers, wall):
    done: list[str] = []
    loops = []
    for name, turns in zip(("first", "second"), workers, strict=True):
        clock = Monotonic()
        loops.append(
            (
                clock,
                Periodic("sweep", HOUR, lambda name=name: done.append(name), clock=clock, turn=turns.turn),
            )
        )
    for _hour in range(3):
        for _clock, periodic in loops:
            periodic()
        for clock, _periodic in loops:
            clock.now += HOUR.total_seconds()
        wall.now += HOUR
    assert done == ["first", "first", "first"]  # once an hour, not twice
