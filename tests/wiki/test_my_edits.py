"""A moderator's decision on an edit reaches its author: who decided, when, and the comment, on the
page's history and in the author's own list of proposed edits — and nobody else's list."""

from __future__ import annotations

import pytest

from polka.communities.membership import leave
from polka.communities.models import Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import review
from tests.support import text

NEW_BODY = "# PNC manual\n\nIntro.\n\n## Checks\n\nRun the checks twice.\n"
APPROVAL = "Good catch, thank you"
REJECTION = "Please cite the force policy first"


@pytest.fixture
def sent(world, wiki):
    """Review is on and the member has an edit of the page waiting."""
    wiki.require_review(world.community, world.manager)
    saved = wiki.edit(world.page, world.member, NEW_BODY, summary="Checks twice")
    assert saved.pending
    return saved.revision


def url(world, suffix=""):
    return f"/c/{world.community.slug}/wiki/{suffix}"


def decide(web, login, world, revision, decision, comment):
    login(world.moderator)
    response = web.post(
        url(world, f"pnc-manual/proposed/{revision.id}/{decision}"),
        {"comment": comment},
        token_from=url(world, "pending"),
    )
    assert response.status_code == 302, text(response)[:500]


def test_the_author_sees_who_approved_their_edit_and_the_comment_in_the_history(web, login, world, sent):
    decide(web, login, world, sent, "approve", APPROVAL)
    login(world.member)
    shown = text(web.get(url(world, "pnc-manual/history")))
    assert "Approved by Moe Moderator" in shown
    assert f"Moderator’s comment: {APPROVAL}" in shown


def test_the_author_sees_the_approval_comment_on_the_revision(web, login, world, sent):
    decide(web, login, world, sent, "approve", APPROVAL)
    login(world.member)
    shown = text(web.get(url(world, "pnc-manual/revisions/2")))
    assert "Approved by Moe Moderator" in shown
    assert APPROVAL in shown


def test_other_readers_see_who_approved_but_not_the_comment_for_the_author(web, login, world, sent):
    decide(web, login, world, sent, "approve", APPROVAL)
    login(world.reader)
    shown = text(web.get(url(world, "pnc-manual/history")))
    assert "Approved by Moe Moderator" in shown
    assert APPROVAL not in shown
    assert APPROVAL not in text(web.get(url(world, "pnc-manual/revisions/2")))


def test_the_author_sees_who_rejected_their_edit_in_the_history(web, login, world, sent):
    decide(web, login, world, sent, "reject", REJECTION)
    login(world.member)
    shown = text(web.get(url(world, "pnc-manual/history")))
    assert REJECTION in shown
    assert "Rejected by Moe Moderator" in shown


def test_the_authors_list_shows_waiting_approved_and_rejected_edits(web, login, world, wiki, sent):
    decide(web, login, world, sent, "approve", APPROVAL)
    rejected = wiki.edit(wiki.fresh(world.page), world.member, NEW_BODY + "\nMore.\n", summary="More")
    decide(web, login, world, rejected.revision, "reject", REJECTION)
    waiting = wiki.edit(wiki.fresh(world.page), world.member, NEW_BODY + "\nLater.\n", summary="Later")
    assert waiting.pending
    login(world.member)
    response = web.get(url(world, "my-edits"))
    assert response.status_code == 200
    shown = text(response)
    waiting_part, decided_part = shown.split("Decided", 1)
    assert "Later" in waiting_part
    assert "Waiting for review" in waiting_part
    assert "Approved by Moe Moderator" in decided_part
    assert APPROVAL in decided_part
    assert "Rejected by Moe Moderator" in decided_part
    assert REJECTION in decided_part
    assert decided_part.index(REJECTION) < decided_part.index(APPROVAL)  # the newest decision first


def test_the_authors_list_is_linked_from_the_wiki_and_the_history(web, login, world, sent):
    login(world.member)
    link = f'href="{url(world, "my-edits")}"'
    assert link in web.get(url(world)).get_data(as_text=True)
    assert link in web.get(url(world, "pnc-manual/history")).get_data(as_text=True)


def test_someone_elses_list_does_not_show_the_authors_edits(web, login, world, sent):
    decide(web, login, world, sent, "reject", REJECTION)
    login(world.reader)
    response = web.get(url(world, "my-edits"))
    assert response.status_code == 200
    shown = text(response)
    assert "Checks twice" not in shown
    assert REJECTION not in shown


def test_an_outsider_of_a_private_community_gets_not_found(web, login, make, world, wiki, sent):
    private = make.community("Covert", visibility=Visibility.PRIVATE)
    login(world.member)
    assert web.get(f"/c/{private.slug}/wiki/my-edits").status_code == 404


def test_an_edit_of_a_page_the_author_may_no_longer_see_leaves_their_list(session, world, wiki):
    """Service: after leaving an open community, an edit of its OFFICIAL-SENSITIVE page is not listed."""
    wiki.require_review(world.community, world.manager)
    covert = wiki.page(
        world.community,
        "Covert tactics",
        "Body.\n",
        author=world.moderator,
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    open_edit = wiki.edit(wiki.fresh(world.page), world.member, NEW_BODY, summary="Open")
    covert_edit = wiki.edit(covert, world.member, "Body, more.\n", summary="Covert")
    assert open_edit.pending
    assert covert_edit.pending

    def listed() -> list[int]:
        session.rollback()
        with transaction(session):
            mine = review.my_edits(session, session.merge(world.member), session.merge(world.community))
            return [r.id for r in mine.waiting]

    assert listed() == [covert_edit.revision.id, open_edit.revision.id]
    session.rollback()
    with transaction(session):
        leave(session, session.merge(world.member), session.merge(world.community))
    assert listed() == [open_edit.revision.id]
