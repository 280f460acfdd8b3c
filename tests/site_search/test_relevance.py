"""Measured relevance (issue 14): the relevance set's 60+ practitioners' searches over its fixed corpus
(``bench.relevance_set``) find what they must in the first five results, at least ``HIT_AT_5_GOAL`` of
them. ``make bench`` reports the same figures with mean reciprocal rank (``bench.relevance``)."""

from __future__ import annotations

from flask import Flask

from bench.relevance_set import HIT_AT_5_GOAL, PAGES, PEOPLE, PLACES, SEARCHES, build, evaluate


def test_the_set_is_sixty_searches_or_more_over_items_that_exist() -> None:
    keys = (
        {page.key for page in PAGES}
        | {f"place:{p.key}" for p in PLACES}
        | {f"person:{p.key}" for p in PEOPLE}
    )
    assert len(SEARCHES) >= 60
    assert len({search.words for search in SEARCHES}) == len(SEARCHES)
    for search in SEARCHES:
        assert search.expected, search.words
        assert set(search.expected) <= keys, search.words


def test_practitioners_searches_find_what_they_mean_in_the_first_five(app: Flask) -> None:
    scores = evaluate(app, build(app))
    assert scores.hit_at_5 >= HIT_AT_5_GOAL, f"hit@5 {scores.hit_at_5:.3f}; missed: {scores.misses}"
    assert scores.mrr >= 0.8, f"mean reciprocal rank {scores.mrr:.3f}"
