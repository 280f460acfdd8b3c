"""The request path every page pays (issue 13, item 2): median in-process time and SQL statements of a
signed-in GET of the communities index, a wiki page and the account page, through the test client,
on SQLite with the demo data.

Run with ``.venv/bin/python -m bench.request_path``; ``--profile /c/`` prints where one page's time
goes (cProfile, the 25 costliest functions by cumulative time). No targets here: the page budget and
the side-by-side benchmark hold those; this is what the README's "What each step saved" reports.
"""

from __future__ import annotations

import argparse
import cProfile
import html
import pstats
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from bench.common import Measure, Report, bench_app, time_calls
from polka.communities.models import Community
from polka.db import transaction
from polka.demo import DEMO_PASSWORD, load_demo
from polka.wiki.models import WikiPage

#: A demo member (no two-factor step at sign-in) who reads the PNC communities' wiki pages.
READER_EMAIL = "aisha.rahman@met.police.uk"


def demo_site(data: Path) -> Flask:
    app, _url = bench_app(data, argon2_time_cost=1, argon2_memory_kib=8192, search_inline=True)
    with app.app_context(), app.extensions["polka.sessions"]() as session, transaction(session):
        load_demo(session, app.extensions["polka.passwords"], app.extensions["polka.settings"])
    return app


def wiki_page_url(app: Flask) -> str:
    with app.extensions["polka.sessions"]() as session:
        slug, page = session.execute(
            select(Community.slug, WikiPage.slug)
            .join(WikiPage, WikiPage.community_id == Community.id)
            .where(Community.name == "PNC Operators", WikiPage.deleted_at.is_(None))
            .order_by(WikiPage.id)
            .limit(1)
        ).one()
    return f"/c/{slug}/wiki/{page}"


def signed_in_client(app: Flask) -> Any:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found is not None, "no CSRF token on the sign-in page"
    token = html.unescape(found.group(1))
    answer = client.post(
        "/login", data={"email": READER_EMAIL, "password": DEMO_PASSWORD, "csrf_token": token}
    )
    assert answer.status_code == 302, answer.status_code
    assert "/login" not in answer.headers["Location"], "the demo reader should need no second step"
    return client


@contextmanager
def counting(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = app.extensions["polka.engine"]

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.startswith("BEGIN"):  # SQLite's transaction start, not a query
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def measure(app: Flask, client: Any, paths: list[str], repeat: int) -> Report:
    report = Report("Signed-in pages through the test client (SQLite, demo data)")
    for path in paths:

        def get(path: str = path) -> None:
            answer = client.get(path)
            assert answer.status_code == 200, (path, answer.status_code)

        with counting(app) as statements:
            get()
        report.add(Measure(f"GET {path} ({len(statements)} statements)", time_calls(get, repeat=repeat)))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument(
        "--profile", metavar="PATH", help="print a cProfile of GET PATH ('wiki' for the wiki page)"
    )
    parser.add_argument("--sql", action="store_true", help="print each page's statements")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = demo_site(Path(tmp))
        client = signed_in_client(app)
        paths = ["/c/", wiki_page_url(app), "/account"]
        client.get("/")  # the first request of a process applies the search outbox once
        if args.sql:
            for path in paths:
                with counting(app) as statements:
                    client.get(path)
                print(f"\n{path}:")
                for statement in statements:
                    print(
                        "  ", " ".join(statement.split())[: int(__import__("os").environ.get("SQLW", "160"))]
                    )
        if args.profile:
            path = paths[1] if args.profile == "wiki" else args.profile
            for _ in range(20):
                client.get(path)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(200):
                client.get(path)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(
                int(__import__("os").environ.get("TOP", "25"))
            )
            return
        measure(app, client, paths, args.repeat).print()
        app.extensions["polka.engine"].dispose()


if __name__ == "__main__":
    main()
