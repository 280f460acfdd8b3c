"""Search relevance (issue 14): the relevance set's searches (``bench.relevance_set``) over its fixed
corpus, through the search service as a member of every community: hit@5 (goal at least 0.9), mean
reciprocal rank, and each search's latency on this small corpus (the 50,000-item latency goal is
``bench.search``'s). Lists every search that missed, with the first five items it found.

Run with ``.venv/bin/python -m bench.relevance`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bench.common import Measure, bench_app
from bench.relevance_set import HIT_AT_5_GOAL, SEARCHES, build, evaluate


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="polka-bench-relevance-") as temp:
        app, _ = bench_app(Path(temp))
        corpus = build(app)
        scores = evaluate(app, corpus)
        app.extensions["polka.search"].backend.close()
    print(f"\nSearch relevance ({len(SEARCHES)} searches over {len(corpus.items)} items)")
    print(f"{'measure':40} {'figure':>10}  target")
    verdict = "met" if scores.hit_at_5 >= HIT_AT_5_GOAL else "MISSED"
    print(f"{'hit@5':40} {scores.hit_at_5:>10.3f}  >= {HIT_AT_5_GOAL} ({verdict})")
    print(f"{'mean reciprocal rank':40} {scores.mrr:>10.3f}")
    latency = Measure("latency per search", scores.seconds)
    print(f"{'latency per search, median / p95 (ms)':40} {latency.median_ms:>4.1f} / {latency.p95_ms:.1f}")
    for words, top in scores.misses:
        print(f"  missed: {words!r} -> {top}")
    if scores.hit_at_5 < HIT_AT_5_GOAL:
        sys.exit(1)


if __name__ == "__main__":
    main()
