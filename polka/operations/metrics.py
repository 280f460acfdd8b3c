"""Prometheus metrics at ``/metrics``: requests by endpoint and status, their latency, and what waits in
the database (jobs waiting and failed, the search outbox, emails waiting), read when scraped.

Under gunicorn every worker process counts its own requests; with ``PROMETHEUS_MULTIPROC_DIR`` set (the
reference ``deploy/gunicorn.conf.py`` sets and empties it) they write to files there and a scrape of
any worker adds them all up. Without it (one process) the counts are the process's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from flask import Flask, Response, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine, func, select

from polka.jobs.models import Job, JobStatus
from polka.logs import elapsed_seconds
from polka.mail import MAIL_JOB
from polka.notifications.announce import EMAIL_JOB
from polka.search.outbox import SearchOutbox

#: The jobs that send an email.
EMAIL_JOBS = (MAIL_JOB, EMAIL_JOB)
#: The methods counted by name; any other a client sends is counted as ``other`` (a label may not take
#: whatever a client chooses: each value is a series kept for ever).
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: Upper bounds (seconds) of the latency histogram's buckets: POLKA's pages answer in milliseconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUESTS = Counter(
    "polka_requests", "Requests answered, by endpoint, method and status", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "polka_request_duration_seconds",
    "Time to answer a request, by endpoint",
    ["endpoint"],
    buckets=LATENCY_BUCKETS,
)


class WaitingCollector(Collector):
    """What waits in the database, counted when scraped."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        with self.engine.connect() as conn:
            jobs: dict[tuple[JobStatus, bool], int] = {}
            for status, kind, number in conn.execute(
                select(Job.status, Job.kind, func.count())
                .where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED]))
                .group_by(Job.status, Job.kind)
            ):
                key = (status, kind in EMAIL_JOBS)
                jobs[key] = jobs.get(key, 0) + number
            outbox = conn.scalar(select(func.count()).select_from(SearchOutbox)) or 0

        def total(statuses: tuple[JobStatus, ...], emails: tuple[bool, ...] = (False, True)) -> int:
            return sum(jobs.get((status, email), 0) for status in statuses for email in emails)

        waiting = (JobStatus.QUEUED, JobStatus.RUNNING)
        yield GaugeMetricFamily("polka_jobs_waiting", "Background jobs queued or running", total(waiting))
        yield GaugeMetricFamily(
            "polka_jobs_failed",
            "Background jobs that gave up after their last attempt",
            total((JobStatus.FAILED,)),
        )
        yield GaugeMetricFamily(
            "polka_emails_waiting", "Emails queued or being sent", total(waiting, (True,))
        )
        yield GaugeMetricFamily(
            "polka_search_outbox_length", "Changes waiting to be applied to the search index", outbox
        )


def init_metrics(app: Flask) -> None:
    """Count every request answered (static files included) by endpoint, method and status."""

    @app.after_request
    def count(response: Response) -> Response:
        endpoint = request.url_rule.endpoint if request.url_rule is not None else "none"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(endpoint, method, str(response.status_code)).inc()
        seconds = elapsed_seconds()
        if seconds is not None:
            LATENCY.labels(endpoint).observe(seconds)
        return response


def exposition(engine: Engine) -> bytes:
    """Every metric in Prometheus's text format: the requests of every worker process (or this one's),
    and what waits in the database now."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # type: ignore[no-untyped-call]
    else:
        counted = REGISTRY
    waiting = CollectorRegistry()
    waiting.register(WaitingCollector(engine))
    return generate_latest(counted) + generate_latest(waiting)
