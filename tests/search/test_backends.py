"""Every search backend: finding, trimming, facets, snippets, suggestions and concurrent readers, from
the same tests (``tests/search/conftest.py`` names the backends)."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from polka.search.backend import PARTIAL_BELOW, Access, Change, SearchBackend, SearchRequest, Sort
from polka.search.documents import Audience
from polka.search.query import Query, parse_query
from tests.search.backends import EVERYONE, START, doc, find, ids, put

# --- finding ---------------------------------------------------------------------------------------


def test_an_empty_index_answers_with_nothing(backend: SearchBackend) -> None:
    assert find(backend, "custody").total == 0
    assert backend.document_count() == 0


def test_added_document_is_found_updated_and_deleted(backend: SearchBackend) -> None:
    put(backend, doc(1, "Custody handbook", "Rules for the custody suite"))
    assert ids(find(backend, "custody")) == {1}

    put(backend, doc(1, "Patrol handbook", "Rules for patrol"))
    assert ids(find(backend, "custody")) == set()
    assert ids(find(backend, "patrol")) == {1}

    backend.apply([Change("wiki", 1, None)], timeout=5)
    assert find(backend, "patrol").total == 0
    assert backend.document_count() == 0


def test_a_hit_names_its_kind_and_object(backend: SearchBackend) -> None:
    put(backend, doc(42, "Custody", kind="forum"))
    [hit] = find(backend, "custody").hits
    assert (hit.kind, hit.object_id) == ("forum", 42)
    assert hit.score > 0


@pytest.mark.parametrize(
    ("searched", "written"), [("meetings", "meeting"), ("meeting", "meetings"), ("policing", "police")]
)
def test_english_stemming_finds_other_forms(backend: SearchBackend, searched: str, written: str) -> None:
    put(backend, doc(1, "Minutes", f"Notes of the {written} last week"))
    assert ids(find(backend, searched)) == {1}


def test_all_words_must_match_to_be_a_complete_result(backend: SearchBackend) -> None:
    put(
        backend,
        *(doc(n, body="custody suite") for n in range(1, PARTIAL_BELOW + 1)),
        doc(99, body="custody van"),
    )
    results = find(backend, "custody suite")
    assert ids(results) == set(range(1, PARTIAL_BELOW + 1))
    assert results.complete is None
    assert find(backend, "custody van").total == 1 + PARTIAL_BELOW  # …but few: partial matches follow


def test_where_an_item_lives_matches_but_weighs_less_than_its_text(backend: SearchBackend) -> None:
    put(
        backend,
        replace(doc(1, "Minutes", "agreed actions"), context="Rural Crime Network"),
        replace(doc(2, "Minutes", "the crime network was rural"), context="Roads Policing"),
        replace(doc(3, "Minutes", "agreed actions"), context="Roads Policing"),
    )
    results = find(backend, "rural crime network minutes")
    assert [hit.object_id for hit in results.hits] == [2, 1]  # both hold every word; 2 in its text
    assert (results.total, results.complete) == (2, 2)  # the third holds one word of four
    assert ids(find(backend, '"crime network"')) == {1, 2}
    assert ids(find(backend, "title:rural")) == set()


# --- partial matches ---------------------------------------------------------------------------------


def test_with_few_complete_results_those_with_most_of_the_words_follow(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="neighbourhood problem solving"),
        doc(2, body="problem solving with SARA"),
        doc(3, body="a problem shared"),
        doc(4, body="neighbourhood watch"),
        doc(5, body="unrelated"),
    )
    results = find(backend, "neighbourhood problem solving")
    assert [hit.object_id for hit in results.hits] == [1, 2]  # one of three words is fewer than half
    assert results.total == 2
    assert results.complete == 1
    assert [hit.missing for hit in results.hits] == [(), ("neighbourhood",)]


def test_no_complete_result_still_finds_the_closest(backend: SearchBackend) -> None:
    put(backend, doc(1, body="rural crime minutes"), doc(2, body="crime network"))
    results = find(backend, "rural crime network minutes")
    assert results.complete == 0
    assert [hit.object_id for hit in results.hits] == [1, 2]
    assert [hit.missing for hit in results.hits] == [("network",), ("rural", "minutes")]


def test_more_matching_words_rank_above_better_scoring_ones(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, "Custody custody custody", "custody van custody custody"),
        doc(2, "Note", "a long text that mentions custody once, a van once and the suite once"),
    )
    results = find(backend, "custody van suite")
    assert [hit.object_id for hit in results.hits] == [2, 1]


def test_within_the_same_number_of_words_the_better_match_ranks_first(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, "Note", "a long text that mentions custody once and nothing more of interest here"),
        doc(2, "Custody", "custody custody"),
    )
    assert [hit.object_id for hit in find(backend, "custody suite").hits] == [2, 1]


def test_quoted_phrases_and_excluded_words_stay_strict(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="use of force in custody"),
        doc(2, body="force used in custody"),
        doc(3, body="use of force report taser"),
        doc(4, body="use of force custody taser"),
    )
    assert ids(find(backend, '"use of force" custody report')) == {1, 3, 4}
    assert ids(find(backend, '"use of force" custody report -taser')) == {1}


def test_a_written_word_of_pieces_may_be_missing_like_any_word(backend: SearchBackend) -> None:
    put(backend, doc(1, body="antisocial behaviour order"), doc(2, body="anti-social driving"))
    results = find(backend, "anti-social behaviour")
    assert {(hit.object_id, hit.missing) for hit in results.hits} == {
        (1, ("anti-social",)),
        (2, ("behaviour",)),
    }


def test_a_single_word_never_has_partial_matches(backend: SearchBackend) -> None:
    put(backend, doc(1, body="custody"), doc(2, body="van"))
    results = find(backend, "custody")
    assert (ids(results), results.complete) == ({1}, None)
    assert ids(find(backend, '"custody van" suite')) == set()  # a phrase is never optional


def test_count_is_of_complete_results_only(backend: SearchBackend) -> None:
    put(backend, doc(1, body="custody suite"), doc(2, body="custody van"))
    assert backend.count(SearchRequest(parse_query("custody suite"), EVERYONE)) == 1


def test_partial_results_page_facet_and_sort_like_any_other(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="custody suite van", days=1, organisation=10),
        doc(2, body="custody suite", days=5, organisation=10),
        doc(3, body="suite van", days=3, organisation=20),
        doc(4, body="custody van", days=4, organisation=20),
        doc(5, body="custody", days=9),
    )
    whole = find(backend, "custody suite van")
    assert (whole.total, whole.complete) == (4, 1)
    assert whole.hits[0].object_id == 1
    paged = [
        hit.object_id
        for offset in range(4)
        for hit in find(backend, "custody suite van", offset=offset, limit=1).hits
    ]
    assert paged == [hit.object_id for hit in whole.hits]
    assert whole.facets["organisation"] == {"10": 2, "20": 2}
    newest = find(backend, "custody suite van", sort=Sort.DATE)
    assert [hit.object_id for hit in newest.hits] == [1, 2, 4, 3]  # all three words first, however old


def test_partial_matches_are_trimmed_like_complete_ones(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="custody van", community=1),
        doc(2, body="custody suite", community=2),
        doc(3, body="custody suite", community=3, sensitive=True),
    )
    mine = Access(frozenset({1, 3}), frozenset())
    results = find(backend, "custody suite van", mine)
    assert (ids(results), results.total, results.complete) == ({1}, 1, 0)
    assert results.facets["community"] == {"1": 1}


def test_an_exact_phrase_needs_the_words_together(backend: SearchBackend) -> None:
    put(backend, doc(1, body="guidance on the use of force"), doc(2, body="force them to use it"))
    assert ids(find(backend, '"use of force"')) == {1}


def test_a_phrase_is_found_in_the_title_or_the_body_but_not_across_them(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, "Use of force", "guidance"),
        doc(2, "Guidance on the use", "of force"),
        doc(3, "Guidance", "force: the use of it"),
        doc(4, "Use", "use of force, use of force"),
    )
    results = find(backend, '"use of force"')
    assert ids(results) == {1, 4}
    assert results.total == 2
    assert ids(find(backend, 'title:"use of force"')) == {1}


def test_phrases_combine_with_or_and_exclusion(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="stop and search records"),
        doc(2, body="search then stop"),
        doc(3, body="custody records"),
        doc(4, body="stop and search in custody"),
    )
    assert ids(find(backend, '"stop and search" OR custody')) == {1, 3, 4}
    assert ids(find(backend, 'records -"stop and search"')) == {3}
    assert ids(find(backend, '"stop and search" -"in custody"')) == {1}
    assert ids(find(backend, '"stop search"')) == set()  # a phrase is its words as written, small ones too


def test_many_commits_and_updates_keep_totals_exact(backend: SearchBackend) -> None:
    for number in range(1, 13):  # one commit each: several segments
        put(backend, doc(number, body=f"custody suite record {number}", community=number % 3 + 1))
    for number in (2, 5, 11):  # updates delete the old copies inside older segments
        put(backend, doc(number, body="patrol car", community=1))
    results = find(backend, '"custody suite"', limit=5)
    assert results.total == 9
    assert len(results.hits) == 5
    assert sum(results.facets["community"].values()) == 9
    assert ids(find(backend, "patrol", limit=20)) == {2, 5, 11}
    assert find(backend, "custody", sort=Sort.DATE, limit=20).total == 9


def test_a_hyphenated_word_is_found_as_written(backend: SearchBackend) -> None:
    put(backend, doc(1, body="send an e-mail to PNC-123"), doc(2, body="mail the pnc desk, 123 times"))
    assert ids(find(backend, "e-mail")) == {1}
    assert ids(find(backend, "PNC-123")) == {1}


def test_a_prefix_finds_every_word_starting_with_it(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="police officers"),
        doc(2, body="the new policy"),
        doc(3, body="an investigation began"),
        doc(4, body="politics"),
    )
    assert ids(find(backend, "polic*")) == {1, 2}
    assert ids(find(backend, "investigat*")) == {3}  # longer than its stem, "investig"


def test_excluded_words_and_phrases_are_left_out(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="custody and taser"),
        doc(2, body="custody only"),
        doc(3, body="custody stop search"),
    )
    assert ids(find(backend, "custody -taser")) == {2, 3}
    assert ids(find(backend, 'custody -"stop search"')) == {1, 2}


def test_or_finds_either(backend: SearchBackend) -> None:
    put(backend, doc(1, body="custody"), doc(2, body="taser"), doc(3, body="patrol"))
    assert ids(find(backend, "custody OR taser")) == {1, 2}


def test_title_field_searches_titles_only(backend: SearchBackend) -> None:
    put(backend, doc(1, "Annual budget"), doc(2, "Minutes", "the budget was agreed"))
    assert ids(find(backend, "title:budget")) == {1}
    assert ids(find(backend, "budget")) == {1, 2}


def test_a_title_match_ranks_above_a_body_match(backend: SearchBackend) -> None:
    put(backend, doc(1, "Minutes", "budget budget talk"), doc(2, "Budget", "talk"))
    assert [hit.object_id for hit in find(backend, "budget").hits] == [2, 1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("o'brien", {1}),
        ("İstanbul", {1}),
        ("ÉCOLE", {2}),
        ("naïve", {2}),
        ("straße", {3}),
        ("x_y", {3}),
        ("3.5", {3}),
        ('"the use of force"', {4}),
        ("section 5", {4}),
    ],
)
def test_totals_agree_with_the_hits_for_unusual_words(
    backend: SearchBackend, text: str, expected: set[int]
) -> None:
    put(
        backend,
        doc(1, body="O'Brien flew from İstanbul"),
        doc(2, body="L'École naïve"),
        doc(3, body="Straße x_y version 3.5"),
        doc(4, body="Section 5: the use of force"),
    )
    results = find(backend, text)
    assert {hit.object_id for hit in results.hits if not hit.missing} == expected
    assert results.total == len(results.hits)


def test_stop_words_alone_find_nothing_and_do_not_fail(backend: SearchBackend) -> None:
    put(backend, doc(1, body="the and of"))
    assert find(backend, "the and").total == 0


def test_a_phrase_keeps_its_small_words(backend: SearchBackend) -> None:
    put(
        backend,
        doc(1, body="The date is to be confirmed by the chair."),
        doc(2, body="The chair confirmed the date."),
        doc(3, body="Confirmed: it is to be held in Leeds."),
        doc(4, body="Minutes of the meeting", title="To be or not to be"),
    )
    assert ids(find(backend, '"to be confirmed"')) == {1}
    assert ids(find(backend, "confirmed")) == {1, 2, 3}  # a plain search still leaves small words out
    assert ids(find(backend, "to be confirmed")) == {1, 2, 3}
    assert ids(find(backend, '"to be"')) == {1, 3, 4}  # small words alone, as a phrase
    assert ids(find(backend, 'title:"not to be"')) == {4}
    assert ids(find(backend, '"confirmed by chair"')) == set()


def test_a_phrase_marks_its_words_but_not_every_small_word_in_the_snippet(backend: SearchBackend) -> None:
    put(backend, doc(1, body="The venue is to be confirmed. Parking is free at the station."))
    [hit] = find(backend, '"to be confirmed"').hits
    assert "<mark>confirmed</mark>" in hit.snippet
    assert "<mark>the</mark>" not in hit.snippet.lower()


# --- filters, sorting, paging ----------------------------------------------------------------------


@pytest.fixture
def library(backend: SearchBackend) -> SearchBackend:
    put(
        backend,
        doc(1, body="custody", kind="wiki", community=1, organisation=10, tags=("Training",), days=1),
        doc(
            2, body="custody", kind="forum", community=2, organisation=20, tags=("training", "cyber"), days=3
        ),
        doc(3, body="custody", kind="blog", community=3, organisation=10, days=2),
    )
    return backend


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"kinds": frozenset({"wiki", "blog"})}, {1, 3}),
        ({"communities": frozenset({2, 3})}, {2, 3}),
        ({"organisations": frozenset({10})}, {1, 3}),
        ({"tags": frozenset({"TRAINING"})}, {1, 2}),
        ({"tags": frozenset({"cyber", "nothing"})}, {2}),
        ({"updated_from": START + timedelta(days=2)}, {2, 3}),
        ({"updated_to": START + timedelta(days=2)}, {1, 3}),
        ({"updated_from": START + timedelta(days=2), "updated_to": START + timedelta(days=2)}, {3}),
        ({"kinds": frozenset({"forum"}), "organisations": frozenset({10})}, set()),
    ],
)
def test_each_filter_narrows(library: SearchBackend, options: dict[str, object], expected: set[int]) -> None:
    results = find(library, "custody", **options)
    assert ids(results) == expected
    assert results.total == len(expected)


def test_date_sort_puts_the_most_recently_updated_first(library: SearchBackend) -> None:
    assert [hit.object_id for hit in find(library, "custody", sort=Sort.DATE).hits] == [2, 3, 1]


def test_pages_do_not_overlap_and_share_the_total(backend: SearchBackend) -> None:
    put(backend, *(doc(n, body="custody", days=n) for n in range(1, 8)))
    pages = [find(backend, "custody", sort=Sort.DATE, offset=offset, limit=3) for offset in (0, 3, 6)]
    assert [[hit.object_id for hit in page.hits] for page in pages] == [[7, 6, 5], [4, 3, 2], [1]]
    assert {page.total for page in pages} == {7}
    relevance = [
        hit.object_id for offset in (0, 3, 6) for hit in find(backend, "custody", offset=offset, limit=3).hits
    ]
    assert sorted(relevance) == list(range(1, 8))


def test_facets_count_every_match_not_just_the_page(library: SearchBackend) -> None:
    results = find(library, "custody", limit=1)
    assert len(results.hits) == 1
    assert results.facets == {
        "kind": {"wiki": 1, "forum": 1, "blog": 1},
        "community": {"1": 1, "2": 1, "3": 1},
        "organisation": {"10": 2, "20": 1},
        "tag": {"training": 2, "cyber": 1},
    }


def test_facets_follow_the_filters(library: SearchBackend) -> None:
    results = find(library, "custody", organisations=frozenset({10}))
    assert results.facets["community"] == {"1": 1, "3": 1}


def test_no_facets_when_not_asked(library: SearchBackend) -> None:
    assert find(library, "custody", facets=False).facets == {}


# --- permission trimming ---------------------------------------------------------------------------

#: Community 1 is readable (the searcher is a member), 2 readable (not a member), 3 is private to others.
MEMBER_OF_1 = Access(frozenset({1, 2}), frozenset({1}))


@pytest.fixture
def guarded(backend: SearchBackend) -> SearchBackend:
    put(
        backend,
        doc(1, body="custody open", community=1, organisation=10, tags=("open",)),
        doc(2, body="custody sensitive", community=1, sensitive=True, organisation=11, tags=("secret",)),
        doc(3, body="custody elsewhere", community=2, organisation=10, tags=("open",)),
        doc(
            4,
            body="custody sensitive elsewhere",
            community=2,
            sensitive=True,
            organisation=12,
            tags=("secret",),
        ),
        doc(5, body="custody private", community=3, kind="blog", organisation=13, tags=("private",)),
    )
    return backend


def test_communities_and_people_are_found_by_who_may_list_them_not_who_may_read(
    backend: SearchBackend,
) -> None:
    community, person = "communities.community", "people.person"
    put(
        backend,
        replace(doc(1, "PNC Operators", "custody checks", kind=community), audience=Audience.LISTERS),
        replace(doc(2, "Restricted", "custody", kind=community, community=2), audience=Audience.LISTERS),
        replace(doc(3, "Pat", "custody expert", kind=person, community=0), audience=Audience.DIRECTORY),
        doc(4, "Content", "custody in a listed community", community=2),
    )
    lister = Access(frozenset(), frozenset(), listed=frozenset({1, 2}), directory=True)
    assert ids(find(backend, "custody", lister)) == {1, 2, 3}  # not the content of 2, which it cannot read
    assert ids(find(backend, "custody", Access(frozenset({1, 2}), frozenset({1, 2})))) == {4}
    assert ids(find(backend, "custody", Access(frozenset(), frozenset(), listed=frozenset({1})))) == {1}
    assert ids(find(backend, "custody", Access(frozenset(), frozenset(), directory=True))) == {3}
    assert find(backend, "custody", Access(frozenset(), frozenset())).total == 0


def test_a_community_filter_keeps_its_sensitive_items_and_the_community_itself(
    backend: SearchBackend,
) -> None:
    community = "communities.community"
    put(
        backend,
        replace(doc(1, "Custody network", kind=community), audience=Audience.LISTERS),
        doc(2, body="custody open"),
        doc(3, body="custody sensitive", sensitive=True),
        doc(4, body="custody elsewhere", community=2),
        replace(doc(5, body="custody open to everyone signed in", community=0), audience=Audience.SIGNED_IN),
    )
    member = Access(frozenset({1, 2}), frozenset({1}), listed=frozenset({1, 2}), signed_in=True)
    assert ids(find(backend, "custody", member)) == {1, 2, 3, 4, 5}
    within = find(backend, "custody", member, communities=frozenset({1}))
    assert ids(within) == {1, 2, 3}
    assert within.facets["community"] == {"1": 3}
    reader = Access(frozenset({1}), frozenset(), listed=frozenset({1}))
    assert ids(find(backend, "custody", reader, communities=frozenset({1}))) == {1, 2}


def test_results_totals_and_facets_count_only_allowed_documents(guarded: SearchBackend) -> None:
    results = find(guarded, "custody", MEMBER_OF_1)
    assert ids(results) == {1, 2, 3}
    assert results.total == 3
    assert guarded.count(SearchRequest(parse_query("custody"), MEMBER_OF_1)) == 3
    assert results.facets == {
        "kind": {"wiki": 3},
        "community": {"1": 2, "2": 1},
        "organisation": {"10": 2, "11": 1},
        "tag": {"open": 2, "secret": 1},
    }


def test_sensitive_items_need_membership_of_their_community(guarded: SearchBackend) -> None:
    reader = Access(frozenset({1, 2}), frozenset())
    results = find(guarded, "sensitive", reader)
    assert results.total == 0
    assert results.facets == {"kind": {}, "community": {}, "organisation": {}, "tag": {}}
    assert ids(find(guarded, "sensitive", Access(frozenset({1, 2}), frozenset({1, 2})))) == {2, 4}


def test_a_filter_cannot_widen_access(guarded: SearchBackend) -> None:
    results = find(guarded, "custody", MEMBER_OF_1, communities=frozenset({3}), kinds=frozenset({"blog"}))
    assert results.total == 0
    assert results.hits == []


def test_membership_in_an_unreadable_community_reveals_nothing(guarded: SearchBackend) -> None:
    odd = Access(frozenset({1}), frozenset({1, 2, 3}))
    assert ids(find(guarded, "custody", odd)) == {1, 2}


def test_no_access_finds_nothing(guarded: SearchBackend) -> None:
    nobody = Access(frozenset(), frozenset())
    assert find(guarded, "custody", nobody).total == 0
    assert guarded.count(SearchRequest(parse_query("custody"), nobody)) == 0


def test_changed_access_applies_to_the_next_search(guarded: SearchBackend) -> None:
    assert find(guarded, "custody", MEMBER_OF_1).total == 3
    assert find(guarded, "custody", Access(frozenset({2}), frozenset())).total == 1


# --- snippets --------------------------------------------------------------------------------------


def test_snippet_marks_matches_and_escapes_everything_else(engine: SearchBackend) -> None:
    put(engine, doc(1, body='<script>alert("x")</script> & the custody suite\'s <b>rules</b>'))
    [hit] = find(engine, "custody rules").hits
    assert "<script>" not in hit.snippet
    assert "&lt;script&gt;" in hit.snippet
    assert "<mark>custody</mark>" in hit.snippet
    assert "&lt;b&gt;<mark>rules</mark>&lt;/b&gt;" in hit.snippet


def test_snippet_shows_the_passage_around_the_match(engine: SearchBackend) -> None:
    body = "filler " * 200 + "the custody suite rules " + "padding " * 200
    put(engine, doc(1, body=body))
    [hit] = find(engine, "custody").hits
    assert "<mark>custody</mark>" in hit.snippet
    assert hit.snippet.startswith("…")
    assert hit.snippet.endswith("…")
    assert len(hit.snippet) < 320


def test_snippet_marks_stemmed_and_prefixed_words(engine: SearchBackend) -> None:
    put(engine, doc(1, body="Meetings of the policing board"))
    assert "<mark>Meetings</mark>" in find(engine, "meeting").hits[0].snippet
    assert "<mark>policing</mark>" in find(engine, "polic*").hits[0].snippet


def test_snippet_of_a_title_match_is_the_opening_of_the_body(engine: SearchBackend) -> None:
    put(engine, doc(1, "Custody", "<i>First</i> words " + "more " * 100))
    [hit] = find(engine, "custody").hits
    assert hit.snippet.startswith("&lt;i&gt;First&lt;/i&gt; words more")
    assert "<mark>" not in hit.snippet
    assert len(hit.snippet) < 320


def test_snippet_never_shows_excluded_words_as_matches(engine: SearchBackend) -> None:
    put(engine, doc(1, body="custody and patrol"))
    [hit] = find(engine, "custody -taser").hits
    assert hit.snippet == "<mark>custody</mark> and patrol"


# --- suggestions -----------------------------------------------------------------------------------


def suggest(engine: SearchBackend, text: str, access: Access = EVERYONE) -> Query | None:
    return engine.suggest(SearchRequest(parse_query(text), access))


def test_suggest_offers_only_words_of_documents_the_searcher_may_find(engine: SearchBackend) -> None:
    put(engine, doc(1, body="meeting notes", community=1), doc(2, body="kestrelwatch handler", community=3))
    assert suggest(engine, "kestrelwach", Access(frozenset({1}), frozenset())) is None
    assert suggest(engine, "kestrelwach") is not None  # who may read community 3 is offered it
    assert suggest(engine, "meetnig", Access(frozenset({1}), frozenset())).text == "meeting"  # type: ignore[union-attr]


def test_suggest_respells_unknown_words(engine: SearchBackend) -> None:
    put(engine, doc(1, "Meeting notes", "The custody review meeting"))
    suggestion = suggest(engine, "meetnig custody")
    assert suggestion is not None
    assert suggestion.words() == ["meeting", "custody"]
    assert suggestion.text == "meeting custody"
    assert parse_query(suggestion.text).parts == suggestion.parts


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("nieghbourhood", "neighbourhood"),
        ("enighbourhood", "neighbourhood"),
        ("meighbourhood", "neighbourhood"),
        ("nieghbourhod", None),
    ],
)
def test_suggest_knows_a_single_slip_anywhere_in_a_word(
    engine: SearchBackend, typed: str, meant: str | None
) -> None:
    put(engine, doc(1, body="neighbourhood policing"))
    suggestion = suggest(engine, typed)
    assert (suggestion.text if suggestion else None) == meant


def test_suggest_keeps_the_query_structure(engine: SearchBackend) -> None:
    put(engine, doc(1, "Meeting notes", "The custody review meeting"))
    suggestion = suggest(engine, 'custdy OR meeting -taser "review meeting"')
    assert suggestion is not None
    assert suggestion.text == 'custody OR meeting -taser "review meeting"'


def test_suggest_is_none_when_every_word_is_known_or_nothing_is_close(engine: SearchBackend) -> None:
    put(engine, doc(1, "Meeting notes", "The custody review meeting"))
    assert suggest(engine, "custody meeting") is None
    assert suggest(engine, "zzyzx") is None
    assert suggest(engine, "-meetnig") is None


@pytest.mark.parametrize("text", ["", "the", "x" * 300, "123", "ça", "naïve café", "polic*", '"a b"'])
def test_suggest_never_fails_on_odd_words(engine: SearchBackend, text: str) -> None:
    assert suggest(engine, text) is None
    put(engine, doc(1, body="custody"))
    suggest(engine, text)


def test_many_threads_search_at_once(engine: SearchBackend) -> None:
    put(engine, *(doc(n, body="custody", community=n % 3 + 1) for n in range(30)))
    totals: list[int] = []

    def search() -> None:
        for _ in range(5):
            totals.append(find(engine, "custody").total)

    threads = [threading.Thread(target=search) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert totals == [30] * 20


def test_documents_are_replaced_not_duplicated(engine: SearchBackend) -> None:
    first = doc(1, body="custody")
    put(engine, first)
    put(engine, replace(first, body="custody again"))
    assert engine.document_count() == 1


def test_a_boosted_document_ranks_above_an_equal_one(backend: SearchBackend) -> None:
    """An answered question (boosted by the forum) comes before an unanswered one saying the same."""
    put(
        backend,
        doc(1, "Keeper checks", "How long do you wait?"),
        replace(doc(2, "Keeper checks", "How long do you wait?"), boost=1.5),
    )
    assert [hit.object_id for hit in find(backend, "keeper wait").hits] == [2, 1]
    put(
        backend,
        replace(doc(1, "Keeper checks", "How long do you wait?"), boost=1.5),
        doc(2, "Keeper checks", "How long do you wait?"),
    )
    assert [hit.object_id for hit in find(backend, "keeper wait").hits] == [1, 2]
