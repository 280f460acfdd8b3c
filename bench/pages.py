"""Every page fast (issue 13): each signed-in page type side by side with a bare Flask route.

For each page type (home, communities index, community home, wiki page, history, diff, document
library, document page, search results, people, profile), on the demo data and on a large data set
(10,000 wiki pages across 50 communities, ``bench/bigsite.py``):

- **requests per second** through gunicorn with ``scripts/serve``'s configuration (gthread, 2 workers,
  4 threads; ``wsgi:app``) driven by ``wrk`` (16 connections, a signed-in cookie), and in the same run
  a bare Flask route (``bench/bare.py``) sending as many bytes, served by the same gunicorn
  configuration. Runs alternate between the two (bare first, then POLKA first the next round) so the
  machine's drift hits both; the ratio is POLKA's mean rate over the bare route's;
- the **median in-process time** (test client, warm) and the **SQL statements** one view runs.

Targets (the issue's goal): ratio ≥ 0.25 for every page and no single round below 0.15; median
in-process time under 4 ms (search under 15 ms at demo scale; no target for search on the large
site); at most 10 statements (the home page 4 + 2 per registered feature); no page running more
statements on the large site than on the demo; no failed request. Exits 1 on any miss.

Needs ``wrk`` (Debian package ``wrk``: ``apt-get install -y wrk``); not needed by the tests.
Run with ``.venv/bin/python -m bench.pages`` (``make bench`` runs every benchmark); ``--scale demo``,
``--seconds 2 --rounds 1`` for a quick look, ``--in-process-only`` without wrk.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select

from bench.bigsite import build_big_site
from bench.common import bench_app, time_calls
from bench.serving import INSTALL_WRK, free_port, gunicorn, warm, wrk, wrk_path
from polka.accounts.models import User
from polka.demo import DEMO_PASSWORD
from polka.docs.models import Document
from polka.features import FEATURES

RATIO_TARGET = 0.25
RATIO_FLOOR = 0.15
WARM_SECONDS = 1.0
MEDIAN_MS = 4.0
SEARCH_DEMO_MS = 15.0
STATEMENTS = 10
HOME_STATEMENTS = 4 + 2 * len(FEATURES)
DEMO_READER = "claire.whitfield@merseyside.police.uk"  # a PNC operator: member of two communities


@dataclass
class Page:
    name: str
    path: str
    bytes: int = 0
    statements: int = 0
    in_process_ms: float = 0.0
    polka_rates: list[float] = field(default_factory=list)
    bare_rates: list[float] = field(default_factory=list)
    errors: int = 0
    #: a reference row, not a page type: measured and shown, held to no target
    reference: bool = False

    @property
    def ratio(self) -> float:
        return statistics.mean(self.polka_rates) / statistics.mean(self.bare_rates)

    @property
    def worst_round(self) -> float:
        return min(p / b for p, b in zip(self.polka_rates, self.bare_rates, strict=True))


@dataclass
class Scale:
    name: str
    app: Flask
    url: str
    data: Path
    reader: str
    password: str
    pages: list[Page]


def demo_scale(data: Path) -> Scale:
    """The demo site (``polka demo``), read by a PNC operator."""
    app, url = bench_app(data, search_inline=True)  # no applier thread left running at teardown
    result = app.test_cli_runner().invoke(args=["demo"])
    if result.exit_code != 0:
        raise RuntimeError(f"polka demo failed: {result.output}")
    app.extensions["polka.search"].rebuild()
    with app.extensions["polka.sessions"]() as session:
        # in a folder, as the large site's documents are: the page names its folders
        document = session.scalar(
            select(Document.id).where(Document.title == "North West minutes, 11 March 2026")
        )
        chair = session.scalar(select(User.id).where(User.email == "sandra.okafor@met.police.uk"))
    page = "/c/neighbourhood-policing/wiki/problem-solving-with-sara"  # two revisions
    return Scale(
        "demo",
        app,
        url,
        data,
        DEMO_READER,
        DEMO_PASSWORD,
        _pages("pnc-operators", page, document, chair, "PNC"),
    )


def large_scale(data: Path) -> Scale:
    """10,000 wiki pages across 50 communities, read by a member of 10 of them."""
    app, url = bench_app(data, search_inline=True)  # no applier thread left running at teardown
    site = build_big_site(app)
    page = f"/c/{site.community}/wiki/{site.page}"
    return Scale(
        "large",
        app,
        url,
        data,
        site.reader_email,
        site.password,
        _pages(site.community, page, site.document_id, site.person_id, site.search),
    )


def _pages(community: str, page: str, document: int | None, person: int | None, q: str) -> list[Page]:
    assert document is not None
    assert person is not None
    return [
        Page("home", "/"),
        Page("communities index", "/c/"),
        Page("community home", f"/c/{community}/"),
        Page("wiki page", page),
        Page("history", f"{page}/history"),
        Page("diff", f"{page}/diff"),
        Page("document library", f"/c/{community}/docs/"),
        Page("document page", f"/c/{community}/docs/{document}"),
        Page("search results", f"/search?q={q.replace(' ', '+')}"),
        Page("people", "/people/"),
        Page("profile", f"/people/{person}"),
        # What every signed-in answer pays before any page's own work (network and CSRF checks, the
        # session, user and memberships, the cookie): the session-status JSON the timeout warning asks
        # for runs no statement of its own. No page can do better than this row's ratio.
        Page("request path alone", "/session", reference=True),
    ]


def sign_in(app: Flask, email: str, password: str) -> tuple[FlaskClient, str]:
    """A test client signed in as ``email``, and its cookie for wrk (the server shares key and database)."""
    client = app.test_client()
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
    assert found is not None, "no CSRF token on the sign-in page"
    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": found.group(1)})
    if answer.status_code != 302 or "/login" in answer.headers.get("Location", ""):
        raise RuntimeError(f"could not sign in as {email}: {answer.status_code}")
    # Follow the sign-in's redirect as a browser does: the first page after it adds the CSRF token to
    # the session cookie. A cookie without one would make every request wrk sends mint a token and
    # sign a new cookie, work no browser's request repeats.
    client.get(answer.headers["Location"])
    cookie = client.get_cookie("polka_session")
    assert cookie is not None
    return client, f"polka_session={cookie.value}"


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    """The SQL statements this thread runs inside the block."""
    statements: list[str] = []
    me = threading.get_ident()

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if threading.get_ident() == me:
            statements.append(statement)

    engine = app.extensions["polka.engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure_in_process(scale: Scale, client: FlaskClient, repeat: int) -> None:
    for page in scale.pages:
        answer = client.get(page.path)
        if answer.status_code != 200:
            raise RuntimeError(f"{scale.name}: {page.path} answered {answer.status_code}")
        page.bytes = len(answer.get_data())
        with counting(scale.app) as statements:
            client.get(page.path)
        page.statements = len(statements)
        page.in_process_ms = (
            statistics.median(time_calls(partial(client.get, page.path), repeat=repeat)) * 1000
        )


def measure_http(scale: Scale, cookie: str, *, seconds: float, rounds: int, connections: int) -> None:
    environment = {
        "POLKA_DATA_DIR": str(scale.data),
        "POLKA_DATABASE_URL": scale.url,
        "POLKA_SECRET_KEY": "bench",
    }
    polka_port = free_port(set())
    bare_port = free_port({polka_port})
    with gunicorn("wsgi:app", polka_port, environment), gunicorn("bench.bare:app", bare_port, {}):
        for page in scale.pages:
            for port, path, jar in ((polka_port, page.path, cookie), (bare_port, f"/html/{page.bytes}", "")):
                status = warm(port, path, jar)
                if status != 200:
                    raise RuntimeError(f"{scale.name}: {path} on gunicorn answered {status}")
                # Then as the measured runs do, so that every worker and thread has served it before
                # the first measured run.
                wrk(port, path, seconds=WARM_SECONDS, connections=connections, cookie=jar)
        for round_number in range(rounds):
            for page in scale.pages:
                order = ("bare", "polka") if round_number % 2 == 0 else ("polka", "bare")
                for which in order:
                    if which == "bare":
                        load = wrk(bare_port, f"/html/{page.bytes}", seconds=seconds, connections=connections)
                        page.bare_rates.append(load.requests_per_second)
                    else:
                        load = wrk(
                            polka_port, page.path, seconds=seconds, connections=connections, cookie=cookie
                        )
                        page.polka_rates.append(load.requests_per_second)
                    page.errors += load.errors
                if warm(polka_port, page.path, cookie, times=1) != 200:
                    raise RuntimeError(f"{scale.name}: the signed-in cookie stopped working on {page.path}")
                print(
                    f"  {scale.name} round {round_number + 1}/{rounds} {page.name:18} "
                    f"POLKA {page.polka_rates[-1]:8.0f} req/s  bare {page.bare_rates[-1]:8.0f} req/s",
                    flush=True,
                )


def misses(scale: Scale, page: Page, demo: dict[str, int]) -> list[str]:
    """What this page misses of the issue's targets."""
    if page.reference:
        return []
    found = []
    if page.polka_rates and page.ratio < RATIO_TARGET:
        found.append(f"ratio<{RATIO_TARGET:g}")
    if page.polka_rates and page.worst_round < RATIO_FLOOR:
        found.append(f"a round<{RATIO_FLOOR:g}")
    if page.errors:
        found.append(f"{page.errors} failed")
    budget = HOME_STATEMENTS if page.name == "home" else STATEMENTS
    if page.statements > budget:
        found.append(f"SQL>{budget}")
    if page.name in demo and page.statements > demo[page.name]:
        found.append("SQL grows with data")
    target = time_target(scale, page)
    if target is not None and page.in_process_ms > target:
        found.append(f"time>{target:g}ms")
    return found


def time_target(scale: Scale, page: Page) -> float | None:
    if page.reference:
        return None
    if page.name != "search results":
        return MEDIAN_MS
    return SEARCH_DEMO_MS if scale.name == "demo" else None


def report(scale: Scale, demo: dict[str, int]) -> int:
    """Print the scale's table; how many pages missed a target."""
    print(
        f"\nPages side by side with a bare Flask route — {scale.name} data, SQLite ({len(FEATURES)} features)"
    )
    print(
        f"{'page':18} {'bytes':>7} {'SQL':>4} {'budget':>6} {'median ms':>9} {'target':>6}"
        f" {'POLKA r/s':>9} {'bare r/s':>9} {'ratio':>6} {'worst':>6}  verdict"
    )
    missed = 0
    for page in scale.pages:
        budget = HOME_STATEMENTS if page.name == "home" else STATEMENTS
        target = time_target(scale, page)
        verdict = "reference (no target)" if page.reference else None
        rates = (
            f"{statistics.mean(page.polka_rates):9.0f} {statistics.mean(page.bare_rates):9.0f}"
            f" {page.ratio:6.2f} {page.worst_round:6.2f}"
            if page.polka_rates
            else f"{'-':>9} {'-':>9} {'-':>6} {'-':>6}"
        )
        found = misses(scale, page, demo)
        missed += bool(found)
        print(
            f"{page.name:18} {page.bytes:7d} {page.statements:4d} {budget:6d} {page.in_process_ms:9.1f}"
            f" {'-' if target is None else f'{target:g}':>6} {rates}  {verdict or ('MISSED ' + ', '.join(found) if found else 'met')}"
        )
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", choices=["demo", "large", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of bare and POLKA per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=50, help="in-process requests per page")
    parser.add_argument("--in-process-only", action="store_true", help="skip gunicorn and wrk")
    args = parser.parse_args()
    if not args.in_process_only and wrk_path() is None:
        print(INSTALL_WRK, file=sys.stderr)
        sys.exit(2)
    builders = {"demo": demo_scale, "large": large_scale}
    names = ["demo", "large"] if args.scale == "both" else [args.scale]
    missed = 0
    demo_statements: dict[str, int] = {}
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"polka-bench-{name}-") as tmp:
            scale = builders[name](Path(tmp))
            client, cookie = sign_in(scale.app, scale.reader, scale.password)
            measure_in_process(scale, client, args.repeat)
            if not args.in_process_only:
                measure_http(
                    scale, cookie, seconds=args.seconds, rounds=args.rounds, connections=args.connections
                )
            missed += report(scale, demo_statements)
            if name == "demo":
                demo_statements = {page.name: page.statements for page in scale.pages}
            scale.app.extensions["polka.engine"].dispose()
    print(
        "\nTimings are of this machine at this moment (req/s ratios are measured in the same run, "
        "alternating); statement counts do not depend on the machine."
    )
    if missed:
        print(f"{missed} page(s) missed a target")
        sys.exit(1)


if __name__ == "__main__":
    main()
