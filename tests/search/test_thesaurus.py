"""The thesaurus (issue 14): which terms a query holds, what they are searched as, and the rules that
keep a group from breaking search."""

from __future__ import annotations

import re

import pytest

from polka.errors import ValidationError
from polka.search.query import AnyOf, Not, Phrase, Word, parse_query
from polka.search.thesaurus import ADDED_WORDS, GROUP_TERMS, Thesaurus, check_group, forms_of
from polka.search.thesaurus_data import ACRONYMS, HYPHENATED, SHIPPED, SPELLINGS

WORDS = Thesaurus(
    [
        ("ASB", "anti-social behaviour"),
        ("PNC", "Police National Computer"),
        ("MISPER", "missing person"),
        ("behaviour", "behavior"),
        ("cyber-crime",),
    ]
)


def searched(text: str, thesaurus: Thesaurus = WORDS) -> list[set[tuple[str, ...]]]:
    """Each part of the expanded query as the ways of writing it that match."""
    found = []
    for part in thesaurus.expand(parse_query(text)).query.parts:
        items = part.parts if isinstance(part, AnyOf) else (part,)
        found.append({(item.text,) if isinstance(item, Word) else item.words for item in items})  # type: ignore[union-attr]
    return found


ASB = {("asb",), ("anti", "social", "behaviour"), ("antisocial", "behaviour")}


@pytest.mark.parametrize(
    "typed", ["ASB", "asb", "anti social behaviour", "anti-social behaviour", "antisocial behaviour"]
)
def test_an_acronym_and_every_way_of_writing_what_it_stands_for_find_each_other(typed: str) -> None:
    assert searched(typed) == [ASB]


def test_a_term_is_found_inside_a_longer_query_on_whole_words_only() -> None:
    assert searched("PNC checks") == [{("pnc",), ("police", "national", "computer")}, {("checks",)}]
    assert searched("asbestos") == [{("asbestos",)}]
    assert searched("police national") == [{("police",)}, {("national",)}]  # part of a term is no term


def test_plurals_are_found_with_the_singular() -> None:
    assert searched("missing persons") == [{("missing", "persons"), ("misper",)}]
    assert searched("behaviours") == [{("behaviours",), ("behavior",)}]


def test_a_hyphenated_term_alone_joins_its_three_forms() -> None:
    assert searched("cybercrime") == [{("cybercrime",), ("cyber", "crime")}]
    assert searched("cyber crime") == [{("cyber", "crime"), ("cybercrime",)}]


def test_quoted_phrases_excluded_words_prefixes_and_title_words_are_searched_as_typed() -> None:
    for typed in ('"anti social behaviour"', "title:ASB", "ASB*"):
        assert not WORDS.expand(parse_query(typed)).used, typed
    assert WORDS.expand(parse_query("-ASB")).query.parts == (Not(Word("asb")),)


def test_the_added_words_say_what_they_stand_for() -> None:
    expanded = WORDS.expand(parse_query("asb"))
    (part,) = expanded.query.parts
    assert isinstance(part, AnyOf)
    assert part.typed == "ASB"
    assert part.parts[0] == Word("asb")
    assert {item.synonym_of for item in part.parts[1:]} == {"ASB"}
    assert expanded.used == (("ASB", ("anti-social behaviour",)),)
    assert parse_query("asb").words() == WORDS.expand(parse_query("asb")).query.words() == ["asb"]


def test_a_query_that_would_add_too_many_words_keeps_the_rest_as_typed_and_says_so() -> None:
    many = Thesaurus([(f"T{n}", " ".join(f"w{n}x{k}" for k in range(5))) for n in range(20)])
    expanded = many.expand(parse_query(" ".join(f"T{n}" for n in range(20))))
    added = sum(
        len(item.words) if isinstance(item, Phrase) else 1
        for part in expanded.query.parts
        if isinstance(part, AnyOf)
        for item in part.parts[1:]
    )
    assert expanded.capped
    assert 0 < added <= ADDED_WORDS
    assert len(expanded.query.parts) == 20  # every term still searched, as typed when over the cap


# --- the rules a group keeps ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "at least two terms"),
        ("  \n , ", "at least two terms"),
        ("ASB", "at least two terms"),
        ("\n".join(f"term{n}" for n in range(10_000)), "at most 2,000 characters"),
        (", ".join(f"t{n}" for n in range(GROUP_TERMS + 1)), f"at most {GROUP_TERMS} terms"),
        ("ASB\n-asb", "a minus sign"),
        ('ASB\n"anti social"', "quotes"),
        ("ASB\nanti*", "a star"),
        ("ASB\ntitle:asb", "“title:”"),
        ("stop OR search\nstop search", "OR in capitals"),
        ("ASB\n!!!", "no letters or digits"),
        ("ASB\n" + "word " * 7, "at most 6 words"),
        ("ASB\n" + "x" * 61, "at most 60 characters"),
        ("anti-social\nantisocial", "the same search as"),
        ("organisation\norganisations", "the same search as"),
        ("PNC\npolice national computers", "already in the group “PNC, Police National Computer”"),
        ("nuisance\nantisocial behaviour", "already in the group “ASB, anti-social behaviour”"),
    ],
)
def test_a_bad_group_is_refused_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_group(text, WORDS)
    assert message in str(refused.value)
    assert refused.value.field_errors == {"terms": str(refused.value)}


def test_a_good_group_is_its_terms_as_typed() -> None:
    assert check_group(" ROCU ,\nregional  organised crime unit\n\n", WORDS) == [
        "ROCU",
        "regional organised crime unit",
    ]
    assert check_group("cyber-crime", Thesaurus([])) == ["cyber-crime"]


def test_the_shipped_thesaurus_keeps_every_rule_and_holds_sixty_real_acronyms() -> None:
    groups: list[tuple[str, ...]] = []
    for _key, terms in SHIPPED:
        groups.append(tuple(check_group("\n".join(terms), Thesaurus(groups))))
    acronyms = [terms for _key, terms in ACRONYMS if re.fullmatch(r"[A-Z]{2,8}", terms[0])]
    assert len(acronyms) >= 60
    for name in ("ASB", "PNC", "PCSO", "DASH", "BWV", "ANPR", "CSE", "OCG", "RTC", "MISPER"):
        assert any(terms[0] == name for terms in acronyms), name
    assert all(len(forms_of(terms[0])) == 2 for _key, terms in HYPHENATED)
    assert ("behaviour", "behavior") in [terms for _key, terms in SPELLINGS]
    assert len({key for key, _terms in SHIPPED}) == len(SHIPPED)
