"""Serving for the side-by-side benchmark: gunicorn with ``scripts/serve``'s configuration (gthread,
2 workers, 4 threads each, an access log) on 127.0.0.1, and ``wrk`` as the load generator.

Every server is started in its own process group and stopped (TERM, then KILL) when its ``with`` block
ends, whatever ends it; every ``wrk`` run is bounded by its duration and a timeout.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: The bench slice's ports (issue 13 shares the machine between engineers).
PORTS = range(5321, 5330)
INSTALL_WRK = (
    "wrk is not installed: the side-by-side benchmark drives gunicorn with it.\n"
    "Install it with:  sudo apt-get install -y wrk   (Debian/Ubuntu package 'wrk')\n"
    "or run `python -m bench.pages --in-process-only` for the in-process figures alone."
)


def wrk_path() -> str | None:
    """Where ``wrk`` is, or None."""
    return shutil.which("wrk")


def free_port(taken: set[int]) -> int:
    """A free port in the slice's range, not one of ``taken``."""
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}–{PORTS.stop - 1}")


@contextmanager
def gunicorn(app: str, port: int, environment: dict[str, str]) -> Iterator[int]:
    """gunicorn serving ``app`` (``module:name``) on ``port`` as ``scripts/serve`` does; yields the port."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1", **environment}
    process = subprocess.Popen(  # noqa: S603  (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            "2",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--no-control-socket",
            app,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn for {app} exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn for {app} did not start within 60 s")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """TERM the server's process group, KILL it if it has not gone in 15 s."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def warm(port: int, path: str, cookie: str = "", times: int = 20) -> int:
    """GET ``path`` ``times`` times (each worker imports and compiles its templates); the last status.
    Redirects are not followed: a signed-in page answering 302 means the cookie stopped working."""
    opener = urllib.request.build_opener(_NoRedirect)
    status = 0
    for _ in range(times):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
        try:
            with opener.open(request, timeout=30) as response:
                response.read()
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
    return status


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass(frozen=True)
class Load:
    """What one ``wrk`` run measured."""

    requests_per_second: float
    requests: int
    errors: int  # socket errors, timeouts and non-2xx/3xx answers


def wrk(port: int, path: str, *, seconds: float, connections: int, cookie: str = "") -> Load:
    """``wrk`` against ``path`` for ``seconds`` with ``connections`` open connections (2 threads)."""
    wrk_bin = wrk_path()
    if wrk_bin is None:
        raise RuntimeError(INSTALL_WRK)
    command = [wrk_bin, "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(f"http://127.0.0.1:{port}{path}")
    done = subprocess.run(  # noqa: S603  (wrk, fixed arguments)
        command, capture_output=True, text=True, timeout=seconds + 30, check=True
    )
    out = done.stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if rate is None or total is None:
        raise RuntimeError(f"could not read wrk's output:\n{out}\n{done.stderr}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    return Load(float(rate.group(1)), int(total.group(1)), errors)
