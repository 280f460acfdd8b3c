"""``GET /healthz`` (the process is up) and ``GET /readyz`` (it can serve: ``readiness.checks``), for
load balancers: no session, JSON, and let through the trusted-network check from loopback and
``POLKA_TRUSTED_PROXIES`` (``polka.security``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, abort, current_app, jsonify, request
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from polka.accounts.web import public
from polka.config import in_networks
from polka.http import settings
from polka.operations.metrics import exposition
from polka.operations.readiness import OK, checks

bp = Blueprint("operations", __name__)

F = TypeVar("F", bound=Callable[..., Any])


def probe(view: F) -> F:
    """Mark ``view`` as a load balancer's probe: public, and answered from loopback and the trusted
    proxies even outside the trusted networks (``polka.security``)."""
    view.polka_probe = True  # type: ignore[attr-defined]
    return public(view)


def scraped(view: F) -> F:
    """Mark ``view`` as Prometheus's: public, and answered only to ``POLKA_METRICS_NETWORKS``, even
    outside the trusted networks (``polka.security``); anyone else is told there is no such page."""
    view.polka_metrics = True  # type: ignore[attr-defined]
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


@bp.get("/metrics")
@scraped
def metrics() -> Response:
    if not in_networks(request.remote_addr or "", settings().metrics_networks):
        abort(404)
    return Response(exposition(current_app.extensions["polka.engine"]), content_type=CONTENT_TYPE_PLAIN_0_0_4)
