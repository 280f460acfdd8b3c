"""Helpers for the accounts tests: settings, the hasher, and filling in the registration form."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from polka.accounts.passwords import PasswordHashing
from polka.config import Settings
from tests.conftest import PASSWORD
from tests.support import Web

NEW_PASSWORD = "copper-meadow-lantern-47"


@pytest.fixture
def conf(app: Flask) -> Settings:
    settings: Settings = app.extensions["polka.settings"]
    return settings


@pytest.fixture
def set_conf(app: Flask) -> Any:
    """Change settings of the running app (``set_conf(require_approval=True)``)."""

    def change(**values: Any) -> Settings:
        app.extensions["polka.settings"] = replace(app.extensions["polka.settings"], **values)
        return app.extensions["polka.settings"]  # type: ignore[no-any-return]

    return change


@pytest.fixture
def hasher(app: Flask) -> PasswordHashing:
    value: PasswordHashing = app.extensions["polka.passwords"]
    return value


def registration(**fields: str) -> dict[str, str]:
    data = {
        "name": "Ada Lovelace",
        "email": "ada.lovelace@met.police.uk",
        "password": PASSWORD,
        "organisation": "",
        "sponsor_email": "",
        "reason": "",
    }
    data.update(fields)
    return data


def register(web: Web, **fields: str) -> Any:
    return web.post("/register", registration(**fields), token_from="/register")


def fresh(session: Any) -> Any:
    """End the test session's transaction so it sees what the app committed since (SQLite snapshots)."""
    session.rollback()
    session.expire_all()
    return session
