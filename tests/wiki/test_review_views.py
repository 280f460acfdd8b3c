"""Review before publishing over HTTP: members' edits wait, moderators approve or reject them with a
comment, and a refused decision never loses what the moderator typed."""

from __future__ import annotations

import pytest

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from polka.wiki.models import RevisionStatus
from tests.communities.support import activity_verbs, audited
from tests.support import text

NEW_BODY = "# PNC manual\n\nIntro.\n\n## Checks\n\nRun the checks twice.\n"


@pytest.fixture
def reviewed(world, wiki):
    """Review is on and the member has an edit of the page waiting."""
    wiki.require_review(world.community, world.manager)
    saved = wiki.edit(world.page, world.member, NEW_BODY, summary="Checks twice")
    assert saved.pending
    return saved.revision


def url(world, suffix=""):
    return f"/c/{world.community.slug}/wiki/{suffix}"


def decide(world, revision, decision):
    return url(world, f"pnc-manual/proposed/{revision.id}/{decision}")


def test_a_members_edit_waits_and_readers_still_see_the_published_text(web, login, world, reviewed):
    login(world.reader)
    shown = text(web.get(url(world, "pnc-manual")))
    assert "Run the checks." in shown
    assert "twice" not in shown


def test_moderators_see_the_waiting_edit_with_page_author_and_summary(web, login, world, reviewed):
    login(world.moderator)
    response = web.get(url(world, "pending"))
    assert response.status_code == 200
    shown = text(response)
    assert "PNC manual" in shown
    assert "Mel Member" in shown
    assert "Checks twice" in shown
    assert f'href="/c/{world.community.slug}/wiki/pnc-manual/proposed/{reviewed.id}"' in response.get_data(
        as_text=True
    )


def test_members_may_not_see_the_edits_waiting_for_review(web, login, world, reviewed):
    login(world.member)
    response = web.get(url(world, "pending"))
    assert response.status_code == 403
    assert "moderators and managers can review edits" in text(response)


def test_moderator_approves_and_the_page_changes_for_readers(web, login, world, wiki, reviewed):
    login(world.moderator)
    response = web.post(
        decide(world, reviewed, "approve"), {"comment": "Thanks"}, token_from=url(world, "pending")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url(world, "pending")
    [revision] = [r for r in wiki.revisions(world.page) if r.id == reviewed.id]
    assert (revision.status, revision.number) == (RevisionStatus.APPROVED, 2)
    assert "edited" in activity_verbs(wiki.session, world.community)
    assert len(audited(wiki.session, "wiki.edit_approved")) == 1
    login(world.reader)
    assert "Run the checks twice." in text(web.get(url(world, "pnc-manual")))


def test_the_author_may_not_approve_their_own_edit(web, login, world, wiki, reviewed):
    login(world.member)
    response = web.post(decide(world, reviewed, "approve"), {"comment": ""})
    assert response.status_code == 403
    assert "moderators and managers can approve or reject edits" in text(response)
    assert wiki.fresh(world.page).head_number == 1


def test_another_member_cannot_reach_someone_elses_pending_edit(web, login, world, make, reviewed):
    login(make.member(world.community, make.user("Other Member")))
    assert web.post(decide(world, reviewed, "reject"), {"comment": "No"}).status_code == 404


def test_rejecting_without_a_comment_is_refused_and_the_edit_stays_pending(web, login, world, wiki, reviewed):
    login(world.moderator)
    response = web.post(decide(world, reviewed, "reject"), {"comment": "  "})
    assert response.status_code == 400
    assert "Say why, so the author can put it right" in text(response)
    [revision] = [r for r in wiki.revisions(world.page) if r.id == reviewed.id]
    assert revision.status is RevisionStatus.PENDING


def test_a_comment_too_long_is_shown_again_as_typed(web, login, world, reviewed):
    login(world.moderator)
    comment = "Please check the wording. " * 100
    response = web.post(decide(world, reviewed, "reject"), {"comment": comment})
    assert response.status_code == 400
    assert "2,000 characters or fewer" in text(response)
    assert comment.strip() in text(response)


def test_rejected_edit_shows_the_comment_to_its_author_and_leaves_the_page(web, login, world, wiki, reviewed):
    login(world.moderator)
    response = web.post(decide(world, reviewed, "reject"), {"comment": "Cite the PNC user guide, please."})
    assert response.status_code == 302
    assert wiki.fresh(world.page).head_number == 1
    assert len(audited(wiki.session, "wiki.edit_rejected")) == 1
    login(world.member)
    shown = text(web.get(url(world, f"pnc-manual/proposed/{reviewed.id}")))
    assert "Cite the PNC user guide, please." in shown


def test_approving_an_edit_that_clashes_with_a_later_change_keeps_the_comment(
    web, login, world, wiki, reviewed
):
    wiki.edit(world.page, world.moderator, "# PNC manual\n\nIntro.\n\n## Checks\n\nRun the checks daily.\n")
    login(world.moderator)
    response = web.post(decide(world, reviewed, "approve"), {"comment": "Looks right to me"})
    assert response.status_code == 409
    assert "overlaps a change published since it was made" in text(response)
    assert "Looks right to me" in response.get_data(as_text=True)
    [revision] = [r for r in wiki.revisions(world.page) if r.id == reviewed.id]
    assert revision.status is RevisionStatus.PENDING
    assert wiki.fresh(world.page).head_number == 2


def test_deciding_an_edit_already_rejected_says_so(web, login, world, reviewed):
    login(world.moderator)
    web.post(decide(world, reviewed, "reject"), {"comment": "Not yet"})
    response = web.post(decide(world, reviewed, "approve"), {"comment": ""}, follow_redirects=True)
    assert "already been reviewed" in text(response)


def test_review_routes_are_404_to_an_outsider_of_a_private_community(web, login, make, wiki):
    manager = make.user("Hidden Manager", two_factor=True)
    community = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    moderator = make.member(community, make.user("Hidden Moderator"), Role.MODERATOR)
    member = make.member(community, make.user("Hidden Member"), Role.MEMBER)
    page = wiki.page(community, "Covert manual", author=moderator)
    wiki.require_review(community, manager)
    pending = wiki.edit(page, member, "Changed.\n").revision
    base = f"/c/{community.slug}/wiki"
    login.as_new_user(name="Outsider")
    assert web.get(f"{base}/pending").status_code == 404
    for decision in ("approve", "reject"):
        path = f"{base}/{page.slug}/proposed/{pending.id}/{decision}"
        assert web.post(path, {"comment": "Mine"}).status_code == 404
    assert wiki.fresh(page).head_number == 1


def test_showing_a_sensitive_edit_again_after_a_refused_decision_is_audited(web, login, world, wiki):
    page = wiki.page(
        world.community, "Source handling", marking=Marking.OFFICIAL_SENSITIVE, author=world.moderator
    )
    wiki.require_review(world.community, world.manager)
    pending = wiki.edit(page, world.member, "Changed.\n").revision
    login(world.moderator)
    response = web.post(url(world, f"{page.slug}/proposed/{pending.id}/reject"), {"comment": ""})
    assert response.status_code == 400
    [entry] = audited(wiki.session, "wiki.proposed_read")
    assert entry.target_id == str(page.id)
