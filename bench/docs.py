"""Document library benchmark (issue 5): upload and download of a 200 MB file through gunicorn —
throughput, and the worker's peak memory growth (target: under 50 MB each way) — and the rate at which
text is read from a 100-page PDF.

Run with ``.venv/bin/python -m bench.docs`` (``make bench`` runs every benchmark). gunicorn serves POLKA
on 127.0.0.1 with one worker (gthread) over SQLite in a temporary directory; the upload is streamed
from memory in 1 MB pieces and the download read and discarded in 1 MB pieces, so the figures are the
server's. Peak memory is the worker's ``VmHWM`` (high-water mark of its resident set) from ``/proc``,
measured against its level after a warm-up upload and download of a small file.
"""

from __future__ import annotations

import argparse
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.common import bench_app
from polka.accounts.services import create_user
from polka.communities.models import Role
from polka.communities.services import add_member, create_community
from polka.db import transaction
from polka.docs.extraction import extract_in_subprocess, extract_text
from polka.organisations.services import sync_organisations

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "lantern-quietly-harbour-91"
BOUNDARY = "polka-bench-boundary"
MB = 1024 * 1024
RSS_TARGET_MB = 50
PDF_PAGES = 100


def csrf_from(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if found is None:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def gunicorn(data: Path, database_url: str) -> Iterator[tuple[int, int]]:
    """gunicorn serving POLKA; yields the port and the worker's pid."""
    port = _free_port()
    environment = {
        "POLKA_DATA_DIR": str(data),
        "POLKA_DATABASE_URL": database_url,
        "POLKA_SECRET_KEY": "bench",
        "POLKA_MAX_UPLOAD_MB": "200",
        "PATH": "/usr/bin:/bin",
    }
    process = subprocess.Popen(  # noqa: S603  (our own interpreter, fixed arguments)
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--worker-class",
            "gthread",
            "--workers",
            "1",
            "--threads",
            "4",
            "--timeout",
            "300",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "polka:create_app()",
        ],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        workers: list[str] = []
        while time.monotonic() < deadline:
            workers = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    if workers:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port, int(workers[0])
    finally:
        process.terminate()
        process.wait(timeout=30)


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise KeyError(field)


def _reset_peak(pid: int) -> None:
    """Start a new high-water mark at the current resident set (Linux: write 5 to clear_refs)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _setup(app: Flask) -> tuple[str, str, str]:
    """A member of one community, signed in through the test client: their cookie, a CSRF token, the
    community's slug (the server shares the secret key and the database)."""
    sessions = app.extensions["polka.sessions"]
    with sessions() as session, transaction(session):
        sync_organisations(session)
        hasher = app.extensions["polka.passwords"]
        member = create_user(
            session, hasher, email="member@met.police.uk", name="Bench Member", password=PASSWORD
        )
        community = create_community(session, None, name="Bench library", managers=[])
        add_member(session, community, member, Role.MEMBER)
        slug = community.slug
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    signed = client.post(
        "/login", data={"email": "member@met.police.uk", "password": PASSWORD, "csrf_token": token}
    )
    assert signed.status_code == 302, signed.get_data(as_text=True)[:500]
    token = csrf_from(client.get(f"/c/{slug}/docs/upload").get_data(as_text=True))
    cookie = client.get_cookie("polka_session")
    assert cookie is not None
    return f"polka_session={cookie.value}", token, slug


def _chunk(n: int) -> bytes:
    line = f"Line {n:09d} of the rolling schedule: shift pattern for the regional team.\n".encode()
    return (line * (MB // len(line) + 1))[:MB]


def upload(port: int, cookie: str, token: str, slug: str, size_mb: int) -> tuple[float, str]:
    """POST a text file of ``size_mb`` MB, streamed; returns the seconds taken and the document URL."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="marking"\r\n\r\nOFFICIAL\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head) + size_mb * MB + len(tail)
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            (
                f"POST /c/{slug}/docs/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
            + head
        )
        for n in range(size_mb):
            connection.sendall(_chunk(n))
        connection.sendall(tail)
        response = b""
        while piece := connection.recv(65536):
            response += piece
    seconds = time.perf_counter() - started
    status_line, _, rest = response.partition(b"\r\n")
    if b" 302 " not in status_line:
        raise RuntimeError(f"upload refused: {response[:2000]!r}")
    location = next(
        line.split(b":", 1)[1].strip().decode()
        for line in rest.split(b"\r\n")
        if line.lower().startswith(b"location:")
    )
    return seconds, location.removeprefix(f"http://127.0.0.1:{port}")


def download(port: int, cookie: str, path: str) -> tuple[float, int]:
    """GET a document's file, reading and discarding it in 1 MB pieces; seconds taken and bytes read."""
    started = time.perf_counter()
    received = 0
    with socket.create_connection(("127.0.0.1", port)) as connection:
        connection.sendall(
            f"GET {path}/download HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n".encode()
        )
        while piece := connection.recv(MB):
            received += len(piece)
    return time.perf_counter() - started, received


def pdf_pages(path: Path, pages: int) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    for page in range(pages):
        y = 780
        for line in range(40):
            canvas.drawString(
                50,
                y,
                f"Page {page + 1}, line {line + 1}: the regional PNC meeting agreed the rota and the checks.",
            )
            y -= 18
        canvas.showPage()
    canvas.save()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    options = parser.parse_args()
    failures = []
    with tempfile.TemporaryDirectory(prefix="polka-bench-docs-") as temp:
        data = Path(temp)
        app, database_url = bench_app(data)
        cookie, token, slug = _setup(app)
        with gunicorn(data, database_url) as (port, worker):
            _, warm = upload(port, cookie, token, slug, 1)  # imports and first-use caches, not the file
            download(port, cookie, warm)
            baseline = _status_kb(worker, "VmRSS")
            _reset_peak(worker)
            seconds, document = upload(port, cookie, token, slug, options.size_mb)
            upload_growth = (_status_kb(worker, "VmHWM") - baseline) / 1024
            baseline = _status_kb(worker, "VmRSS")
            _reset_peak(worker)
            down_seconds, received = download(port, cookie, document)
            download_growth = (_status_kb(worker, "VmHWM") - baseline) / 1024
        print(f"\nDocument library ({options.size_mb} MB file through gunicorn, 1 worker, SQLite)")
        print(f"{'measure':52} {'figure':>14}  target")
        for name, value, unit, target in (
            ("upload throughput", options.size_mb / seconds, "MB/s", None),
            ("upload: worker peak memory growth", upload_growth, "MB", RSS_TARGET_MB),
            ("download throughput", received / MB / down_seconds, "MB/s", None),
            ("download: worker peak memory growth", download_growth, "MB", RSS_TARGET_MB),
        ):
            verdict = (
                ""
                if target is None
                else (f"< {target} MB  met" if value < target else f"< {target} MB  MISSED")
            )
            if target is not None and value >= target:
                failures.append(name)
            print(f"{name:52} {value:>9.1f} {unit:4}  {verdict}")

        pdf = pdf_pages(data / "hundred.pdf", PDF_PAGES)
        started = time.perf_counter()
        extracted = extract_text(pdf, "application/pdf", max_chars=10_000_000)
        in_process = time.perf_counter() - started
        started = time.perf_counter()
        extract_in_subprocess(pdf, "application/pdf", max_chars=10_000_000, seconds=300)
        child = time.perf_counter() - started
        print(
            f"{'100-page PDF (' + str(len(extracted.text) // 1000) + 'k characters): reading in-process':52} {PDF_PAGES / in_process:>9.1f} pages/s  ({in_process:.2f} s)"
        )
        print(
            f"{'the same in a capped child process (as the worker does)':52} {PDF_PAGES / child:>9.1f} pages/s  ({child:.2f} s)"
        )
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
