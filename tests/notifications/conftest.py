"""Notification test helpers: the forum and wiki factories, and running the worker's jobs."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.db import transaction
from polka.notifications.models import Notification
from polka.subscriptions.services import follow
from tests.conftest import Factory
from tests.forum.conftest import ForumFactory
from tests.kernel.smtp import free_port


@pytest.fixture
def smtp_port() -> int:
    """A free port for a test's SMTP server (``tests.notifications.mail`` sends the app's mail there)."""
    return free_port()


@pytest.fixture
def follows(app: Flask, session: Session) -> Any:
    """``follows(user, kind, object_id)``: the user follows it, as their Follow button would."""

    def follow_it(user: User, kind: str, object_id: int) -> None:
        session.rollback()
        with app.test_request_context(), transaction(session):
            follow(session, session.merge(user), kind, object_id)

    return follow_it


@pytest.fixture
def forum(session: Session, make: Factory) -> ForumFactory:
    return ForumFactory(session, make)


def run_jobs(app: Flask) -> int:
    """What the worker would do now: every due job (fanning out, sending), then its housekeeping."""
    ran: int = app.extensions["polka.jobs"].run_until_idle()
    return ran


def notifications_of(session: Session, user: User) -> list[Notification]:
    """``user``'s notifications, oldest first, as the database holds them now."""
    session.rollback()
    session.expire_all()
    return list(
        session.scalars(select(Notification).where(Notification.user_id == user.id).order_by(Notification.id))
    )


def unread_count(session: Session, user: User) -> Any:
    session.rollback()
    session.expire_all()
    return session.get(User, user.id).unread_notifications  # type: ignore[union-attr]
