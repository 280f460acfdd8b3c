"""Gunicorn's settings for POLKA: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app`` from the repository's
folder (``scripts/serve`` and the systemd unit do). Environment variables change the few that differ
between machines; the command line overrides any of them.

Each worker process counts its requests for ``/metrics`` into files under ``PROMETHEUS_MULTIPROC_DIR``
(``$POLKA_DATA_DIR/metrics`` unless set), which a scrape of any worker adds up; the folder is emptied
when gunicorn starts and a dead worker's live figures are dropped.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

bind = os.environ.get("POLKA_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("POLKA_WORKERS", "4"))  # about one a core
threads = int(os.environ.get("POLKA_THREADS", "4"))
# A worker that stops answering its master for this long is restarted; uploads are read by threads
# and do not hold it up. The proxy's timeouts (deploy/nginx.conf) are longer, so gunicorn decides.
timeout = 60
graceful_timeout = 30  # on a restart, requests in hand get this long to finish
keepalive = 5  # behind a proxy that keeps connections open (nginx's keepalive to the upstream)
# POLKA logs one line per request itself, with its id (polka.logs): no second access log.
accesslog = None
errorlog = "-"
control_socket_disable = True

_metrics = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR",
        str(Path(os.environ.get("POLKA_DATA_DIR", "instance")).resolve() / "metrics"),
    )
)


def on_starting(server: Any) -> None:
    """Start every run's counts from nothing: files of processes that are gone would add up for ever."""
    shutil.rmtree(_metrics, ignore_errors=True)
    _metrics.mkdir(parents=True, exist_ok=True)


def child_exit(server: Any, worker: Any) -> None:
    """A worker that ended leaves its counts (they stay part of the totals) but no live figures."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
