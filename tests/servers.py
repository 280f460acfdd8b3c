"""Real servers for tests that need processes: gunicorn serving POLKA on the test's database and data
directory, started on a free port of 127.0.0.1 and always stopped (bounded waits throughout); and
scratch PostgreSQL databases beside the tests' own, always dropped."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import make_url, text

from polka.db import make_engine

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 30


def environment(settings_overrides: dict[str, Any], **extra: str) -> dict[str, str]:
    """The test app's data directory, database and secret as a POLKA process reads them."""
    wanted = ("data_dir", "database_url", "secret_key", "argon2_time_cost", "argon2_memory_kib")
    settings = {k: settings_overrides[k] for k in wanted}
    return {**os.environ, **{f"POLKA_{k.upper()}": str(v) for k, v in settings.items()}, **extra}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], object], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def answering(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


@contextmanager
def gunicorn(
    settings_overrides: dict[str, Any], *options: str, app: str = "wsgi:app", **extra: str
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn with ``options`` serving ``app`` on a free port until the block ends: the port and the
    master process."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            *options,
            "--bind",
            f"127.0.0.1:{port}",
            "--graceful-timeout",
            "2",
            app,
        ],
        cwd=ROOT,
        env=environment(settings_overrides, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: answering(port), "gunicorn to start")
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (a gunicorn master's workers)."""
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@contextmanager
def scratch_postgresql(prefix: str, admin_url: str) -> Iterator[str]:
    """A new, empty database beside ``admin_url``'s, dropped when the block ends: its URL."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
