"""Two app nodes and two workers on one PostgreSQL database and one files directory, driven by
signed-in people (pages viewed and written, edits that clash, uploads, searches, joins) while one node
and one worker are killed with SIGKILL: no acknowledged write is lost, everything saved is found by
search within 10 s, no file row lacks its bytes, no job is done twice, and the surviving node never
answers 5xx. Bounded in time, on 127.0.0.1 only."""

from __future__ import annotations

import html
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from polka.communities.models import Membership, Role, Visibility
from polka.docs.models import Document, Version
from polka.wiki.models import WikiPage, WikiRevision
from tests.conftest import PASSWORD, PG_URL
from tests.servers import ROOT, children, environment, gunicorn
from tests.support import csrf_from
from tests.wiki.conftest import WikiFactory

pytestmark = pytest.mark.skipif(not PG_URL, reason="several app nodes share a PostgreSQL database")

PEOPLE = 4
RUN_SECONDS = 14.0
KILL_AFTER = 5.0
FOUND_WITHIN = 10.0
CLUBS = 12
BOUNDARY = "polka-two-nodes"


@dataclass
class Tally:
    """What the people saw: the writes acknowledged, and every answer by node."""

    pages: list[tuple[str, str]] = field(default_factory=list)  # (title, marker)
    edits: list[str] = field(default_factory=list)  # markers
    documents: list[tuple[str, str]] = field(default_factory=list)  # (title, marker)
    joins: list[tuple[int, str]] = field(default_factory=list)  # (user id, community slug)
    answers: Counter[tuple[int, int]] = field(default_factory=Counter)  # (port, status) -> count
    lock: threading.Lock = field(default_factory=threading.Lock)


class Dead(Exception):
    """The request may have reached a node that died: not acknowledged (and never sent again)."""


class Person:
    """A signed-in browser that a load balancer spreads over the live nodes: a node that refuses the
    connection is left out (the request never reached it, so it goes to the other)."""

    def __init__(self, ports: list[int], live: set[int], tally: Tally) -> None:
        self.ports = ports
        self.live = live
        self.tally = tally
        self.cookie = ""
        self.turn = 0

    def send(self, method: str, path: str, body: bytes = b"", kind: str = "") -> tuple[int, str, str]:
        for _attempt in range(len(self.ports)):
            candidates = [port for port in self.ports if port in self.live] or self.ports
            port = candidates[self.turn % len(candidates)]
            self.turn += 1
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            headers = {"Cookie": self.cookie} if self.cookie else {}
            if body:
                headers["Content-Type"] = kind or "application/x-www-form-urlencoded"
            try:
                connection.connect()
            except ConnectionRefusedError:
                self.live.discard(port)  # as a balancer's health check would find
                continue
            try:
                connection.request(method, path, body=body, headers=headers)
                answer = connection.getresponse()
                text = answer.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as exc:
                raise Dead(str(exc)) from exc
            finally:
                connection.close()
            for value in answer.headers.get_all("Set-Cookie") or []:
                if value.startswith("polka_session="):
                    self.cookie = value.split(";", 1)[0]
            with self.tally.lock:
                self.tally.answers[(port, answer.status)] += 1
            return answer.status, text, answer.headers.get("Location", "")
        raise Dead("no node took the connection")

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        _status, page, _ = self.send("GET", path)
        data = {"csrf_token": csrf_from(page), **fields}
        return self.send("POST", path, urllib.parse.urlencode(data).encode())

    def sign_in(self, email: str) -> None:
        status, _, location = self.form("/login", {"email": email, "password": PASSWORD})
        assert status == 302, status
        assert "/login" not in location, location

    def upload(self, path: str, title: str, content: bytes, name: str) -> int:
        _status, page, _ = self.send("GET", path)
        parts = [
            ("csrf_token", csrf_from(page)),
            ("title", title),
            ("marking", "OFFICIAL"),
        ]
        body = b"".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name_}"\r\n\r\n{value}\r\n'.encode()
            for name_, value in parts
        )
        body += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + content
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        return self.send("POST", path, body, f"multipart/form-data; boundary={BOUNDARY}")[0]


def act(
    person: Person,
    number: int,
    user_id: int,
    rng: random.Random,
    stop: threading.Event,
    tally: Tally,
    shared: str,
) -> None:
    """One person's traffic until ``stop``: every write they were told succeeded goes in the tally."""
    n = 0
    while not stop.is_set():
        n += 1
        marker = f"zq{number}x{n}w"
        roll = rng.random()
        try:
            if roll < 0.3:
                page = rng.choice(
                    ["/", "/c/roads-policing/", f"/c/roads-policing/wiki/{shared}", "/search?q=kestrel"]
                )
                person.send("GET", page)
            elif roll < 0.5:
                title = f"Chaos notes {marker}"
                status, _, _ = person.form(
                    "/c/roads-policing/wiki/new",
                    {
                        "title": title,
                        "body": f"Notes about {marker}.\n",
                        "summary": "",
                        "marking": "OFFICIAL",
                        "parent": "",
                    },
                )
                if status == 302:
                    with tally.lock:
                        tally.pages.append((title, marker))
            elif roll < 0.65:
                edit = f"/c/roads-policing/wiki/{shared}/edit"
                _status, page, _ = person.send("GET", edit)
                base = re.search(r'name="base"[^>]*value="(\d+)"', page) or re.search(
                    r'value="(\d+)"[^>]*name="base"', page
                )
                body = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S)
                assert base, page[:500]
                assert body, page[:500]
                text = html.unescape(body.group(1))
                fields = {
                    "csrf_token": csrf_from(page),
                    "body": text.rstrip("\n") + f"\n\nLine {marker}.\n",
                    "summary": "",
                    "marking": "OFFICIAL",
                    "base": base.group(1),
                    "base_marking": "OFFICIAL",
                }
                status, _, _ = person.send("POST", edit, urllib.parse.urlencode(fields).encode())
                if status == 302:
                    with tally.lock:
                        tally.edits.append(marker)
                else:
                    assert status == 409, status  # a clash: nothing saved, the text stays on the page
            elif roll < 0.75:
                title = f"Upload {marker}"
                if (
                    person.upload(
                        "/c/roads-policing/docs/upload",
                        title,
                        f"Document {marker}.\n".encode(),
                        f"{marker}.txt",
                    )
                    == 302
                ):
                    with tally.lock:
                        tally.documents.append((title, marker))
            elif roll < 0.9:
                person.send("GET", f"/search?q={marker}")
            else:
                club = f"club-{rng.randrange(CLUBS)}"
                _status, page, _ = person.send("GET", f"/c/{club}/")
                if f'action="/c/{club}/join"' in page:
                    status, _, _ = person.send(
                        "POST",
                        f"/c/{club}/join",
                        urllib.parse.urlencode({"csrf_token": csrf_from(page)}).encode(),
                    )
                    if status == 302:
                        with tally.lock:
                            tally.joins.append((user_id, club))
        except Dead:
            continue


def _kill_tree(process: subprocess.Popen[bytes]) -> None:
    for pid in [process.pid, *children(process.pid)]:
        os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def site(app, make, session, settings_overrides) -> dict[str, Any]:
    roads = make.community("Roads Policing")
    people = [make.member(roads, make.user(f"Person {n}"), Role.MEMBER) for n in range(PEOPLE)]
    for n in range(CLUBS):
        make.community(f"Club {n}", visibility=Visibility.OPEN)
    shared = WikiFactory(session, make).page(
        roads, "Shared notes", "Everyone adds a line.\n", author=people[0]
    )
    return {"people": people, "shared": shared.slug}


def test_two_nodes_lose_nothing_when_one_node_and_one_worker_are_killed(
    app, site, settings_overrides, tmp_path, session
):
    files = tmp_path / "shared-files"
    files.mkdir()
    node_settings = [{**settings_overrides, "data_dir": tmp_path / name} for name in ("node-a", "node-b")]
    extra = {"POLKA_FILES_DIR": str(files), "POLKA_LOG_FORMAT": "text", "POLKA_SEARCH_BACKEND": "postgresql"}
    tally = Tally()
    with ExitStack() as stack:
        nodes = [
            stack.enter_context(gunicorn(each, "-c", "deploy/gunicorn.conf.py", "--workers", "2", **extra))
            for each in node_settings
        ]
        logs = [stack.enter_context(open(tmp_path / f"worker-{n}.log", "wb")) for n in range(2)]
        workers = [
            subprocess.Popen(
                [str(Path(sys.executable).parent / "polka"), "worker"],
                cwd=ROOT,
                env=environment(each, **extra),
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            for each, log in zip(node_settings, logs, strict=True)
        ]
        stack.callback(lambda: [w.kill() or w.wait(timeout=10) for w in workers if w.poll() is None])
        ports = [port for port, _process in nodes]
        live = set(ports)
        people = []
        for number, user in enumerate(site["people"]):
            person = Person(ports, live, tally)
            person.sign_in(user.email)
            people.append((person, number, user.id))
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=act, args=(person, number, user_id, random.Random(number), stop, tally, site["shared"])
            )
            for person, number, user_id in people
        ]
        for thread in threads:
            thread.start()
        time.sleep(KILL_AFTER)
        _kill_tree(nodes[0][1])
        workers[0].send_signal(signal.SIGKILL)
        time.sleep(RUN_SECONDS - KILL_AFTER)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
            assert not thread.is_alive()
        ended = time.monotonic()
        survivor = Person([ports[1]], {ports[1]}, tally)
        survivor.sign_in(site["people"][0].email)

        # Everything saved is found by search within 10 s (the survivors apply what the dead left).
        wanted = {marker for _title, marker in tally.pages + tally.documents}
        while wanted and time.monotonic() - ended < FOUND_WITHIN:
            for marker in sorted(wanted):
                if f"{marker}" in survivor.send("GET", f"/search?q={marker}")[1]:
                    wanted.discard(marker)
            time.sleep(0.2)
        assert not wanted, f"not found by search within {FOUND_WITHIN:g} s: {sorted(wanted)}"
        workers[1].send_signal(signal.SIGTERM)
        workers[1].wait(timeout=30)

    # The run did write things of every sort, on both nodes, and clashed.
    assert len(tally.pages) >= 5
    assert tally.documents
    assert tally.edits
    assert tally.joins
    assert {port for port, _status in tally.answers} == set(ports)
    assert any(status == 409 for _port, status in tally.answers)
    # No 5xx from the surviving node (nor, before it died, from the other).
    assert not [key for key in tally.answers if key[1] >= 500], tally.answers
    session.rollback()
    # No acknowledged write lost.
    titles = set(session.scalars(select(WikiPage.title)))
    assert {title for title, _ in tally.pages} <= titles
    bodies = "\n".join(
        session.scalars(select(WikiRevision.body).join(WikiPage).where(WikiPage.slug == site["shared"]))
    )
    assert all(f"Line {marker}." in bodies for marker in tally.edits)
    documents = set(session.scalars(select(Document.title)))
    assert {title for title, _ in tally.documents} <= documents
    members = {(m.user_id, m.community.slug) for m in session.scalars(select(Membership))}
    assert set(tally.joins) <= members
    # No file row without its bytes.
    for sha256 in session.scalars(select(Version.sha256)):
        assert (files / sha256[:2] / sha256).is_file(), sha256
    # No job done twice: each completion is logged once, by whichever worker did it.
    done = Counter(
        re.findall(
            r"job (\d+) \S+ \(attempt \d+ of \d+\) done",
            "".join(p.read_text() for p in tmp_path.glob("worker-*.log")),
        )
    )
    assert done
    assert max(done.values()) == 1, done.most_common(3)
