"""How text becomes the words an index holds, for a backend that does not analyse text itself (the
PostgreSQL backend gives the database its words ready-made, so that both ends of a search split and
stem text exactly alike, whatever the database's locale).

Words are runs of letters and digits (``polka.search.query.WORD_PATTERN``, the split the query parser
makes), lower-cased and stemmed by the Snowball English stemmer (PyStemmer; the algorithm of
PostgreSQL's own ``english`` configuration). ``STOP_WORDS`` are the small words a plain search leaves
out; phrases keep them.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer

from polka.search.query import WORD_PATTERN

#: Small words a search for plain words ignores (a phrase keeps them, where the index holds them):
#: the same list as the Whoosh backend's, so both find the same documents (a test checks it).
STOP_WORDS = frozenset(
    "a an and are as at be by can for from have if in is it may not of on or tbd that the this to us we "  # noqa: SIM905
    "when will with yet you your".split()
)
#: Longer runs of letters (an encoded blob in a text) are no words anyone searches for.
LONGEST_WORD = 64

_WORD = re.compile(WORD_PATTERN)
_stemmers = threading.local()  # a PyStemmer stemmer may not be shared between threads


def words(text: str) -> list[str]:
    """The words of ``text`` in order, lower-cased (too long ones left out)."""
    return [word for word in _WORD.findall(text.lower()) if len(word) <= LONGEST_WORD]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The stem of one lower-cased word ("meetings" -> "meet")."""
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = Stemmer.Stemmer("english")
    return str(stemmer.stemWord(word)) or word


def query_stems(typed: tuple[str, ...], *, keep_stop_words: bool) -> tuple[str, ...]:
    """The stems a query looks for, for words the parser split off (each perhaps in pieces again once
    lower-cased), without stop words unless ``keep_stop_words`` (a phrase)."""
    return tuple(
        stem(word) for each in typed for word in words(each) if keep_stop_words or word not in STOP_WORDS
    )
