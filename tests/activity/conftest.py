"""Activity test helpers: documents from the library's factory, and event times set by hand."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from polka.activity.models import Activity
from polka.db import transaction
from tests.docs.conftest import docs  # noqa: F401  (documents uploaded through the services)


def set_times(session: Session, moment: datetime, *, where: object = True) -> None:
    """Put the events ``where`` selects at ``moment`` (their order stays that of their ids)."""
    session.rollback()
    with transaction(session):
        session.execute(update(Activity).where(where).values(created_at=moment))  # type: ignore[arg-type]
