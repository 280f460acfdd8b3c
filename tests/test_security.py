"""Network refusal, trusted proxies and the security headers on every response."""

from __future__ import annotations

import ipaddress

import pytest
from sqlalchemy import select

from polka.audit.models import AuditEntry
from tests.support import text

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def test_request_from_an_untrusted_network_gets_a_clear_403_page(web):
    response = web.get("/login", environ_base=OUTSIDE)
    assert response.status_code == 403
    assert "only available on the police network" in text(response)


def test_refused_request_is_audited(web, session):
    web.get("/c/secret-stuff/", environ_base=OUTSIDE)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "network.refused")).one()
    assert entry.ip == "203.0.113.9"
    assert "/c/secret-stuff/" in entry.detail


def test_private_ranges_are_trusted_by_default(web):
    assert web.get("/login", environ_base={"REMOTE_ADDR": "10.20.30.40"}).status_code == 200
    assert web.get("/login", environ_base={"REMOTE_ADDR": "192.168.1.5"}).status_code == 200


def test_forwarded_header_from_an_untrusted_peer_is_ignored(web):
    response = web.get("/login", environ_base=OUTSIDE, headers={"X-Forwarded-For": "10.0.0.1"})
    assert response.status_code == 403


@pytest.fixture
def behind_proxy(settings_overrides):
    settings_overrides["trusted_proxies"] = (ipaddress.ip_network("10.9.0.0/24"),)
    settings_overrides["trusted_networks"] = (ipaddress.ip_network("172.16.0.0/12"),)
    return settings_overrides


def test_client_address_is_taken_from_a_trusted_proxy(behind_proxy, web):
    proxy = {"REMOTE_ADDR": "10.9.0.2"}
    inside = web.get("/login", environ_base=proxy, headers={"X-Forwarded-For": "172.16.5.5"})
    outside = web.get("/login", environ_base=proxy, headers={"X-Forwarded-For": "203.0.113.7"})
    assert inside.status_code == 200
    assert outside.status_code == 403


def test_a_client_cannot_prepend_a_trusted_address(behind_proxy, web):
    """The proxy appends the real client; whatever the client sent before it is not believed."""
    headers = {"X-Forwarded-For": "172.16.5.5, 203.0.113.7"}
    assert web.get("/login", environ_base={"REMOTE_ADDR": "10.9.0.2"}, headers=headers).status_code == 403


def test_every_page_carries_the_security_headers(web):
    headers = web.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_never_cached(web, login):
    login.as_new_user()
    headers = web.get("/").headers
    assert headers["Cache-Control"] == "no-store"
    assert "Cookie" in headers.get("Vary", "")


def test_pages_have_no_inline_script(web, login):
    login.as_new_user()
    page = web.get("/").get_data(as_text=True)
    assert "<script>" not in page
    assert " onclick=" not in page
    assert '<script type="module" src=' in page


def test_refusal_page_can_load_its_styles_from_outside(web):
    """Static files are public GOV.UK assets; without them the 403 page would be unstyled."""
    response = web.get("/static/polka.svg", environ_base=OUTSIDE)
    response.close()
    assert response.status_code == 200
