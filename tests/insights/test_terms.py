"""The term statistics behind the hot topics, on constructed counts: what rises is what many people
start using, not what one person repeats."""

from __future__ import annotations

import pytest

from polka.insights.terms import Counted, log_likelihood, most_used, rising, terms_of


def test_a_writings_terms_are_its_words_grouped_by_stem_and_its_tags() -> None:
    found = terms_of(
        "Meetings about the drone policy: see https://example.police.uk/drones and 2026 figures. Meeting notes.",
        ["Drones", "road safety"],
    )
    assert found["meet"] == "meetings"  # "meeting" joins the first form written
    assert found["drone"] == "drone"
    assert "polici" in found
    assert found["#drones"] == "#drones"
    assert found["#road safety"] == "#road safety"
    # small and common words, numbers and addresses are no topics
    for left_out in ("about", "the", "see", "2026", "example", "https"):
        assert left_out not in found
        assert left_out not in found.values()


def test_log_likelihood_is_zero_when_the_share_did_not_change_and_grows_with_the_evidence() -> None:
    assert log_likelihood(5, 50, 5, 50) == pytest.approx(0.0)
    small = log_likelihood(4, 20, 1, 20)
    large = log_likelihood(40, 200, 10, 200)
    assert 0 < small < large
    assert log_likelihood(3, 10, 0, 0) == 0.0  # nothing to compare with
    assert log_likelihood(0, 0, 3, 10) == 0.0


def test_a_term_many_people_took_up_ranks_above_one_a_single_author_repeats() -> None:
    now = [
        Counted("drone", "drones", authors=9, uses=12),  # nine people started writing about drones
        Counted("custodi", "custody", authors=1, uses=40),  # one person, forty posts
        Counted("train", "training", authors=4, uses=5),  # a little more than before
        Counted("vehicl", "vehicle", authors=3, uses=3),  # as many as before: no rise
    ]
    before = {"drone": 1, "custodi": 1, "train": 2, "vehicl": 3}
    ranked = rising(now, 20, before, 20)
    assert [r.shown for r in ranked] == ["drones", "training"]
    assert ranked[0].score > ranked[1].score > 0
    assert ranked[0].share == pytest.approx(9 / 20)
    assert ranked[0].share_before == pytest.approx(1 / 20)


def test_terms_rare_before_are_marked_and_nothing_breaks_on_empty_periods() -> None:
    assert rising([], 0, {}, 0) == []
    assert rising([Counted("drone", "drones", 3, 3)], 0, {}, 0) == []
    assert most_used([]) == []
    # a period before with nobody in it: the most used terms, each new
    first = rising([Counted("drone", "drones", 3, 4), Counted("radio", "radio", 5, 5)], 6, {}, 0)
    assert [r.shown for r in first] == ["radio", "drones"]
    assert all(r.rare_before and r.score == 0 for r in first)
    # a term written once is no topic
    assert rising([Counted("drone", "drones", 1, 1)], 5, {}, 5) == []
    assert most_used([Counted("drone", "drones", 1, 1)]) == []
