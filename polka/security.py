"""Network and browser protections wired around every request.

- Requests from outside ``POLKA_TRUSTED_NETWORKS`` get a clear 403 page and an audit entry.
- ``X-Forwarded-For`` / ``-Proto`` are believed only when the direct peer is a trusted proxy.
- Every response carries a strict Content-Security-Policy and friends; responses to signed-in
  users are never cached and vary by cookie.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask, render_template, request
from werkzeug.wrappers import Response

from polka.audit.services import record
from polka.config import LOOPBACK_NETWORKS, IpNetwork, Settings, in_networks
from polka.db import transaction
from polka.http import session_factory
from polka.logs import RequestIds

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)


class TrustedProxyMiddleware:
    """Take the client address and scheme from proxy headers only when a trusted proxy sent them.

    Walks ``X-Forwarded-For`` from the right, skipping trusted proxies, so a client cannot pose as
    an inside address by sending its own header.
    """

    def __init__(self, app: Any, proxies: tuple[IpNetwork, ...]) -> None:
        self.app = app
        self.proxies = proxies

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if self.proxies and in_networks(peer, self.proxies):
            forwarded = [a.strip() for a in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
            client = peer
            for address in reversed(forwarded):
                client = address
                if not in_networks(address, self.proxies):
                    break
            environ["REMOTE_ADDR"] = client
            proto = environ.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip().lower()
            if proto in {"http", "https"}:
                environ["wsgi.url_scheme"] = proto
        return self.app(environ, start_response)


def init_security(app: Flask, settings: Settings) -> None:
    app.wsgi_app = TrustedProxyMiddleware(app.wsgi_app, settings.trusted_proxies)  # type: ignore[method-assign]
    # Outside the proxy middleware: it sees the direct peer, whose X-Request-Id is kept if a proxy's.
    app.wsgi_app = RequestIds(  # type: ignore[method-assign]
        app.wsgi_app, lambda peer: in_networks(peer, settings.trusted_proxies)
    )

    @lru_cache(maxsize=1024)  # asked on every request, mostly about the same few addresses
    def trusted(address: str) -> bool:
        return in_networks(address, settings.trusted_networks)

    @app.before_request
    def refuse_untrusted_networks() -> Any:
        address = request.remote_addr or ""
        # Static files are public GOV.UK styles and scripts; the refusal page itself needs them.
        if request.endpoint == "static" or trusted(address) or _probe_from_balancer(address):
            return None
        with session_factory()() as session, transaction(session):
            record(
                session,
                None,
                "network.refused",
                ip=address,
                detail={"path": request.path[:200], "method": request.method},
            )
        return render_template("errors/network.html"), 403

    def _probe_from_balancer(address: str) -> bool:
        """A load balancer's probe (``/healthz``, ``/readyz``) from loopback or a trusted proxy, or
        Prometheus reading ``/metrics`` from ``POLKA_METRICS_NETWORKS``."""
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "polka_metrics", False):
            return in_networks(address, settings.metrics_networks)
        if not getattr(view, "polka_probe", False):
            return False
        return in_networks(address, LOOPBACK_NETWORKS) or in_networks(address, settings.trusted_proxies)

    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if request.is_secure:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if request.endpoint != "static":
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "Cookie")
        return response
