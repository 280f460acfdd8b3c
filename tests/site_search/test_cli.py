"""``polka search reindex | apply | status``: the index is derived data an operator can always rebuild."""

from __future__ import annotations

from sqlalchemy import func, select

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from polka.search.outbox import SearchOutbox
from tests.site_search.conftest import lose_index, titles

QUERIES = [
    "meeting",
    "meetings",
    '"custody review"',
    "custod*",
    "title:handbook",
    "custody -review",
    "handbook OR minutes",
    "zebracrossing",
]


def _answers(search, user):
    """Each query's results (as a set: equal scores may come in another order) and total."""
    return {q: (sorted(titles(search(user, q))), search(user, q).total) for q in QUERIES}


def test_a_deleted_index_is_rebuilt_with_the_same_answers(app, make, wiki, search, runner):
    roads = make.community("Roads Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    covert = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    member = make.member(roads, make.user("Mo Member"))
    make.member(covert, member, Role.MEMBER)
    wiki.page(roads, "Custody handbook", "The custody review happens at every meeting.\n")
    wiki.page(
        roads, "Meeting minutes", "Minutes of the regional meetings.\n", marking=Marking.OFFICIAL_SENSITIVE
    )
    wiki.page(covert, "Covert handbook", "Custody of exhibits; no review.\n")
    for n in range(15):  # every answer fits on one page, so equal scores cannot reorder pages
        wiki.page(roads, f"Case study {n}", f"Case {n}: custody and review, discussed at a meeting.\n")
    before = _answers(search, member)
    assert before["meeting"][1] == 17

    indexed = app.extensions["polka.search"].backend.document_count()  # the pages, communities and people
    lose_index(app)
    assert _answers(search, member)["meeting"] == ([], 0)  # no index: nothing found, nothing breaks

    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"Indexed {indexed} items" in result.output
    assert _answers(search, member) == before


def test_status_and_apply_report_the_outbox(app, make, wiki, session, runner):
    community = make.community("Roads Policing")
    author = make.member(community, role=Role.MODERATOR)
    applier = app.extensions["polka.search"]
    indexed = applier.backend.document_count()  # the community and its author
    applier.notify = lambda: None  # changes wait in the outbox, as if no applier had run yet
    wiki.page(community, "Speed awareness", "Notes.\n", author=author)
    wiki.page(community, "Speed cameras", "Notes.\n", author=author)

    status = runner.invoke(args=["search", "status"])
    assert f"Indexed items: {indexed}" in status.output
    assert "Changes waiting: 2" in status.output

    applied = runner.invoke(args=["search", "apply"])
    assert applied.exit_code == 0, applied.output
    assert "Applied 2 waiting changes." in applied.output
    session.rollback()
    assert session.scalar(select(func.count()).select_from(SearchOutbox)) == 0
    assert f"Indexed items: {indexed + 2}" in runner.invoke(args=["search", "status"]).output
