"""Housekeeping run from the worker's idle loop at most once per interval (sweeping temporary files,
emptying bins): no cron needed on a single machine, and a failure is logged, never fatal."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

log = logging.getLogger(__name__)


class Periodic:
    """Call ``task`` when first asked, then again only once ``interval`` has passed."""

    def __init__(
        self,
        name: str,
        interval: timedelta,
        task: Callable[[], object],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.interval = interval.total_seconds()
        self.task = task
        self.clock = clock
        self._last: float | None = None

    def __call__(self) -> None:
        now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return
        self._last = now
        try:
            self.task()
        except Exception:
            log.exception(
                "housekeeping task %s failed; it runs again in %s",
                self.name,
                timedelta(seconds=self.interval),
            )
