"""POLKA, the Police Online Knowledge Area. ``create_app()`` builds everything; importing does nothing."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(**overrides: Any) -> Flask:
    """Build the application; ``overrides`` replace settings (tests pass a data dir and database)."""
    from polka import web
    from polka.config import load_settings
    from polka.http import PolkaFlask

    settings = load_settings(**overrides)
    app = PolkaFlask(__name__, instance_path=str(settings.data_dir))
    web.configure(app, settings)
    return app
