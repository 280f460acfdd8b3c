"""Several app nodes (issue 19): the throughput of a signed-in page served by one gunicorn node, and by
two nodes sharing one PostgreSQL database and one files directory, on this machine, driven by ``wrk``.

The demo site on a scratch PostgreSQL database (see ``bench.common``); a PNC operator reads a
community's home page. One node: ``wrk`` with 16 connections for ``--seconds``. Two nodes: two ``wrk``
runs at once, 8 connections each, their rates added. Nodes add throughput where they add cores: on one
machine of 2 cores both figures are bounded by the same processors, so the ratio says what the
sharing costs, not what a second machine would bring. Reported, not held to a target.

Run with ``.venv/bin/python -m bench.nodes`` (``make bench`` runs it).
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from contextlib import ExitStack
from pathlib import Path

from bench.common import bench_app, scratch_postgresql
from bench.pages import DEMO_READER, sign_in
from bench.serving import Load, free_port, gunicorn, warm, wrk, wrk_path
from polka.demo import DEMO_PASSWORD

PAGE = "/c/pnc-operators/"
CONNECTIONS = 16


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    if wrk_path() is None:
        raise SystemExit("wrk is not installed: sudo apt-get install -y wrk")
    with ExitStack() as stack:
        url = stack.enter_context(scratch_postgresql("nodes"))
        root = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="polka-nodes-")))
        files = root / "files"
        app, _url = bench_app(root / "setup", url, search_inline=True, files_dir=files)
        result = app.test_cli_runner().invoke(args=["demo"])
        if result.exit_code != 0:
            raise SystemExit(f"polka demo failed: {result.output}")
        _client, cookie = sign_in(app, DEMO_READER, DEMO_PASSWORD)
        app.extensions["polka.engine"].dispose()

        def node(name: str, taken: set[int]) -> int:
            environment = {
                "POLKA_DATA_DIR": str(root / name),
                "POLKA_FILES_DIR": str(files),
                "POLKA_DATABASE_URL": url,
                "POLKA_SECRET_KEY": "bench",
                "POLKA_LOG_FORMAT": "text",
            }
            port = stack.enter_context(gunicorn("wsgi:app", free_port(taken), environment))
            if warm(port, PAGE, cookie) != 200:
                raise SystemExit(f"the page did not answer 200 on {name}")
            return port

        first = node("node-a", set())
        one = wrk(first, PAGE, seconds=args.seconds, connections=CONNECTIONS, cookie=cookie)
        second = node("node-b", {first})
        loads: list[Load] = []

        def drive(port: int) -> None:
            loads.append(wrk(port, PAGE, seconds=args.seconds, connections=CONNECTIONS // 2, cookie=cookie))

        threads = [threading.Thread(target=drive, args=(port,)) for port in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        both = sum(load.requests_per_second for load in loads)
        errors = one.errors + sum(load.errors for load in loads)
        print(
            f"\nA community home page, signed in, PostgreSQL, {args.seconds:g} s of wrk each (2 workers a node)"
        )
        print(f"one node:  {one.requests_per_second:8.1f} requests/s ({CONNECTIONS} connections)")
        print(
            f"two nodes: {both:8.1f} requests/s ({CONNECTIONS // 2} connections each), {both / one.requests_per_second:.2f}x"
        )
        print(f"errors: {errors}")
        if errors:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
