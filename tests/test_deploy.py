"""The reference deployment (``deploy/``) agrees with POLKA's own settings: the load balancer's upload
limit and timeouts, its health check, the units' commands and writable paths, the settings file."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from polka.config import Settings, load_settings

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
#: Read by deploy/gunicorn.conf.py rather than by POLKA.
GUNICORN_SETTINGS = {"POLKA_BIND", "POLKA_WORKERS", "POLKA_THREADS"}


def environment() -> dict[str, str]:
    found = {}
    for line in (DEPLOY / "polka.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            found[name] = value
    return found


def haproxy() -> str:
    return (DEPLOY / "haproxy.cfg").read_text(encoding="utf-8")


def test_the_settings_file_names_only_real_settings_and_loads(tmp_path):
    known = {f"POLKA_{f.name.upper()}" for f in fields(Settings)} | GUNICORN_SETTINGS
    env = environment()
    assert set(env) <= known, set(env) - known
    settings = load_settings({**env, "POLKA_DATA_DIR": str(tmp_path)})
    assert settings.search_backend == "postgresql"
    assert settings.files_dir == Path("/srv/polka-files")


def test_the_balancer_refuses_what_polka_would_and_no_less():
    limit = int(re.search(r"content-length\) gt (\d+)", haproxy()).group(1))  # type: ignore[union-attr]
    megabytes = int(environment()["POLKA_MAX_UPLOAD_MB"])
    assert megabytes == Settings.max_upload_mb
    assert limit == megabytes * 1024 * 1024 + 64 * 1024  # POLKA's MAX_CONTENT_LENGTH (polka.web)


def test_the_balancer_waits_longer_than_gunicorn_and_checks_readiness():
    gunicorn = (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    worker_timeout = int(re.search(r"^timeout = (\d+)", gunicorn, re.MULTILINE).group(1))  # type: ignore[union-attr]
    for name in ("client", "server"):
        seconds = int(re.search(rf"timeout {name} (\d+)s", haproxy()).group(1))  # type: ignore[union-attr]
        assert seconds > worker_timeout
    assert "http-check send meth GET uri /readyz" in haproxy()
    assert "http-request deny deny_status 404 if { path /metrics }" in haproxy()


@pytest.mark.parametrize(
    ("unit", "command"),
    [("polka-web", "gunicorn --config deploy/gunicorn.conf.py wsgi:app"), ("polka-worker", "polka worker")],
)
def test_the_units_run_polka_and_may_write_its_directories(unit, command):
    text = (DEPLOY / f"{unit}.service").read_text(encoding="utf-8")
    assert f"ExecStart=/opt/polka/.venv/bin/{command}\n" in text
    assert "EnvironmentFile=/etc/polka/polka.env" in text
    env = environment()
    writable = re.search(r"^ReadWritePaths=(.*)$", text, re.MULTILINE).group(1).split()  # type: ignore[union-attr]
    assert env["POLKA_DATA_DIR"] in writable
    assert env["POLKA_FILES_DIR"] in writable
