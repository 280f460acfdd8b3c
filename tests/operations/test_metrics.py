"""``/metrics``: requests by endpoint and status with their latency, and what waits in the database,
in Prometheus's format, for the configured networks only; under gunicorn, every worker's counts."""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from polka.db import transaction
from polka.jobs.models import JobStatus
from polka.jobs.services import enqueue
from polka.mail import MAIL_JOB
from polka.search.outbox import queue_change

ROOT = Path(__file__).resolve().parents[2]
MONITOR = "192.0.2.10"  # a Prometheus server outside the networks people use
INSIDE = {"REMOTE_ADDR": "10.1.2.3"}  # a user's PC


@pytest.fixture
def settings_overrides(settings_overrides):
    return {
        **settings_overrides,
        "trusted_networks": (ipaddress.ip_network("10.0.0.0/8"),),
        "metrics_networks": (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network(f"{MONITOR}/32")),
    }


def scrape(client, address: str = "127.0.0.1") -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    answer = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert answer.status_code == 200
    assert answer.content_type.startswith("text/plain; version=0.0.4")
    return samples(answer.get_data(as_text=True))


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def login_page(samples_found, status: str = "200") -> float:
    key = ("polka_requests_total", (("endpoint", "accounts.login"), ("method", "GET"), ("status", status)))
    return samples_found.get(key, 0.0)


def test_requests_are_counted_by_endpoint_and_status_with_their_latency(client):
    before = scrape(client)
    for _ in range(3):
        client.get("/login", environ_base=INSIDE)
    client.get("/no-such-page", environ_base=INSIDE)
    after = scrape(client)
    assert login_page(after) - login_page(before) == 3
    missing = ("polka_requests_total", (("endpoint", "none"), ("method", "GET"), ("status", "404")))
    assert after[missing] - before.get(missing, 0) == 1
    client.open("/login", method="BREW", environ_base=INSIDE)  # a method of the client's own invention
    odd = ("polka_requests_total", (("endpoint", "none"), ("method", "other"), ("status", "405")))
    assert scrape(client)[odd] >= 1
    count = ("polka_request_duration_seconds_count", (("endpoint", "accounts.login"),))
    assert after[count] - before.get(count, 0) == 3
    assert ("polka_request_duration_seconds_bucket", (("endpoint", "accounts.login"), ("le", "0.1"))) in after


def test_what_waits_in_the_database_is_counted_when_scraped(app, client, session):
    client.get("/healthz")  # the first request applies what a crashed process left: done now
    app.extensions["polka.search"].notify = lambda: None  # the change waits, as between commit and applier
    with transaction(session):
        enqueue(session, MAIL_JOB, {"to": "pat@example.police.uk"})
        enqueue(session, MAIL_JOB, {"to": "sam@example.police.uk"})
        enqueue(session, "docs.extract", {"version_id": 1})
        failed = enqueue(session, "docs.extract", {"version_id": 2})
        failed.status = JobStatus.FAILED
        queue_change(session, "wiki.page", 41)
    found = scrape(client)
    assert found[("polka_jobs_waiting", ())] == 3
    assert found[("polka_jobs_failed", ())] == 1
    assert found[("polka_emails_waiting", ())] == 2
    assert found[("polka_search_outbox_length", ())] == 1


def test_only_the_configured_networks_may_read_them(client):
    assert client.get("/metrics", environ_base=INSIDE).status_code == 404  # a user's PC
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403  # outside
    assert scrape(client, MONITOR)  # the monitor, outside the trusted networks, may


PROCESS = """
import sys
from polka import create_app
app = create_app(data_dir=sys.argv[1], database_url=sys.argv[2], secret_key="metrics-test", smtp_url="")
client = app.test_client()
for _ in range(int(sys.argv[3])):
    client.get("/login")
if sys.argv[4] == "scrape":
    sys.stdout.write(client.get("/metrics").get_data(as_text=True))
"""


def test_every_worker_process_counts_into_the_same_metrics(tmp_path, database_url):
    """As gunicorn's workers do with PROMETHEUS_MULTIPROC_DIR: a scrape of any adds up all of them."""
    folder = tmp_path / "metrics"
    folder.mkdir()
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}

    def worker(requests: int, then: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROCESS, str(tmp_path / "data"), database_url, str(requests), then],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    worker(4, "exit")
    assert login_page(samples(worker(2, "scrape"))) == 6
