"""``polka doctor``: a deployment's settings and state checked, each finding said in words with what to
do about it. A *problem* stops POLKA working as it should (the command then exits non-zero); a
*warning* is something to look at; the rest is reported as fine."""

from __future__ import annotations

import enum
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import Engine, func, select

from polka.config import Settings
from polka.db import utcnow
from polka.jobs.models import Job, JobStatus
from polka.operations.readiness import OK, checks
from polka.search.backend import SearchBackend
from polka.search.outbox import SearchOutbox

#: A job or search change waiting longer than this suggests nothing is working on them.
STALE = timedelta(minutes=10)
#: The stylesheet ``make assets`` builds: pages are unstyled without it.
STYLESHEET = Path(__file__).resolve().parents[1] / "static" / "polka.css"


class Level(enum.StrEnum):
    FINE = "fine"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    level: Level
    text: str


def examine(app: Flask) -> list[Finding]:
    """Every finding about ``app``'s deployment, problems first."""
    settings: Settings = app.extensions["polka.settings"]
    engine: Engine = app.extensions["polka.engine"]
    found: list[Finding] = []
    for check in (_readiness, _shared, _secret, _addresses, _networks, _mail, _assets, _backlog):
        found += list(check(settings, engine))
    found += list(_search(settings, engine, app.extensions["polka.search"].backend))
    return sorted(found, key=lambda finding: [Level.PROBLEM, Level.WARNING, Level.FINE].index(finding.level))


def _readiness(settings: Settings, engine: Engine) -> Iterator[Finding]:
    for name, answer in checks(engine, settings.files_dir).items():
        if answer == OK:
            yield Finding(Level.FINE, f"{name}: ready")
        else:
            yield Finding(Level.PROBLEM, f"{name}: {answer}")


def _on_postgresql(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _shared(settings: Settings, engine: Engine) -> Iterator[Finding]:
    """What several app nodes must share, when the database says there may be several."""
    if not _on_postgresql(engine):
        yield Finding(Level.FINE, "one machine: SQLite, files and the search index in the data directory")
        return
    if settings.search_backend == "whoosh":
        yield Finding(
            Level.WARNING,
            "search uses Whoosh, an index on this machine only: with more than one app node, set "
            "POLKA_SEARCH_BACKEND=postgresql (or leave it unset) so every node searches the same index",
        )
    if settings.files_dir == settings.data_dir / "files":
        yield Finding(
            Level.WARNING,
            f"uploaded files are kept in {settings.files_dir}, inside this node's data directory: with more "
            "than one app node, set POLKA_FILES_DIR to a directory every node mounts",
        )


def _secret(settings: Settings, engine: Engine) -> Iterator[Finding]:
    stored = (settings.data_dir / "secret_key").is_file()
    if stored and settings.secret_key == (settings.data_dir / "secret_key").read_text().strip():
        level = Level.WARNING if _on_postgresql(engine) else Level.FINE
        yield Finding(
            level,
            "the secret key was made on this machine (in the data directory)"
            + (
                ": every app node needs the same one, so set POLKA_SECRET_KEY on each"
                if level is Level.WARNING
                else ""
            ),
        )
    elif len(settings.secret_key) < 32:
        yield Finding(Level.PROBLEM, "POLKA_SECRET_KEY is shorter than 32 characters: anyone could guess it")
    else:
        yield Finding(Level.FINE, "the secret key is set")


def _addresses(settings: Settings, engine: Engine) -> Iterator[Finding]:
    address = urlsplit(settings.base_url)
    local = address.hostname in {"127.0.0.1", "localhost", "::1"}
    if address.scheme != "https" and not local:
        yield Finding(
            Level.WARNING,
            f"POLKA_BASE_URL is {settings.base_url}: links in emails should use https:// behind the proxy",
        )
    elif local:
        yield Finding(
            Level.WARNING, f"POLKA_BASE_URL is {settings.base_url}: links in emails work on this machine only"
        )
    else:
        yield Finding(Level.FINE, f"links in emails point to {settings.base_url}")


def _networks(settings: Settings, engine: Engine) -> Iterator[Finding]:
    everyone = [network for network in settings.trusted_networks if network.prefixlen == 0]
    if everyone:
        yield Finding(
            Level.PROBLEM, "POLKA_TRUSTED_NETWORKS lets in every address: name your networks' ranges"
        )
    else:
        yield Finding(Level.FINE, f"trusted networks: {', '.join(map(str, settings.trusted_networks))}")
    if any(network.prefixlen == 0 for network in settings.metrics_networks):
        yield Finding(
            Level.PROBLEM,
            "POLKA_METRICS_NETWORKS lets every address read /metrics: name the monitoring servers",
        )
    if any(network.prefixlen == 0 for network in settings.trusted_proxies):
        yield Finding(
            Level.PROBLEM,
            "POLKA_TRUSTED_PROXIES trusts every address: anyone could claim any client address with X-Forwarded-For",
        )
    public = [
        network
        for network in settings.trusted_networks
        if not network.is_private and 0 < network.prefixlen < (24 if network.version == 4 else 48)
    ]
    if public:
        yield Finding(
            Level.WARNING, f"trusted networks include wide public ranges: {', '.join(map(str, public))}"
        )


def _mail(settings: Settings, engine: Engine) -> Iterator[Finding]:
    if not settings.smtp_url:
        yield Finding(
            Level.WARNING,
            f"POLKA_SMTP_URL is unset: emails are written to {settings.mail_dir} and nobody receives them",
        )
        return
    address = urlsplit(settings.smtp_url)
    port = address.port or {"smtps": 465, "smtp+starttls": 587}.get(address.scheme, 25)
    try:
        client = smtplib.SMTP_SSL if address.scheme == "smtps" else smtplib.SMTP
        with client(address.hostname or "", port, timeout=5) as server:
            server.noop()
    except (OSError, smtplib.SMTPException) as exc:
        yield Finding(
            Level.PROBLEM, f"the mail server {address.hostname}:{port} does not answer ({type(exc).__name__})"
        )
        return
    yield Finding(Level.FINE, f"the mail server {address.hostname}:{port} answers")


def _assets(settings: Settings, engine: Engine) -> Iterator[Finding]:
    if STYLESHEET.is_file():
        yield Finding(Level.FINE, "the stylesheet is built")
    else:
        yield Finding(Level.PROBLEM, "the stylesheet is not built: run `make assets` (pages are unstyled)")


def _backlog(settings: Settings, engine: Engine) -> Iterator[Finding]:
    """Work that waits too long: nothing is doing it (``polka worker`` is not running)."""
    since = utcnow() - STALE
    try:
        with engine.connect() as conn:
            stale_jobs = conn.scalar(
                select(func.count())
                .select_from(Job)
                .where(Job.status == JobStatus.QUEUED, Job.run_after < since)
            )
            failed = conn.scalar(select(func.count()).select_from(Job).where(Job.status == JobStatus.FAILED))
            stale_changes = conn.scalar(
                select(func.count()).select_from(SearchOutbox).where(SearchOutbox.created_at < since)
            )
    except Exception:
        return
    if stale_jobs:
        yield Finding(
            Level.PROBLEM,
            f"{stale_jobs} background jobs have waited over {STALE.seconds // 60} minutes: is `polka worker` running?",
        )
    if stale_changes:
        yield Finding(
            Level.PROBLEM,
            f"{stale_changes} search changes have waited over {STALE.seconds // 60} minutes: is `polka worker` running?",
        )
    if failed:
        yield Finding(
            Level.WARNING, f"{failed} background jobs gave up after their last attempt (see the worker's log)"
        )
    if not (stale_jobs or stale_changes or failed):
        yield Finding(Level.FINE, "no background work is late or failed")


def _search(settings: Settings, engine: Engine, backend: SearchBackend) -> Iterator[Finding]:
    try:
        outdated = backend.needs_rebuild()
    except Exception:
        return
    if outdated:
        yield Finding(
            Level.WARNING,
            "the search index was built by an older release, or not yet: `polka worker` rebuilds it when it "
            "starts (or run `polka search reindex`); until then search finds only what changed since",
        )
    else:
        yield Finding(Level.FINE, f"the search index ({settings.search_backend}) is current")
