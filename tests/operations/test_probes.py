"""``/healthz`` and ``/readyz``: a load balancer's probes, answered without a session, from loopback
and the trusted proxies even outside the trusted networks, and ready only when the database answers
at the newest schema and the files directory takes a write."""

from __future__ import annotations

import ipaddress
import shutil

import pytest

from polka import create_app
from polka.db import make_engine
from polka.operations.readiness import checks, newest_revision

OUTSIDE = "203.0.113.9"  # neither a trusted network nor a proxy
BALANCER = "198.51.100.7"


@pytest.fixture
def settings_overrides(settings_overrides):
    return {
        **settings_overrides,
        "trusted_networks": (ipaddress.ip_network("10.0.0.0/8"),),
        "trusted_proxies": (ipaddress.ip_network(f"{BALANCER}/32"),),
    }


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", BALANCER, "10.1.2.3"])
def test_the_process_answers_that_it_is_up_to_balancers_and_inside_networks(client, address):
    answer = client.get("/healthz", environ_base={"REMOTE_ADDR": address})
    assert answer.status_code == 200
    assert answer.get_json() == {"status": "up"}
    assert "Set-Cookie" not in answer.headers  # no session is made for a probe


def test_probes_from_outside_are_refused_like_any_request(client):
    for path in ("/healthz", "/readyz"):
        assert client.get(path, environ_base={"REMOTE_ADDR": OUTSIDE}).status_code == 403


def test_a_balancer_outside_the_networks_reaches_the_probes_only(client):
    assert client.get("/login", environ_base={"REMOTE_ADDR": BALANCER}).status_code == 403


def test_ready_when_the_database_is_at_the_newest_migration(client):
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json() == {"ready": True, "checks": {"database": "ok", "schema": "ok", "files": "ok"}}


def test_not_ready_until_the_database_is_migrated(client, unmigrated):
    answer = client.get("/readyz")
    assert answer.status_code == 503
    body = answer.get_json()
    assert body["ready"] is False
    assert body["checks"]["schema"] == (
        f"at no migration, the code needs {newest_revision()}: run `polka db upgrade`"
    )
    assert body["checks"]["database"] == "ok"


def test_not_ready_when_the_files_directory_takes_no_write(client, app):
    files = app.extensions["polka.settings"].files_dir
    shutil.rmtree(files, ignore_errors=True)
    files.write_text("not a directory")  # as a lost mount might leave it
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["files"].startswith(f"the files directory {files} takes no write")


def test_not_ready_when_the_database_does_not_answer(tmp_path):
    engine = make_engine("postgresql://polka@127.0.0.1:9/nowhere")  # nothing listens on port 9
    try:
        found = checks(engine, tmp_path)
    finally:
        engine.dispose()
    assert found["database"].startswith("the database does not answer")
    assert found["schema"] == "unknown: the database does not answer"
    assert found["files"] == "ok"


def test_a_shared_files_directory_that_is_missing_is_reported_not_made(
    settings_overrides, tmp_path, database_url
):
    """A mount that failed must not quietly become a folder on the local disk."""
    missing = tmp_path / "nfs" / "polka-files"
    app = create_app(**{**settings_overrides, "files_dir": missing})
    try:
        answer = app.test_client().get("/readyz")
        assert answer.get_json()["checks"]["files"].startswith(
            f"the files directory {missing} takes no write"
        )
        assert not missing.exists()
    finally:
        app.extensions["polka.engine"].dispose()
