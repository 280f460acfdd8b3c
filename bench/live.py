"""Live question sessions under load (issue 20): 300 participants watching one session, 20 of them
asking, 2 moderators approving, 1 panel member answering, for 60 seconds, against gunicorn on
127.0.0.1 (``scripts/serve``'s configuration: gthread, 2 workers of 4 threads) with the background
worker beside it, on this machine's 2 cores.

Every participant's page polls ``/updates`` as ``polka/static/live.js`` does: every 2 s (jittered by
±20 %), sending the token of what it has as ``If-None-Match``, and keeping what it was sent. A
participant who does not ask sometimes votes (about 1.4 votes a second in all), with the page's own form. Askers send a
question every 10–30 s; each moderator reads the queue's updates every second and approves what waits
(the two take turns, so both are busy and sometimes meet on one question); the panel member says which
question is answered now and answers one every 8 s.

Measured: the time from a moderator sending an approval to each participant's page holding the
question (every participant, every question approved in the run), the time of each poll, how many polls
were answered 304, the errors (connection errors, timeouts, answers other than 200/302/304), and the
CPU the web workers used (from /proc). Goal: approval-to-seen under 5 s at p95, and no errors.

Then a restart phase (20 s, reported apart): the web workers are replaced gracefully (SIGHUP to
gunicorn's master) and the background worker is stopped and started again, while the same load runs;
every question approved in that phase must still reach every participant.

The load generator is one asyncio process on the same 2 cores (a page's polling is not free to
simulate either): its own CPU is reported too. Run with ``.venv/bin/python -m bench.live`` (``make
bench`` runs it); ``--participants``, ``--seconds`` to vary.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pyotp
from flask import Flask
from sqlalchemy import select, update

from bench.common import PASSWORD, bench_app, scratch_postgresql
from bench.serving import ROOT, free_port, gunicorn, warm
from polka.accounts import twofactor
from polka.accounts.models import User
from polka.accounts.services import create_user
from polka.communities.models import Role, Visibility
from polka.communities.services import add_member, create_community
from polka.db import transaction, utcnow
from polka.live import services
from polka.live.models import LiveSession
from polka.organisations.services import sync_organisations

POLL_SECONDS = 2.0
#: How likely a participant is to vote after a poll (300 pages: about 1.4 votes a second in all).
VOTE_CHANCE = 0.01
#: Askers, moderators and the panel stop this long before the end, so every page can catch up.
DRAIN_SECONDS = 8.0
GOAL_P95 = 5.0
_TOKEN = re.compile(r'data-live-token="([^"]+)"')
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_QUESTION = re.compile(r'id="question-(\d+)"')


@dataclass
class People:
    participants: list[User]
    askers: list[User]
    moderators: list[User]
    panel: User


def build(app: Flask, participants: int) -> tuple[People, str, int]:
    """The community, its people and an open session: (people, the community's slug, the session's id)."""
    factory = app.extensions["polka.sessions"]
    hasher = app.extensions["polka.passwords"]
    with factory() as session, transaction(session):
        sync_organisations(session)
        admin = create_user(
            session, hasher, email="admin@met.police.uk", name="Admin", password=PASSWORD, admin=True
        )
        community = create_community(
            session, admin, name="PNC Operators", visibility=Visibility.RESTRICTED, managers=[admin]
        )
        first = create_user(
            session, hasher, email="p0@met.police.uk", name="Participant 0", password=PASSWORD
        )
        people = [first]
        for n in range(1, participants):
            person = create_user(
                session, hasher, email=f"p{n}@met.police.uk", name=f"Participant {n}", password=PASSWORD
            )
            people.append(person)
        moderators = [
            create_user(
                session, hasher, email=f"mod{n}@met.police.uk", name=f"Moderator {n}", password=PASSWORD
            )
            for n in range(2)
        ]
        panel = create_user(
            session, hasher, email="lead@met.police.uk", name="National lead", password=PASSWORD
        )
        for person in [*people, panel]:
            add_member(session, community, person, Role.MEMBER)
        for moderator in moderators:
            add_member(session, community, moderator, Role.MODERATOR)
            twofactor.confirm_enrolment(
                session, moderator, pyotp.TOTP(twofactor.begin_enrolment(session, moderator)).now()
            )
        live = services.create_session(
            session,
            admin,
            community,
            services.SessionFields(
                title="PNC changes: questions to the national lead",
                date=(utcnow() + timedelta(days=1)).date().isoformat(),
                opens="10:00",
                closes="11:30",
                panel=f"@{panel.handle}",
            ),
        )
        live.opens_at, live.closes_at = utcnow() - timedelta(minutes=1), utcnow() + timedelta(hours=2)
        session.flush()
        return People(people, people[:20], moderators, panel), community.slug, live.id


def sign_in_all(app: Flask, people: list[User]) -> dict[int, str]:
    """A session cookie for each person, signed in through the sign-in form (two-factor for moderators);
    four at a time (the password's hashing lets other threads run)."""
    with app.extensions["polka.sessions"]() as session, transaction(session):
        # the moderators' codes were used to enrol: let the same step's code be used once more
        session.execute(update(User).values(totp_last_counter=None))
    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(lambda person: (person.id, _sign_in(app, person)), people))


def _sign_in(app: Flask, person: User) -> str:
    client = app.test_client()
    token = _CSRF.search(client.get("/login").get_data(as_text=True))
    assert token is not None
    answer = client.post(
        "/login", data={"email": person.email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    if "/login/two-factor" in answer.headers.get("Location", ""):
        page = client.get("/login/two-factor").get_data(as_text=True)
        token = _CSRF.search(page)
        assert token is not None
        assert person.totp_secret
        answer = client.post(
            "/login/two-factor",
            data={"code": pyotp.TOTP(person.totp_secret).now(), "csrf_token": token.group(1)},
        )
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise SystemExit(f"could not sign in as {person.email}: {answer.status_code}")
    client.get(answer.headers["Location"])
    cookie = client.get_cookie("polka_session")
    assert cookie is not None
    return f"polka_session={cookie.value}"


class Connection:
    """One keep-alive HTTP/1.1 connection to 127.0.0.1, opened again when the server closed it."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in range(2):
            fresh = self.writer is None
            if fresh:
                await self._open()
            try:
                return await asyncio.wait_for(self._exchange(method, path, headers or {}, body), timeout=10)
            except (ConnectionError, asyncio.IncompleteReadError) as error:
                self.close()
                if fresh or attempt == 1:  # a new connection failed: a real error
                    raise ConnectionError(str(error)) from error
                # the server closed a kept-alive connection as it was reused: once more on a new one
            except TimeoutError:
                self.close()
                raise
        raise AssertionError("unreachable")

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: str
    ) -> tuple[int, dict[str, str], bytes]:
        assert self.reader is not None
        assert self.writer is not None
        data = body.encode()
        lines = [
            f"{method} {path} HTTP/1.1",
            "Host: 127.0.0.1",
            f"Cookie: {self.cookie}",
            "Connection: keep-alive",
        ]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if method == "POST":
            lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(data)}"]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + data)
        await self.writer.drain()
        status_line = await self.reader.readuntil(b"\r\n")
        status = int(status_line.split()[1])
        answer: dict[str, str] = {}
        while True:
            line = await self.reader.readuntil(b"\r\n")
            if line == b"\r\n":
                break
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        length = int(answer.get("content-length", "0"))
        content = await self.reader.readexactly(length) if length else b""
        if answer.get("connection", "").lower() == "close":
            self.close()
        return status, answer, content


@dataclass
class Results:
    approved_at: dict[int, float] = field(default_factory=dict)
    #: question id → when each participant's page first held it
    seen_at: dict[int, list[float]] = field(default_factory=dict)
    poll_seconds: list[float] = field(default_factory=list)
    not_modified: int = 0
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    votes: int = 0
    questions: int = 0
    answers: int = 0

    def error(self, what: str) -> None:
        self.errors.append(what)


def _form(**fields: str) -> str:
    return "&".join(f"{name}={quote(value)}" for name, value in fields.items())


class Run:
    """One measured run: every role's loop until ``until``."""

    def __init__(self, port: int, slug: str, live_id: int, cookies: dict[int, str], people: People) -> None:
        self.port, self.people, self.cookies = port, people, cookies
        self.url = f"/c/{slug}/live/{live_id}"
        self.results = Results()
        self.until = 0.0
        #: when askers, moderators and the panel stop (``DRAIN_SECONDS`` before ``until``)
        self.writing_until = 0.0
        self.open_ids: list[int] = []
        #: who asks (they do not vote: their own questions are among those open)
        self.askers = {asker.id for asker in people.askers}

    async def page(self, connection: Connection) -> tuple[str, str]:
        """The session page: its token and a CSRF token for its forms."""
        status, _, body = await connection.request("GET", self.url)
        if status != 200:
            raise SystemExit(f"the session page answered {status}")
        html = body.decode()
        token, csrf = _TOKEN.search(html), _CSRF.search(html)
        assert token is not None
        assert csrf is not None
        return token.group(1), csrf.group(1)

    async def post(self, connection: Connection, path: str, csrf: str, **fields: str) -> int:
        self.results.requests += 1
        try:
            status, _, _ = await connection.request(
                "POST", f"{self.url}{path}", body=_form(csrf_token=csrf, **fields)
            )
        except (ConnectionError, TimeoutError) as error:
            self.results.error(f"POST {path}: {error!r}")
            return 0
        if status != 302:
            self.results.error(f"POST {path}: {status}")
        return status

    async def participant(self, person: User, token: str, csrf: str, connection: Connection) -> None:
        results, mine = self.results, set()
        await asyncio.sleep(random.uniform(0, POLL_SECONDS))
        while time.monotonic() < self.until:
            started = time.monotonic()
            results.requests += 1
            try:
                status, _, body = await connection.request(
                    "GET",
                    f"{self.url}/updates?since={token}",
                    {"If-None-Match": f'"{token}"', "Accept": "application/json"},
                )
            except (ConnectionError, TimeoutError) as error:
                results.error(f"poll: {error!r}")
                await asyncio.sleep(POLL_SECONDS)
                continue
            now = time.monotonic()
            results.poll_seconds.append(now - started)
            if status == 304:
                results.not_modified += 1
            elif status == 200:
                data = json.loads(body)
                token = data["token"]
                held = data.get("items", "") + data.get("board", "")
                for found in _QUESTION.findall(held):
                    question = int(found)
                    if question not in mine:
                        mine.add(question)
                        results.seen_at.setdefault(question, []).append(now)
                if data.get("open"):
                    self.open_ids = data["open"]
            else:
                results.error(f"poll: {status}")
            if self.open_ids and person.id not in self.askers and random.random() < VOTE_CHANCE:
                results.votes += 1
                await self.post(connection, f"/questions/{random.choice(self.open_ids)}/vote", csrf, up="yes")
            await asyncio.sleep(POLL_SECONDS * random.uniform(0.8, 1.2))

    async def asker(self, n: int, csrf: str, connection: Connection) -> None:
        await asyncio.sleep(random.uniform(0, 10))
        asked = 0
        while time.monotonic() < self.writing_until:
            asked += 1
            self.results.questions += 1
            await self.post(
                connection, "/questions", csrf, body=f"Question {asked} from participant {n}: will it change?"
            )
            await asyncio.sleep(random.uniform(10, 30))

    async def moderator(self, turn: int, csrf: str, connection: Connection) -> None:
        token, results = "", self.results
        while time.monotonic() < self.writing_until:
            results.requests += 1
            try:
                status, _headers, body = await connection.request(
                    "GET", f"{self.url}/updates?queue=1", {"If-None-Match": f'"{token}"'} if token else {}
                )
            except (ConnectionError, TimeoutError) as error:
                results.error(f"queue: {error!r}")
                await asyncio.sleep(1)
                continue
            if status == 200:
                data = json.loads(body)
                token = data["token"]
                waiting = data["queue"].split('id="approved-heading"')[0]
                for found in _QUESTION.findall(waiting):
                    question = int(found)
                    if question % 2 != turn and random.random() < 0.8:
                        continue  # the other moderator's turn, mostly
                    if time.monotonic() >= self.writing_until:
                        break  # what is approved from here has no time left to be seen
                    sent = time.monotonic()
                    if await self.post(connection, f"/questions/{question}/approve", csrf) == 302:
                        results.approved_at.setdefault(question, sent)
            elif status != 304:
                results.error(f"queue: {status}")
            await asyncio.sleep(1)

    async def panel(self, csrf: str, connection: Connection) -> None:
        await asyncio.sleep(5)
        while time.monotonic() < self.writing_until:
            if self.open_ids:
                top = self.open_ids[0]
                await self.post(connection, "/answering", csrf, question=str(top))
                await asyncio.sleep(4)
                self.results.answers += 1
                await self.post(
                    connection,
                    f"/questions/{top}/answer",
                    csrf,
                    body="We will write to every force about it.",
                    answered="y",
                )
            await asyncio.sleep(4)

    async def run(
        self, seconds: float, during: list[tuple[float, Callable[[], None]]] | None = None
    ) -> Results:
        """Every role's loop for ``seconds``; ``during``: (after how many seconds, what to call)."""
        connections = {
            person.id: Connection(self.port, self.cookies[person.id]) for person in self.everyone()
        }
        pages = {person.id: await self.page(connections[person.id]) for person in self.everyone()}
        self.until = time.monotonic() + seconds
        self.writing_until = self.until - DRAIN_SECONDS
        tasks = [
            self.participant(person, *pages[person.id], connections[person.id])
            for person in self.people.participants
        ]
        tasks += [
            self.asker(n, pages[p.id][1], Connection(self.port, self.cookies[p.id]))
            for n, p in enumerate(self.people.askers)
        ]
        tasks += [
            self.moderator(turn, pages[m.id][1], connections[m.id])
            for turn, m in enumerate(self.people.moderators)
        ]
        tasks.append(self.panel(pages[self.people.panel.id][1], connections[self.people.panel.id]))

        async def at(delay: float, action: Callable[[], None]) -> None:
            await asyncio.sleep(delay)
            await asyncio.get_running_loop().run_in_executor(None, action)

        tasks += [at(delay, action) for delay, action in during or []]
        await asyncio.gather(*tasks)
        for connection in connections.values():
            connection.close()
        return self.results

    def everyone(self) -> list[User]:
        return [*self.people.participants, *self.people.moderators, self.people.panel]


def _cpu_seconds(pids: list[int]) -> float:
    """The user and system CPU seconds the processes have used (/proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


def _master(port: int) -> int:
    """The pid of the gunicorn master serving ``port``: the one of its processes whose parent is not."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    serving = {
        int(line.split()[0]): int(line.split()[1])
        for line in out.splitlines()
        if "gunicorn" in line and f"127.0.0.1:{port}" in line
    }
    masters = [pid for pid, parent in serving.items() if parent not in serving]
    if len(masters) != 1:
        raise RuntimeError(f"gunicorn's master was not found among {serving}")
    return masters[0]


def _children(parent: int) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid,ppid"], capture_output=True, text=True, check=True).stdout  # noqa: S607
    return [int(pid) for pid, ppid in (line.split() for line in out.splitlines()[1:]) if int(ppid) == parent]


class BackgroundWorker:
    """``polka worker`` beside the web workers, as ``scripts/serve`` runs it; stopped when done."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.environment = environment
        self.process = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(  # noqa: S603  (our own command, fixed arguments)
            [str(Path(sys.executable).parent / "polka"), "worker"],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **self.environment},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.process = self._start()


@contextmanager
def background_worker(environment: dict[str, str]) -> Iterator[BackgroundWorker]:
    worker = BackgroundWorker(environment)
    try:
        yield worker
    finally:
        worker.stop()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def report(
    title: str,
    results: Results,
    seconds: float,
    participants: int,
    cpu: float | None,
    client_cpu: float,
    *,
    goal: bool = True,
) -> bool:
    """Print what a run measured; whether it met the goal (every question reached every page, no
    errors, and, with ``goal``, approval-to-seen under ``GOAL_P95`` at p95)."""
    delays = [
        max(0.0, seen - results.approved_at[question])
        for question, seens in results.seen_at.items()
        if question in results.approved_at
        for seen in seens
    ]
    expected = len(results.approved_at) * participants
    reached = sum(
        min(participants, len(results.seen_at.get(question, []))) for question in results.approved_at
    )
    polls = len(results.poll_seconds)
    p95 = _percentile(delays, 0.95)
    print(f"\n{title}")
    print(
        f"  questions sent {results.questions}, approved {len(results.approved_at)}, answers {results.answers}, votes {results.votes}"
    )
    print(
        f"  approval to seen: median {statistics.median(delays) if delays else float('nan'):.2f} s, "
        f"p95 {p95:.2f} s, max {max(delays) if delays else float('nan'):.2f} s "
        f"({'goal' if goal else 'steady load goal'} p95 < {GOAL_P95:g} s) over {len(delays)} (question, participant) pairs"
    )
    print(f"  reached: {reached} of {expected} (every approved question on every participant's page)")
    print(
        f"  polls: {polls} ({polls / seconds:.0f}/s), p50 {1000 * _percentile(results.poll_seconds, 0.5):.1f} ms, "
        f"p95 {1000 * _percentile(results.poll_seconds, 0.95):.1f} ms, 304 {100 * results.not_modified / max(polls, 1):.0f} %"
    )
    print(
        f"  requests: {results.requests} ({results.requests / seconds:.0f}/s); errors: {len(results.errors)}"
    )
    for error in results.errors[:10]:
        print(f"    {error}")
    if cpu is not None:
        print(
            f"  web workers' CPU: {cpu:.1f} s in {seconds:g} s ({100 * cpu / seconds:.0f} % of one core, 2 cores)"
        )
    print(f"  load generator's CPU: {client_cpu:.1f} s")
    return (p95 < GOAL_P95 or not goal) and not results.errors and reached == expected


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--restart-seconds", type=float, default=20.0)
    parser.add_argument("--postgresql", action="store_true", help="on a scratch PostgreSQL database")
    args = parser.parse_args()
    with ExitStack() as stack:
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="polka-live-")))
        url = stack.enter_context(scratch_postgresql("live")) if args.postgresql else ""
        (root / "setup").mkdir()
        app, url = bench_app(root / "setup", url)
        logging.getLogger("polka.requests").setLevel(logging.WARNING)  # the set-up's own requests
        people, slug, live_id = build(app, args.participants)
        print(f"signing in {args.participants + 3} people…", flush=True)
        with app.extensions["polka.sessions"]() as session:
            everyone = list(session.scalars(select(User).where(User.email != "admin@met.police.uk")))
        by_id = {person.id: person for person in everyone}
        people = People(
            [by_id[p.id] for p in people.participants],
            [by_id[p.id] for p in people.askers],
            [by_id[p.id] for p in people.moderators],
            by_id[people.panel.id],
        )
        cookies = sign_in_all(app, [*people.participants, *people.moderators, people.panel])
        app.extensions["polka.engine"].dispose()
        environment = {
            "POLKA_DATA_DIR": str(root / "setup"),
            "POLKA_DATABASE_URL": url,
            "POLKA_SECRET_KEY": "bench",
            "POLKA_LOG_FORMAT": "text",
            "POLKA_SMTP_URL": "",
        }
        port = stack.enter_context(gunicorn("wsgi:app", free_port(set()), environment))
        workers = stack.enter_context(background_worker(environment))
        if warm(port, f"/c/{slug}/live/{live_id}", cookies[people.panel.id]) != 200:
            raise SystemExit("the session page did not answer 200")
        master = _master(port)
        web = _children(master)
        cpu_before, client_before = _cpu_seconds(web), resource.getrusage(resource.RUSAGE_SELF)
        results = asyncio.run(Run(port, slug, live_id, cookies, people).run(args.seconds))
        cpu = _cpu_seconds(web) - cpu_before
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        client = (
            client_after.ru_utime + client_after.ru_stime - client_before.ru_utime - client_before.ru_stime
        )
        engine = "PostgreSQL" if args.postgresql else "SQLite"
        met = report(
            f"{args.participants} participants watching one session, {args.seconds:g} s ({engine})",
            results,
            args.seconds,
            args.participants,
            cpu,
            client,
        )

        def restart_web() -> None:
            os.kill(master, signal.SIGHUP)  # new workers; the old ones finish what they hold

        if args.restart_seconds > 0:
            client_before = resource.getrusage(resource.RUSAGE_SELF)
            restarted = asyncio.run(
                Run(port, slug, live_id, cookies, people).run(
                    args.restart_seconds,
                    [(args.restart_seconds / 4, restart_web), (args.restart_seconds / 2, workers.restart)],
                )
            )
            client_after = resource.getrusage(resource.RUSAGE_SELF)
            client = (
                client_after.ru_utime
                + client_after.ru_stime
                - client_before.ru_utime
                - client_before.ru_stime
            )
            met = (
                report(
                    f"…while the web workers and the background worker restart ({args.restart_seconds:g} s)",
                    restarted,
                    args.restart_seconds,
                    args.participants,
                    None,
                    client,
                    goal=False,
                )
                and met
            )
        with app.extensions["polka.sessions"]() as session:
            live = session.get(LiveSession, live_id)
            assert live is not None
            print(
                f"\nsession version at the end: {live.version} public changes, {live.queue_version} in the queue"
            )
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
