"""Terms and how their use rose: the statistics behind "hot topics and emerging terms".

A writing's terms are its words (lower-cased, grouped by stem, so "meeting" and "meetings" are one term,
shown as the word most often written) and its tags. Small and common words, numbers and web addresses
are no topics and are left out.

The unit counted is the **author**, not the word: a term's weight in a period is how many different
people used it, out of how many people wrote anything. One person repeating a word in forty posts makes
it one author's term; a word that twenty people start using is a topic. Rising terms are ranked by
Dunning's log-likelihood ratio (G², 1993) on the 2×2 table of authors who used the term or did not, now
and in the period before: it is large when the share of authors using a term changed more than chance
would explain at those numbers, and it stays small for a term only one or two people used. Only terms
used by at least ``MIN_AUTHORS`` people in the period are listed.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from polka.search.analysis import STOP_WORDS, stem, words

#: Fewer people than this using a term is no topic.
MIN_AUTHORS = 2
#: Shorter words are left out ("pc", "uk" are too ambiguous to be a topic on their own).
SHORTEST = 3
#: The longest term kept (the insights' tables hold this much).
LONGEST = 60
#: A tag is kept as this prefix and the tag, so a tag and a word of the same letters stay apart.
TAG = "#"

#: Common English words that carry no topic (besides the search's stop words).
COMMON = frozenset(
    """
    about above across after again against all almost along already also although always among another
    any anyone anything around asked because been before being below best better between both but came
    cannot could did does doing done down during each either else enough even ever every few first found
    get gets getting give given goes going gone good got had has having her here hers him his how however
    into its itself just know last less let like likely made make makes many might more most much must
    need needs never new next now off often once one only other others our ours out over own part per
    perhaps please put quite rather really same say says see seem seems seen should since some something
    soon still such sure take than thank thanks their theirs them then there these they thing
    things think those though through thus too under until upon used using very via want was way well
    were what whatever where whether which while who whom whose why within without would yes yet
    today tomorrow yesterday day days week weeks weekly month months monthly year years yearly
    monday tuesday wednesday thursday friday saturday sunday january february march april june july
    august september october november december
    """.split()  # noqa: SIM905
)
_SKIPPED = STOP_WORDS | COMMON
_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+")


def terms_of(text: str, tags: Iterable[str] = ()) -> dict[str, str]:
    """The terms of one writing: each term's key (a stem, or ``#`` and a tag) and the word it was
    written as here (the first time)."""
    found: dict[str, str] = {}
    for word in words(_ADDRESS.sub(" ", text)):
        if len(word) < SHORTEST or len(word) > LONGEST or word in _SKIPPED or not word.isalpha():
            continue
        found.setdefault(stem(word)[:LONGEST], word)
    for tag in tags:
        key = f"{TAG}{tag.strip().lower()}"[:LONGEST]
        if len(key) > 1:
            found.setdefault(key, key)
    return found


def is_tag(term: str) -> bool:
    return term.startswith(TAG)


def _cell(observed: float, expected: float) -> float:
    return observed * math.log(observed / expected) if observed > 0 and expected > 0 else 0.0


def log_likelihood(now: int, authors_now: int, before: int, authors_before: int) -> float:
    """Dunning's G² for a term used by ``now`` of ``authors_now`` authors in a period and ``before`` of
    ``authors_before`` in the one before; 0 when either period had no authors (nothing to compare)."""
    if authors_now <= 0 or authors_before <= 0:
        return 0.0
    now, before = min(now, authors_now), min(before, authors_before)
    total = authors_now + authors_before
    used = now + before
    unused = total - used
    table = (
        (now, authors_now * used / total),
        (authors_now - now, authors_now * unused / total),
        (before, authors_before * used / total),
        (authors_before - before, authors_before * unused / total),
    )
    return 2.0 * sum(_cell(observed, expected) for observed, expected in table)


@dataclass(frozen=True)
class Counted:
    """One term's use in a period: by how many authors, in how many writings."""

    term: str
    shown: str
    authors: int
    uses: int


@dataclass(frozen=True)
class Rising:
    """A term whose share of the period's authors rose, with the test's score."""

    term: str
    shown: str
    authors: int
    authors_before: int
    uses: int
    #: the share of the period's authors who used it, now and before (0–1)
    share: float
    share_before: float
    score: float

    @property
    def rare_before(self) -> bool:
        """Fewer than ``MIN_AUTHORS`` used it in the period before (how many is not kept: one or none)."""
        return self.authors_before < MIN_AUTHORS


def rising(
    now: Iterable[Counted],
    authors_now: int,
    before: dict[str, int],
    authors_before: int,
    *,
    limit: int = 20,
) -> list[Rising]:
    """The terms of ``now`` used by at least ``MIN_AUTHORS`` whose share of the period's authors rose
    against ``before`` (term → authors), highest score first; when the period before had no authors at
    all, the most used terms (nothing rose from anything)."""
    found = []
    for counted in now:
        if counted.authors < MIN_AUTHORS or authors_now <= 0:
            continue
        had = before.get(counted.term, 0)
        share = counted.authors / authors_now
        share_before = had / authors_before if authors_before > 0 else 0.0
        if authors_before > 0 and share <= share_before:
            continue
        score = log_likelihood(counted.authors, authors_now, had, authors_before)
        found.append(
            Rising(
                term=counted.term,
                shown=counted.shown,
                authors=counted.authors,
                authors_before=had,
                uses=counted.uses,
                share=share,
                share_before=share_before,
                score=score,
            )
        )
    found.sort(key=lambda r: (-r.score, -r.authors, -r.uses, r.shown))
    return found[:limit]


def most_used(now: Iterable[Counted], *, limit: int = 20) -> list[Counted]:
    """The terms most people used in the period (at least ``MIN_AUTHORS``), most first."""
    kept = [counted for counted in now if counted.authors >= MIN_AUTHORS]
    kept.sort(key=lambda c: (-c.authors, -c.uses, c.shown))
    return kept[:limit]
