"""Whose turn it is to do a housekeeping task when several workers (on one machine or many) run the
same idle loop: the first to claim it in the database once its interval has passed, and only while
holding the task's lock, so a run that outlasts its interval is never overlapped. A worker that dies
mid-run frees the lock with its connection (or file) and the next claim comes an interval later."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime, timedelta

from sqlalchemy import String, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from polka.db import Base, transaction, utcnow
from polka.locks import Lock, LockBusy


class HousekeepingRun(Base):
    """When a housekeeping task was last started, by whichever worker."""

    __tablename__ = "housekeeping_runs"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    started_at: Mapped[datetime | None]


class Turns:
    """``turn(name, interval)``: a context manager telling this worker whether it is its turn."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        lock_for: Callable[[str], Lock],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.lock_for = lock_for
        self.clock = clock

    @contextmanager
    def turn(self, name: str, interval: timedelta) -> Iterator[bool]:
        with ExitStack() as held:
            try:
                held.enter_context(self.lock_for(name).held(0))
            except LockBusy:
                yield False  # another worker is doing it now
                return
            yield self._claim(name, interval)

    def _claim(self, name: str, interval: timedelta) -> bool:
        """Mark the task started now unless a worker started it less than ``interval`` ago (less 5%:
        the worker that did it last finds it due again, whatever the jitter of its idle loop)."""
        now = self.clock()
        interval = interval * 0.95
        with self.sessions() as session, transaction(session):
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            session.execute(
                dialect.insert(HousekeepingRun).values(name=name, started_at=None).on_conflict_do_nothing()
            )
            claimed = session.execute(
                update(HousekeepingRun)
                .where(
                    HousekeepingRun.name == name,
                    or_(HousekeepingRun.started_at.is_(None), HousekeepingRun.started_at <= now - interval),
                )
                .values(started_at=now)
            )
            return bool(claimed.rowcount == 1)  # type: ignore[attr-defined]
