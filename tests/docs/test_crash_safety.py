"""A server killed mid-upload leaves no database row without its bytes and no half file under a real
name: POLKA under a real gunicorn, its worker SIGKILLed while a large upload streams in, then again in
the moment between the bytes being stored and the rows committing."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from polka.docs.models import Document, Version
from polka.storage import TEMP_DIR, FileStore
from tests.servers import ROOT, children, environment, gunicorn, wait_for
from tests.support import csrf_from

BOUNDARY = "polka-crash-boundary"


@pytest.fixture
def server(settings_overrides: dict[str, Any], app: Any) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """gunicorn serving POLKA on the test's database and data directory (one worker, stopped after)."""
    options = ("--worker-class", "gthread", "--workers", "1", "--no-control-socket")
    with gunicorn(settings_overrides, *options, app="polka:create_app()") as served:
        yield served


def _cookie_and_token(web: Any, url: str) -> tuple[str, str]:
    """The signed-in browser's session cookie and a CSRF token of that session (valid on the server too:
    same secret key, same database)."""
    token = csrf_from(web.get(url).get_data(as_text=True))
    cookie = web.client.get_cookie("polka_session")
    return f"polka_session={cookie.value}", token


def _start_upload(port: int, cookie: str, token: str, url: str, size: int) -> tuple[socket.socket, bytes]:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\nHalf sent\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="marking"\r\n\r\nOFFICIAL\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    length = len(head) + size + len(tail)
    connection = socket.create_connection(("127.0.0.1", port))
    request = (
        f"POST {url} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    connection.sendall(request + head)
    return connection, tail


def _store_is_consistent(session: Any, store: FileStore) -> None:
    """Every version row has its bytes, and every file under a real name holds exactly its hash."""
    session.rollback()
    for version in session.scalars(select(Version)):
        path = store.path_for(version.sha256)
        assert path.is_file(), f"version {version.id} has no bytes"
        assert path.stat().st_size == version.size
    for path in store.root.glob("??/*"):
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, f"half file under {path}"


def test_a_worker_killed_mid_upload_leaves_no_row_and_no_half_file(server, web, login, make, session, app):
    port, process = server
    world_manager = make.user("Crash Manager", two_factor=True)
    community = make.community("Crash test", managers=[world_manager])
    member = make.member(community, make.user("Crash Member"))
    login(member)
    url = f"/c/{community.slug}/docs/upload"
    cookie, token = _cookie_and_token(web, url)
    store: FileStore = app.extensions["polka.files"]
    temp_dir = store.root / TEMP_DIR

    connection, _tail = _start_upload(port, cookie, token, url, 20 * 1024 * 1024)
    connection.sendall(b"x" * (8 * 1024 * 1024))  # 8 MB of the 20 MB arrive, then the worker dies

    def arriving() -> bool:
        return temp_dir.is_dir() and any(p.stat().st_size > 1024 * 1024 for p in temp_dir.glob("*.part"))

    wait_for(arriving, "the upload to start arriving in the store")
    for worker in children(process.pid):
        os.kill(worker, signal.SIGKILL)
    connection.close()

    assert session.scalars(select(Document).where(Document.title == "Half sent")).all() == []
    _store_is_consistent(session, store)
    assert list(temp_dir.glob("*.part")), "the half upload waits in the temporary directory"
    assert store.sweep_temp_files(timedelta(0)) >= 1
    assert list(temp_dir.glob("*.part")) == []


def test_a_process_killed_between_storing_and_committing_leaves_no_row(
    settings_overrides, make, session, app
):
    """The bytes are stored, the rows flushed, and the process dies before the commit."""
    manager = make.user("Crash Manager 2", two_factor=True)
    community = make.community("Crash test two", managers=[manager])
    member = make.member(community, make.user("Crash Member 2"))
    options = {"user_id": member.id, "community_id": community.id, "content": "complete file\n" * 1000}
    finished = subprocess.run(
        [sys.executable, "-m", "tests.docs.processes", "upload-then-die", json.dumps(options)],
        cwd=ROOT,
        env=environment(settings_overrides),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == -signal.SIGKILL, finished.stderr[-2000:]
    store: FileStore = app.extensions["polka.files"]
    assert session.scalars(select(Document).where(Document.title == "Died before commit")).all() == []
    _store_is_consistent(session, store)
    stored = store.path_for(hashlib.sha256(options["content"].encode()).hexdigest())
    assert stored.read_text() == options["content"]  # complete, or not there at all
