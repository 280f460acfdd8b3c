"""What waits for whom: each role is told what waits for it, on the home page and in every page's header."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from polka.communities.models import JoinRequest, Role, Visibility
from polka.content.waiting import waiting_for
from polka.db import transaction
from polka.wiki.models import RevisionStatus, WikiRevision
from tests.support import text


@pytest.fixture
def review(make, wiki):
    """A wiki that reviews members' edits, with one edit waiting, a manager, a moderator and a member."""
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community("PNC Operators", managers=[manager])
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    page = wiki.page(community, "PNC manual", "One.\n", author=moderator)
    wiki.require_review(community, manager)
    assert wiki.edit(page, member, "Two.\n").pending
    return {"community": community, "manager": manager, "moderator": moderator, "member": member}


def test_a_moderator_is_told_an_edit_waits_for_review(web, login, review):
    login(review["moderator"])
    response = web.get("/")
    assert "1 wiki edit waits for review in PNC Operators" in text(response)
    assert 'href="/c/pnc-operators/wiki/pending">Review the edits' in response.get_data(as_text=True)


def test_the_header_of_every_page_says_how_much_waits(web, login, review):
    login(review["moderator"])
    response = web.get("/people/")
    assert "Waiting for you (1)" in text(response)
    assert 'href="/#waiting">Waiting for you (1)</a>' in response.get_data(as_text=True)


def test_a_member_is_told_nothing_waits(web, login, review):
    login(review["member"])
    page = text(web.get("/"))
    assert "Waiting for you" not in page
    assert "waits for review" not in page


def test_a_manager_is_told_of_edits_and_join_requests(web, login, make, session, review):
    community = review["community"]
    community_id = community.id
    with transaction(session):
        community = session.merge(community)
        community.visibility = Visibility.RESTRICTED
        for name in ("Asker One", "Asker Two"):
            session.add(JoinRequest(community_id=community_id, user_id=make.user(name).id, message="Please"))
    login(review["manager"])
    page = text(web.get("/"))
    assert "2 people have asked to join PNC Operators" in page
    assert "1 wiki edit waits for review in PNC Operators" in page
    assert "Waiting for you (3)" in page


def test_a_rejected_edit_no_longer_waits(app, session, review):
    from polka.wiki import review as wiki_review
    from polka.wiki.models import RevisionStatus, WikiRevision

    session.rollback()
    with transaction(session):
        moderator = session.merge(review["moderator"])
        revision = session.query(WikiRevision).filter_by(status=RevisionStatus.PENDING).one()
        wiki_review.reject(session, moderator, revision, "Not yet")
    with app.test_request_context():
        assert waiting_for(session, session.merge(review["moderator"])) == []


def test_a_moderator_is_told_a_document_waits_for_approval_but_not_of_their_own(app, session, make, docs):
    community = make.community("Regional coordinators")
    moderator = make.member(community, make.user("Moe Moderator"), Role.MODERATOR)
    other = make.member(community, make.user("Oli Other"), Role.MODERATOR)
    docs.document(community, "Rolling schedule", author=make.member(community))
    docs.document(community, "Own upload", author=moderator)
    session.rollback()
    with app.test_request_context():
        mine = waiting_for(session, session.merge(moderator))
        theirs = waiting_for(session, session.merge(other))
    assert [(w.what, w.community_name, w.url) for w in mine] == [
        ("1 document waits for approval in", "Regional coordinators", "/c/regional-coordinators/docs/")
    ]
    assert [w.count for w in theirs] == [2]


def _asking(app, session, person):
    """What waits for ``person`` and the statements asking ran (their memberships loaded first, as a
    request's signed-in user has them)."""
    engine = app.extensions["polka.engine"]
    statements = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    session.rollback()
    user = session.merge(person)
    assert user.is_active_account
    assert all(membership.community.name for membership in user.memberships)
    event.listen(engine, "before_cursor_execute", count)
    try:
        with app.test_request_context():
            found = waiting_for(session, user)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return found, statements


def test_asking_what_waits_costs_one_statement_whatever_the_number_of_providers(app, session, review):
    found, statements = _asking(app, session, review["manager"])
    assert [w.sort for w in found] == ["wiki.edits"]
    assert len(statements) == 1


def test_asking_costs_nothing_for_someone_who_manages_and_moderates_nothing(app, session, review):
    found, statements = _asking(app, session, review["member"])
    assert found == []
    assert statements == []


@pytest.fixture
def desk(make, session, wiki, docs):
    """A manager of two communities with something of every sort waiting: two join requests, an edit
    and a document in one, an edit in the other (five things, four lines on the home page)."""
    manager = make.user("Mina Manager", two_factor=True)
    pnc = make.community("PNC Operators", visibility=Visibility.RESTRICTED, managers=[manager])
    roads = make.community("Roads Policing", managers=[manager])
    with transaction(session):
        for name in ("Asker One", "Asker Two"):
            session.add(JoinRequest(community_id=pnc.id, user_id=make.user(name).id, message="Please"))
    edits = {}
    for community in (pnc, roads):
        member = make.member(community, make.user(f"Mel Member of {community.name}"), Role.MEMBER)
        page = wiki.page(community, "Manual", "One.\n", author=manager)
        wiki.require_review(community, manager)
        edits[community.slug] = wiki.edit(page, member, "Two.\n").revision
    document = docs.document(pnc, "Rolling schedule", author=make.member(pnc))
    session.rollback()
    [join_request, _] = session.query(JoinRequest).filter_by(community_id=pnc.id).all()
    return {
        "manager": manager,
        "pnc": pnc,
        "edits": edits,
        "document": document,
        "join_request": join_request,
    }


def _header_total(response):
    found = re.search(r"Waiting for you \((\d+)\)", text(response))
    return int(found.group(1)) if found else 0


def test_the_header_total_is_the_sum_of_what_the_home_page_lists(web, login, desk):
    login(desk["manager"])
    home = web.get("/")
    banner = home.get_data(as_text=True).split('id="waiting"', 1)[1].split("</ul>", 1)[0]
    listed = [int(count) for count in re.findall(r"<li>(\d+) ", banner)]
    assert listed == [2, 1, 1, 1]  # join requests, documents, then edits by community name
    assert _header_total(home) == sum(listed) == _header_total(web.get("/people/"))


def _approve_edit(web, desk):
    pnc, revision = desk["pnc"], desk["edits"]["pnc-operators"]
    wiki = f"/c/{pnc.slug}/wiki/"
    return web.post(
        f"{wiki}manual/proposed/{revision.id}/approve", {"comment": ""}, token_from=f"{wiki}pending"
    )


def _decline_join_request(web, desk):
    pnc, join_request = desk["pnc"], desk["join_request"]
    return web.post(f"/c/{pnc.slug}/requests/{join_request.id}", {"decision": "decline", "message": ""})


def _approve_document(web, desk):
    document = f"/c/{desk['pnc'].slug}/docs/{desk['document'].id}"
    return web.post(f"{document}/approve", token_from=document)


@pytest.mark.parametrize("decide", [_approve_edit, _decline_join_request, _approve_document])
def test_what_is_decided_leaves_the_count_on_the_very_next_request(web, login, desk, decide):
    login(desk["manager"])
    assert _header_total(web.get("/people/")) == 5
    assert decide(web, desk).status_code == 302
    assert _header_total(web.get("/people/")) == 4
    assert _header_total(web.get("/")) == 4


def test_the_last_thing_decided_takes_the_header_link_away(web, login, review, session):
    login(review["moderator"])
    assert _header_total(web.get("/people/")) == 1
    session.rollback()
    revision = session.query(WikiRevision).filter_by(status=RevisionStatus.PENDING).one()
    wiki = f"/c/{review['community'].slug}/wiki/"
    web.post(
        f"{wiki}pnc-manual/proposed/{revision.id}/reject", {"comment": "Not yet"}, token_from=f"{wiki}pending"
    )
    assert "Waiting for you" not in text(web.get("/people/"))
