"""The activity stream read through the resolvers: objects as they are now, pages, scopes, folding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from polka.activity.models import Activity
from polka.activity.stream import Cursor, Scope, read_stream
from polka.communities.models import Role, Visibility
from polka.docs import services as docs_services
from polka.markings import Marking
from polka.wiki import pages
from tests.activity.conftest import set_times
from tests.docs.conftest import writing
from tests.support import text

#: a Wednesday, so the whole test's events fall in one week (Monday to Sunday, UK time)
WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def read(app, session, user, **kwargs):
    session.rollback()
    with app.test_request_context():
        return read_stream(session, session.merge(user), **kwargs)


def titles(app, session, user, **kwargs):
    return [(entry.verb, entry.target.title) for entry in read(app, session, user, **kwargs).entries]


# Objects as they are now ------------------------------------------------------------------------


@pytest.fixture
def library(make, docs):
    """A document uploaded to one community by a moderator who also contributes to a second one."""
    author = make.user("Sandra Okafor", two_factor=True)
    first = make.community("Neighbourhood Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    second = make.community("Roads Policing")
    make.member(first, author, Role.MODERATOR)
    make.member(second, author, Role.MEMBER)
    document = docs.document(first, "PNC manual", author=author)
    return {"author": author, "first": first, "second": second, "document": document}


def test_a_moved_documents_activity_links_to_where_it_is_now(web, login, session, library):
    author, document, second = library["author"], library["document"], library["second"]
    with writing(session):
        docs_services.move(
            session, session.merge(author), session.merge(document), session.merge(second), None
        )
    login.as_member(library["first"])
    body = web.get("/").get_data(as_text=True)
    now = f"/c/{second.slug}/docs/{document.id}"
    assert f'href="{now}">PNC manual</a>' in body
    assert "Sandra Okafor uploaded PNC manual in Roads Policing" in text(web.get("/"))
    assert f"/c/{library['first'].slug}/docs/{document.id}" not in body
    assert web.get(now).status_code == 200


def test_a_renamed_documents_activity_shows_its_new_title(web, login, session, library):
    author, document = library["author"], library["document"]
    with writing(session):
        docs_services.update_details(
            session,
            session.merge(author),
            session.merge(document),
            docs_services.Details(
                title="PNC manual (2027)", description="", tags="", marking=Marking.OFFICIAL
            ),
        )
    login.as_member(library["first"])
    body = web.get("/").get_data(as_text=True)
    assert "PNC manual (2027)</a>" in body
    assert "PNC manual</a>" not in body
    link = f"/c/{library['first'].slug}/docs/{document.id}"
    assert f'href="{link}">PNC manual (2027)</a>' in body
    assert web.get(link).status_code == 200


def test_a_re_marked_document_disappears_for_a_non_member_and_stays_for_a_member(app, session, make, library):
    author, document = library["author"], library["document"]
    outsider, member = make.user("Outsider"), make.member(library["first"])
    assert ("uploaded", "PNC manual") in titles(app, session, outsider, scope=Scope.ALL)
    with writing(session):
        docs_services.update_details(
            session,
            session.merge(author),
            session.merge(document),
            docs_services.Details(
                title="PNC manual", description="", tags="", marking=Marking.OFFICIAL_SENSITIVE
            ),
        )
    assert ("uploaded", "PNC manual") not in titles(app, session, outsider, scope=Scope.ALL)
    seen = read(app, session, member).entries
    assert [e.target.marking for e in seen if e.target.title == "PNC manual"] == [Marking.OFFICIAL_SENSITIVE]


def test_a_deleted_page_disappears_from_the_stream(app, session, make, wiki):
    community = make.community("Neighbourhood Policing")
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    page = wiki.page(community, "Shift patterns", author=moderator)
    reader = make.member(community)
    assert ("created", "Shift patterns") in titles(app, session, reader)
    with writing(session):
        pages.delete_page(session, session.merge(moderator), session.merge(page))
    assert [t for _, t in titles(app, session, reader) if t == "Shift patterns"] == []


def test_a_community_made_private_takes_its_activity_out_of_an_outsiders_stream(app, session, make, wiki):
    community = make.community("Neighbourhood Policing")
    wiki.page(community, "Shift patterns")
    outsider = make.user("Outsider")
    assert ("created", "Shift patterns") in titles(app, session, outsider, scope=Scope.ALL)
    with writing(session):
        session.merge(community).visibility = Visibility.PRIVATE
    assert titles(app, session, outsider, scope=Scope.ALL) == []


# Scope --------------------------------------------------------------------------------------------


@pytest.fixture
def two_communities(make, wiki):
    mine = make.community("Neighbourhood Policing")
    other = make.community("Digital Engagement")
    wiki.page(mine, "Ward briefings")
    wiki.page(other, "Social media guide")
    return mine, other


def test_the_home_stream_shows_my_communities_by_default(web, login, two_communities):
    mine, _ = two_communities
    login.as_member(mine)
    page = text(web.get("/"))
    assert "Ward briefings" in page
    assert "Social media guide" not in page
    assert "Show everything you can read" in page


def test_the_home_stream_switches_to_everything_i_may_read(web, login, two_communities):
    mine, _ = two_communities
    login.as_member(mine)
    page = text(web.get("/?scope=all"))
    assert "Ward briefings" in page
    assert "Social media guide" in page
    assert "Show only your communities" in page


def test_a_newcomer_without_communities_sees_everything_they_may_read(web, login, two_communities):
    login.as_new_user()
    page = text(web.get("/"))
    assert "Ward briefings" in page
    assert "Social media guide" in page
    assert "Show only your communities" not in page


def test_an_unknown_scope_is_the_default(web, login, two_communities):
    login.as_member(two_communities[0])
    assert "Social media guide" not in text(web.get("/?scope=everything%00"))


# Paging -------------------------------------------------------------------------------------------


@pytest.fixture
def busy(make, wiki):
    """A community where a moderator created eight pages (and joined): nine entries, none folding."""
    community = make.community("Neighbourhood Policing")
    author = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    for n in range(8):
        wiki.page(community, f"Briefing {n}", author=author)
    return community, author


def test_pages_of_the_stream_follow_each_other_without_gaps_or_repeats(app, session, busy):
    _, author = busy
    everything = [e.id for e in read(app, session, author, limit=100).entries]
    assert len(everything) == 9
    walked, before = [], None
    while True:
        page = read(app, session, author, limit=4, before=before)
        walked += [e.id for e in page.entries]
        if page.older is None:
            break
        before = Cursor.parse(page.older.token)
    assert walked == everything


def test_the_home_page_links_to_older_activity_and_back_to_the_newest(web, login, busy, monkeypatch):
    monkeypatch.setattr("polka.activity.stream.PER_PAGE", 5)
    login(busy[1])
    body = web.get("/").get_data(as_text=True)
    assert "Briefing 7" in body
    assert "Briefing 2" not in body
    older = body.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert older.startswith("/?scope=mine&before=")
    second = web.get(older)
    assert "Briefing 2" in text(second)
    assert "Briefing 7" not in text(second)
    assert 'href="/?scope=mine"' in second.get_data(as_text=True)


def test_a_community_page_shows_its_own_stream_with_older_pages(web, login, busy, make, wiki, monkeypatch):
    community, author = busy
    wiki.page(make.community("Digital Engagement"), "Social media guide")
    monkeypatch.setattr("polka.activity.stream.PER_PAGE", 5)
    login(author)
    response = web.get(f"/c/{community.slug}/")
    assert "Briefing 7" in text(response)
    assert "Social media guide" not in text(response)
    assert f'href="/c/{community.slug}/?before=' in response.get_data(as_text=True)


def test_a_page_of_invisible_events_still_moves_on(app, session, make, wiki, monkeypatch):
    monkeypatch.setattr("polka.activity.stream.BATCH", 3)
    monkeypatch.setattr("polka.activity.stream.ROUNDS", 2)
    community = make.community("Neighbourhood Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    wiki.page(community, "Ward briefings")
    author = make.member(community, role=Role.MODERATOR)
    for n in range(6):
        wiki.page(community, f"Sensitive {n}", author=author, marking=Marking.OFFICIAL_SENSITIVE)
    outsider = make.user("Outsider")
    page = read(app, session, outsider, scope=Scope.ALL)
    assert page.entries == []
    assert page.older is not None  # six unseen events read, and more to come
    shown = []
    while page.older is not None:
        page = read(app, session, outsider, scope=Scope.ALL, before=page.older)
        shown += [e.target.title for e in page.entries]
    assert "Ward briefings" in shown
    assert not any(title.startswith("Sensitive") for title in shown)


@pytest.mark.parametrize(
    "token", ["", "x", "1-0", "-1-5", "1.5-2", "99999999999999999999-1", "5-99999999999"]
)
def test_a_cursor_that_is_not_one_starts_at_the_newest(token):
    assert Cursor.parse(token) is None


def test_a_cursor_survives_its_trip_through_a_url():
    cursor = Cursor(datetime(2026, 11, 25, 12, 0, 1, 123456, tzinfo=UTC), 42)
    assert Cursor.parse(cursor.token) == cursor


def test_a_garbled_cursor_in_the_address_gives_the_first_page(web, login, busy):
    login(busy[1])
    assert "Briefing 7" in text(web.get("/?before=not-a-cursor"))


# Folding ------------------------------------------------------------------------------------------


def test_people_joining_in_one_week_fold_into_one_line(web, login, make, session):
    community = make.community("Neighbourhood Policing")
    for n in range(7):
        make.member(community, make.user(f"Joiner {n}"))
    set_times(session, WEDNESDAY)
    login.as_new_user()
    page = text(web.get("/"))
    assert "7 people joined Neighbourhood Policing" in page
    assert "Joiner 3" not in page


def test_two_people_joining_are_named(web, login, make, session):
    community = make.community("Neighbourhood Policing")
    make.member(community, make.user("Kate Wilson"))
    make.member(community, make.user("Sam Lee"))
    login.as_new_user()
    assert "Sam Lee and Kate Wilson joined Neighbourhood Policing" in text(web.get("/"))


def test_one_persons_repeated_edits_fold_with_a_count(web, login, make, session, wiki):
    community = make.community("Neighbourhood Policing")
    author = make.member(community, make.user("Sandra Okafor"), Role.MODERATOR)
    page = wiki.page(community, "PNC manual", "One.\n", author=author)
    for n in range(4):
        wiki.edit(page, author, f"Edit {n}.\n")
    set_times(session, WEDNESDAY)
    login.as_new_user()
    page_text = text(web.get("/"))
    assert "Sandra Okafor edited PNC manual 4 times" in page_text
    assert "Sandra Okafor created PNC manual" in page_text


def test_events_of_different_weeks_do_not_fold(app, session, make):
    community = make.community("Neighbourhood Policing")
    for n in range(3):
        make.member(community, make.user(f"Joiner {n}"))
    set_times(session, WEDNESDAY)
    first = session.scalar(select(Activity.id).order_by(Activity.id))
    set_times(session, WEDNESDAY - timedelta(days=7), where=Activity.id == first)
    entries = read(app, session, make.user("Reader"), scope=Scope.ALL).entries
    assert [e.events for e in entries] == [2, 1]


def test_only_consecutive_events_fold(app, session, make, wiki):
    community = make.community("Neighbourhood Policing")
    author = make.member(community, make.user("Sandra Okafor"), Role.MODERATOR)
    manual = wiki.page(community, "PNC manual", "One.\n", author=author)
    rota = wiki.page(community, "Rota", "One.\n", author=author)
    wiki.edit(manual, author, "Two.\n")
    wiki.edit(rota, author, "Two.\n")
    wiki.edit(manual, author, "Three.\n")
    set_times(session, WEDNESDAY)
    lines = titles(app, session, author)
    assert lines[:3] == [("edited", "PNC manual"), ("edited", "Rota"), ("edited", "PNC manual")]


def test_a_deleted_event_between_two_alike_does_not_keep_them_apart(app, session, make, wiki):
    # What the reader may not see is not on their page: the events either side are consecutive there.
    community = make.community("Neighbourhood Policing")
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    kept = wiki.page(community, "Kept page", author=moderator)
    gone = wiki.page(community, "Gone page", author=moderator)
    wiki.edit(kept, moderator, "Two.\n")
    wiki.edit(gone, moderator, "Two.\n")
    wiki.edit(kept, moderator, "Three.\n")
    with writing(session):
        pages.delete_page(session, session.merge(moderator), session.merge(gone))
    set_times(session, WEDNESDAY)
    entries = read(app, session, moderator).entries
    assert (entries[0].verb, entries[0].target.title, entries[0].events) == ("edited", "Kept page", 2)


def test_reading_a_page_costs_one_statement_per_kind_per_batch(app, session, make, wiki, docs):
    community = make.community("Neighbourhood Policing")
    author = make.member(community, role=Role.MODERATOR)
    for n in range(5):
        wiki.page(community, f"Page {n}", author=author)
        docs.document(community, f"Document {n}", author=author)
    statements = []
    engine = app.extensions["polka.engine"]

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    from sqlalchemy import event

    session.rollback()
    user = session.merge(author)
    user.memberships  # noqa: B018  (loaded before counting, as a request's user is)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            page = read_stream(session, user)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(page.entries) == 11
    # their newest rows with the actors; pages; documents (which communities, and where those live, are
    # the user's own, read from the memberships loaded with them)
    assert len(statements) == 3, "\n\n".join(statements)
