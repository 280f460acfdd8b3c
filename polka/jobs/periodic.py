"""Housekeeping run from the worker's idle loop at most once per interval (sweeping temporary files,
emptying bins): no cron needed, and a failure is logged, never fatal. With a ``turn``
(``polka.jobs.turns``), several workers, on one machine or many, share each task: one does it per
interval, and any of them can."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta

log = logging.getLogger(__name__)

#: Whether it is this worker's turn to do a task due every interval (``polka.jobs.turns.Turns.turn``).
Turn = Callable[[str, timedelta], AbstractContextManager[bool]]


class Periodic:
    """Call ``task`` when first asked, then again only once ``interval`` has passed."""

    def __init__(
        self,
        name: str,
        interval: timedelta,
        task: Callable[[], object],
        clock: Callable[[], float] = time.monotonic,
        turn: Turn | None = None,
    ) -> None:
        self.name = name
        self.interval = interval.total_seconds()
        self.task = task
        self.clock = clock
        self.turn = turn
        self._last: float | None = None

    def __call__(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        try:
            if self.turn is None:
                self.task()
                return
            with self.turn(self.name, timedelta(seconds=self.interval)) as mine:
                if mine:
                    self.task()
        except Exception:
            log.exception(
                "housekeeping task %s failed; it runs again in %s",
                self.name,
                timedelta(seconds=self.interval),
            )
