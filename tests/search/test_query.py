"""The query language: what users type becomes a query tree, and bad syntax degrades to plain words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polka.search.query import (
    MAX_TERMS,
    MAX_TEXT,
    AnyOf,
    Not,
    Part,
    Phrase,
    Query,
    Word,
    format_query,
    parse_query,
)


def w(text: str, field: str | None = None) -> Word:
    return Word(text, field)


def p(*words: str, field: str | None = None) -> Phrase:
    """A phrase typed in quotes."""
    return Phrase(words, field, quoted=True)


def joined(*words: str) -> Phrase:
    """The pieces of one written word."""
    return Phrase(words)


EXAMPLES: list[tuple[str, tuple[Part, ...]]] = [
    # What users expect
    ("police meetings", (w("police"), w("meetings"))),
    ("Police MEETINGS", (w("police"), w("meetings"))),
    ('"use of force"', (p("use", "of", "force"),)),
    ('"custody"', (w("custody"),)),
    ("custody -taser", (w("custody"), Not(w("taser")))),
    ('custody -"stop and search"', (w("custody"), Not(p("stop", "and", "search")))),
    ("custody OR taser", (AnyOf((w("custody"), w("taser"))),)),
    ("a OR b OR c d", (AnyOf((w("a"), w("b"), w("c"))), w("d"))),
    ('"stop search" OR custody', (AnyOf((p("stop", "search"), w("custody"))),)),
    ("title:budget", (w("budget", "title"),)),
    ("TITLE:Budget", (w("budget", "title"),)),
    ('title:"annual report" plan', (p("annual", "report", field="title"), w("plan"))),
    ("-title:draft plan", (Not(w("draft", "title")), w("plan"))),
    ("polic*", (Word("polic", prefix=True),)),
    ("title:polic*", (Word("polic", "title", prefix=True),)),
    ("police police", (w("police"),)),
    ("custody or taser", (w("custody"), w("or"), w("taser"))),
    # Words the way the tokenizer splits them: joined pieces are a phrase, separators split words
    ("O'Brien", (joined("o", "brien"),)),
    ("e-mail", (joined("e", "mail"),)),
    ("PNC-123", (joined("pnc", "123"),)),
    ("U.K.", (joined("u", "k"),)),
    ("foo:bar", (w("foo"), w("bar"))),
    ("café naïve", (w("café"), w("naïve"))),
    # Bad syntax degrades to plain words
    ('"unbalanced quote', (w("unbalanced"), w("quote"))),
    ('custody "stop search', (w("custody"), w("stop"), w("search"))),
    ('"one" "two', (w("one"), w("two"))),
    ("OR", ()),
    ("OR custody", (w("custody"),)),
    ("custody OR", (w("custody"),)),
    ("custody OR OR taser", (AnyOf((w("custody"), w("taser"))),)),
    ("OR OR", ()),
    ("custody OR -taser", (w("custody"), Not(w("taser")))),
    ("-", ()),
    ("- custody -", (w("custody"),)),
    ("--custody", (Not(w("custody")),)),
    ("p*", (w("p"),)),
    ("*", ()),
    ("po*lice", (w("po"), w("lice"))),
    ("unknown:field", (w("unknown"), w("field"))),
    ("title:", (w("title"),)),
    ("title: custody", (w("title"), w("custody"))),
    ("'; DROP TABLE users; --", (w("drop"), w("table"), w("users"))),
    ("1=1 OR 'a'='a'", (AnyOf((w("1"), w("a"))), w("a"))),
    ("(custody AND NOT taser)", (w("custody"), w("and"), w("not"), w("taser"))),
    (
        "[a TO b] {c} ^d ~e f~2 g^3",
        (w("a"), w("to"), w("b"), w("c"), w("d"), w("e"), w("f"), w("2"), w("g"), w("3")),
    ),
    ("a && b || c ! d + e", (w("a"), w("b"), w("c"), w("d"), w("e"))),
    ("what? \\path\\ /regex/ x:y:z", (w("what"), w("path"), w("regex"), w("x"), w("y"), w("z"))),
    ("custody\x00 taser\x07\x1b", (w("custody"), w("taser"))),
    ("", ()),
    ("   \t\n  ", ()),
]


@pytest.mark.parametrize(("text", "parts"), EXAMPLES)
def test_parse_query_reads_what_users_type(text: str, parts: tuple[Part, ...]) -> None:
    assert parse_query(text).parts == parts


def test_only_exclusions_is_an_empty_query() -> None:
    assert parse_query("-custody -taser").is_empty
    assert not parse_query("-custody taser").is_empty


def test_text_is_trimmed_collapsed_and_capped() -> None:
    assert parse_query("  custody \n\t taser  ").text == "custody taser"
    assert parse_query("custody\x00taser").text == "custody taser"
    assert len(parse_query("word " * 3_000).text) <= MAX_TEXT


def test_a_huge_input_keeps_at_most_max_terms() -> None:
    query = parse_query("x" * 10_000)
    assert len(query.parts) == 1
    many = parse_query(" ".join(f"word{n}" for n in range(1_000)))
    assert len(many.parts) == MAX_TERMS
    assert many.parts[0] == w("word0")


def test_a_long_phrase_is_cut_to_the_term_budget() -> None:
    words = " ".join(f"w{n}" for n in range(MAX_TERMS + 10))
    query = parse_query(f'"{words}" custody')
    assert query.parts == (p(*(f"w{n}" for n in range(MAX_TERMS))),)


def test_words_are_the_plain_positive_words() -> None:
    query = parse_query('police "case study" -taser polic* custody OR meeting title:budget')
    assert query.words() == ["police", "custody", "meeting", "budget"]


@pytest.mark.parametrize("text", [text for text, _ in EXAMPLES])
def test_format_query_reads_back_as_the_same_parts(text: str) -> None:
    query = parse_query(text)
    assert parse_query(format_query(query.parts)).parts == query.parts


def _terms(query: Query) -> list[str]:
    found: list[str] = []
    for part in query.parts:
        items = part.parts if isinstance(part, AnyOf) else (part.part,) if isinstance(part, Not) else (part,)
        for item in items:
            found.extend(item.words if isinstance(item, Phrase) else (item.text,))
    return found


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(list('"-*: OR()\\^~')), max_size=400))
def test_parse_query_never_raises_and_keeps_the_limits(text: str) -> None:
    query = parse_query(text)
    terms = _terms(query)
    assert len(terms) <= MAX_TERMS
    assert all(term for term in terms)
    assert all(
        len(item.words) >= 2 for part in query.parts for item in _items(part) if isinstance(item, Phrase)
    )
    assert len(query.text) <= MAX_TEXT
    assert parse_query(format_query(query.parts)).parts == query.parts


def _items(part: Part) -> tuple[Word | Phrase, ...]:
    if isinstance(part, AnyOf):
        return part.parts
    if isinstance(part, Not):
        return (part.part,)
    return (part,)
