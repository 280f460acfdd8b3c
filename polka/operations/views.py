"""``GET /healthz`` (the process is up) and ``GET /readyz`` (it can serve: ``readiness.checks``), for
load balancers: no session, JSON, and let through the trusted-network check from loopback and
``POLKA_TRUSTED_PROXIES`` (``polka.security``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, jsonify

from polka.accounts.web import public
from polka.http import settings
from polka.operations.readiness import OK, checks

bp = Blueprint("operations", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def probe(view: F) -> F:
    """Mark ``view`` as a load balancer's probe: public, and answered from loopback and the trusted
    proxies even outside the trusted networks (``polka.security``)."""
    view.polka_probe = True  # type: ignore[attr-defined]
    return public(view)


@bp.get("/healthz")
@probe
def healthz() -> Response:
    return jsonify(status="up")


@bp.get("/readyz")
@probe
def readyz() -> tuple[Response, int]:
    found = checks(current_app.extensions["polka.engine"], settings().files_dir)
    ready = all(answer == OK for answer in found.values())
    return jsonify(ready=ready, checks=found), 200 if ready else 503
