"""A page's history over HTTP: the revision list, diffs, old revisions, reverting, and unpublished
edits — for the roles allowed, and 404 for everyone who may not see the page."""

from __future__ import annotations

import pytest

from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import pages, review
from polka.wiki.models import RevisionStatus, WikiRevision
from tests.communities.support import audited
from tests.support import text

MANUAL_V2 = "# PNC manual\n\nIntro.\n\n## Checks\n\nRun the weekly checks.\n"
MANUAL_V3 = "# PNC manual\n\nIntro.\n\n## Checks\n\nRun the daily checks.\n"


def page_url(world, suffix=""):
    return f"/c/{world.community.slug}/wiki/{world.page.slug}{suffix}"


@pytest.fixture
def edited(world, wiki):
    """The world's page with three revisions: created, edited by the member, edited by the moderator."""
    wiki.edit(world.page, world.member, MANUAL_V2, summary="Weekly checks")
    wiki.edit(world.page, world.moderator, MANUAL_V3)
    return world


# History ----------------------------------------------------------------------------------------


def test_history_lists_revisions_newest_first_with_author_summary_and_size(web, login, edited):
    login(edited.member)
    response = web.get(page_url(edited, "/history"))
    assert response.status_code == 200
    shown = text(response)
    assert "3 revisions, newest first" in shown
    assert shown.index("View revision 3") < shown.index("View revision 2") < shown.index("View revision 1")
    assert "Mel Member Weekly checks +7 bytes" in shown
    assert "Moe Moderator No summary −1 bytes" in shown


def test_history_links_each_revision_and_its_comparison_with_the_previous(web, login, edited):
    login(edited.reader)
    body = web.get(page_url(edited, "/history")).get_data(as_text=True)
    assert f'href="{page_url(edited, "/revisions/1")}"' in body
    assert f'href="{page_url(edited, "/diff")}?from=2&amp;to=3"' in body
    assert f'href="{page_url(edited, "/diff")}?from=1&amp;to=2"' in body


def test_history_compare_form_asks_for_two_revisions_and_goes_to_the_diff(web, login, edited):
    login(edited.member)
    body = web.get(page_url(edited, "/history")).get_data(as_text=True)
    assert f'<form method="get" action="{page_url(edited, "/diff")}"' in body
    assert 'name="from"' in body
    assert 'name="to"' in body
    assert "Compare selected revisions" in body


def test_history_of_sixty_revisions_fills_two_pages(web, login, world, wiki):
    for n in range(2, 61):
        wiki.edit(world.page, world.member, f"Version {n}\n")
    login(world.member)
    first = text(web.get(page_url(world, "/history")))
    assert "60 revisions" in first
    assert "View revision 60" in first
    assert "View revision 11 " in first
    assert "View revision 10 " not in first
    assert "Next page : 2 of 2" in first
    second = text(web.get(page_url(world, "/history?page=2")))
    assert "View revision 10 " in second
    assert "View revision 1 " in second
    assert "View revision 11 " not in second


def test_history_of_an_official_sensitive_page_is_audited(web, login, world, wiki, session):
    secret = wiki.page(
        world.community, "Covert sources", marking=Marking.OFFICIAL_SENSITIVE, author=world.moderator
    )
    login(world.member)
    response = web.get(f"/c/{world.community.slug}/wiki/{secret.slug}/history")
    assert response.status_code == 200
    assert text(response).count("OFFICIAL-SENSITIVE") >= 2  # banner top and bottom
    [entry] = audited(session, "wiki.history_read")
    assert entry.target_id == str(secret.id)


# Diffs ------------------------------------------------------------------------------------------


def test_diff_marks_the_removed_and_added_words(web, login, edited):
    login(edited.member)
    response = web.get(page_url(edited, "/diff?from=2&to=3"))
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Removed: </span>weekly" in body
    assert "Added: </span>daily" in body


def test_diff_without_numbers_compares_the_current_revision_with_the_one_before(web, login, edited):
    login(edited.member)
    shown = text(web.get(page_url(edited, "/diff")))
    assert "Changes from Revision 2 to Revision 3" in shown


def test_diff_says_who_made_each_revision_and_when(web, login, edited):
    login(edited.member)
    shown = text(web.get(page_url(edited, "/diff?from=1&to=2")))
    assert "From Revision 1 , saved" in shown
    assert "by Moe Moderator" in shown
    assert "by Mel Member Weekly checks" in shown


def test_diff_switches_between_side_by_side_and_one_column(web, login, edited):
    login(edited.member)
    side = web.get(page_url(edited, "/diff?from=2&to=3")).get_data(as_text=True)
    assert "polka-diff--side-by-side" in side
    assert f'href="{page_url(edited, "/diff")}?from=2&amp;to=3&amp;view=inline"' in side
    inline = web.get(page_url(edited, "/diff?from=2&to=3&view=inline")).get_data(as_text=True)
    assert "polka-diff--inline" in inline


def test_diff_from_nothing_shows_the_first_revision_as_added(web, login, edited):
    login(edited.member)
    shown = text(web.get(page_url(edited, "/diff?to=1")))
    assert "Empty page (before revision 1)" in shown
    assert "Added: # PNC manual" in shown


def test_diff_of_a_revision_with_itself_says_the_versions_are_the_same(web, login, edited):
    login(edited.member)
    shown = text(web.get(page_url(edited, "/diff?from=2&to=2")))
    assert "From Revision 2 , saved" in shown
    assert "These versions are the same." in shown


@pytest.mark.parametrize("query", ["from=1&to=4", "from=9&to=2", "to=0"])
def test_diff_of_a_revision_the_page_does_not_have_is_404(web, login, edited, query):
    login(edited.member)
    assert web.get(page_url(edited, f"/diff?{query}")).status_code == 404


@pytest.mark.parametrize("query", ["from=abc&to=2", "from=1&to=-2", "from=1.5", "to=" + "9" * 40])
def test_diff_with_a_number_that_is_not_a_number_is_a_clear_400(web, login, edited, query):
    login(edited.member)
    response = web.get(page_url(edited, f"/diff?{query}"))
    assert response.status_code == 400
    assert "Revision numbers must be whole numbers, like 3" in text(response)


# An old revision --------------------------------------------------------------------------------


def test_old_revision_is_shown_and_labelled_as_old(web, login, edited):
    login(edited.reader)
    response = web.get(page_url(edited, "/revisions/2"))
    assert response.status_code == 200
    shown = text(response)
    assert "You are looking at an old version (revision 2 of 3)" in shown
    assert "Run the weekly checks." in shown
    body = response.get_data(as_text=True)
    assert f'href="{page_url(edited)}"' in body
    assert f'href="{page_url(edited, "/diff")}?from=2&amp;to=3"' in body


def test_current_revision_says_it_is_current(web, login, edited):
    login(edited.member)
    shown = text(web.get(page_url(edited, "/revisions/3")))
    assert "This is the current version (revision 3 of 3)" in shown
    assert "Revert to this version" not in shown


def test_revision_the_page_does_not_have_is_404(web, login, edited):
    login(edited.member)
    assert web.get(page_url(edited, "/revisions/4")).status_code == 404


def test_editor_sees_a_revert_button_with_the_head_they_saw(web, login, edited):
    login(edited.member)
    body = web.get(page_url(edited, "/revisions/1")).get_data(as_text=True)
    assert f'action="{page_url(edited, "/revisions/1/revert")}"' in body
    assert '<input type="hidden" name="head" value="3">' in body


def test_reader_sees_no_revert_button(web, login, edited):
    login(edited.reader)
    assert "Revert to this version" not in text(web.get(page_url(edited, "/revisions/1")))


def test_old_revision_of_an_official_sensitive_page_is_audited(web, login, world, wiki, session):
    secret = wiki.page(
        world.community, "Covert sources", marking=Marking.OFFICIAL_SENSITIVE, author=world.moderator
    )
    login(world.member)
    assert web.get(f"/c/{world.community.slug}/wiki/{secret.slug}/revisions/1").status_code == 200
    [entry] = audited(session, "wiki.revision_read")
    assert entry.target_id == str(secret.id)


def test_history_pages_follow_a_renamed_page(web, login, edited, wiki):
    old_url = page_url(edited, "/diff?from=1&to=2")
    with transaction(wiki.session):
        page = wiki.fresh(edited.page)
        pages.move_page(
            wiki.session, wiki.session.merge(edited.moderator), page, title="PNC handbook", parent=None
        )
    login(edited.member)
    response = web.get(old_url)
    assert response.status_code == 301
    assert response.headers["Location"] == f"/c/{edited.community.slug}/wiki/pnc-handbook/diff?from=1&to=2"


# Reverting --------------------------------------------------------------------------------------


def revert(web, world, number, head):
    url = page_url(world, f"/revisions/{number}")
    return web.post(f"{url}/revert", {"head": str(head)}, token_from=url)


def test_revert_saves_the_old_text_as_a_new_revision(web, login, edited, wiki):
    login(edited.member)
    response = revert(web, edited, 2, head=3)
    assert response.status_code == 302
    assert response.headers["Location"] == page_url(edited)
    newest = wiki.revisions(edited.page)[-1]
    assert (newest.number, newest.body, newest.reverted_to) == (4, MANUAL_V2, 2)
    assert newest.summary == "Reverted to revision 2"
    assert "Reverted to revision 2." in text(web.get(page_url(edited)))


def test_revert_is_audited(web, login, edited, session):
    login(edited.member)
    revert(web, edited, 1, head=3)
    [entry] = audited(session, "wiki.page_reverted")
    assert '"to_revision": 1' in entry.detail


def test_revert_from_a_stale_history_is_refused_and_says_why(web, login, edited, wiki):
    login(edited.member)
    response = revert(web, edited, 1, head=2)
    assert response.status_code == 302
    assert response.headers["Location"] == page_url(edited, "/revisions/1")
    assert len(wiki.revisions(edited.page)) == 3
    assert "The page has changed since you looked at its history" in text(
        web.get(response.headers["Location"])
    )


def test_revert_to_text_the_same_as_the_current_one_is_refused_and_says_why(web, login, edited, wiki):
    wiki.edit(edited.page, edited.moderator, MANUAL_V2)  # revision 4 has revision 2's text again
    login(edited.member)
    response = revert(web, edited, 2, head=4)
    assert len(wiki.revisions(edited.page)) == 4
    assert "Revision 2 is the same as the current version" in text(web.get(response.headers["Location"]))


def test_revert_without_a_head_is_a_clear_400(web, login, edited, wiki):
    login(edited.member)
    url = page_url(edited, "/revisions/1")
    response = web.post(f"{url}/revert", {"head": "three"}, token_from=url)
    assert response.status_code == 400
    assert "reload the page" in text(response)
    assert len(wiki.revisions(edited.page)) == 3


def test_reader_cannot_revert(web, login, edited, wiki):
    login(edited.reader)
    assert revert(web, edited, 1, head=3).status_code == 403
    assert len(wiki.revisions(edited.page)) == 3


def test_revert_by_a_reviewed_member_waits_for_a_moderator(web, login, edited, wiki):
    wiki.require_review(edited.community, edited.manager)
    login(edited.member)
    response = revert(web, edited, 1, head=3)
    assert response.status_code == 302
    newest = wiki.revisions(edited.page)[-1]
    assert newest.status is RevisionStatus.PENDING
    assert "sent to the moderators" in text(web.get(page_url(edited)))


# Unpublished edits ------------------------------------------------------------------------------


@pytest.fixture
def proposal(world, wiki):
    """A member's edit of the world's page waiting for review."""
    wiki.require_review(world.community, world.manager)
    saved = wiki.edit(world.page, world.member, MANUAL_V2, summary="Weekly checks")
    assert saved.pending
    return saved.revision


def proposed_url(world, revision):
    return page_url(world, f"/proposed/{revision.id}")


def test_author_sees_their_pending_edit_with_its_diff_and_text(web, login, world, proposal):
    login(world.member)
    response = web.get(proposed_url(world, proposal))
    assert response.status_code == 200
    shown = text(response)
    assert "Waiting for review" in shown
    assert "Weekly checks" in shown
    assert "Mel Member" in shown
    assert "Started from Revision 1" in shown
    assert (
        "Added: weekly" in shown
    )  # the diff against revision 1 ("Run the checks." → "Run the weekly checks.")
    assert "Approve and publish" not in shown


def test_author_sees_their_new_page_waiting_for_review(web, login, world, wiki):
    wiki.require_review(world.community, world.manager)
    page = wiki.page(world.community, "Stop checks", "Ask first.\n", author=world.member)
    [first] = wiki.revisions(page)
    login(world.member)
    shown = text(web.get(f"/c/{world.community.slug}/wiki/{page.slug}/proposed/{first.id}"))
    assert "New page: Stop checks" in shown
    assert "Started from A new page" in shown
    assert "Added: Ask first." in shown


def test_moderator_sees_a_pending_edit_with_approve_and_reject_forms(web, login, world, proposal):
    login(world.moderator)
    body = web.get(proposed_url(world, proposal)).get_data(as_text=True)
    assert f'action="{proposed_url(world, proposal)}/approve"' in body
    assert f'action="{proposed_url(world, proposal)}/reject"' in body
    assert 'name="comment"' in body


@pytest.mark.parametrize("role", [Role.MEMBER, Role.READER])
def test_other_members_cannot_see_a_pending_edit(web, login, world, proposal, role):
    login.as_role(world.community, role)
    assert web.get(proposed_url(world, proposal)).status_code == 404


def test_author_sees_the_moderators_comment_on_a_rejected_edit(web, login, world, proposal, session):
    with transaction(session):
        review.reject(
            session,
            session.merge(world.moderator),
            session.get(WikiRevision, proposal.id),
            "Cite the circular",
        )
    login(world.member)
    shown = text(web.get(proposed_url(world, proposal)))
    assert "Rejected" in shown
    assert "Cite the circular" in shown


def test_a_proposed_edit_approved_since_leads_to_its_revision(web, login, world, proposal, session):
    with transaction(session):
        review.approve(session, session.merge(world.moderator), session.get(WikiRevision, proposal.id))
    login(world.member)
    response = web.get(proposed_url(world, proposal))
    assert response.status_code == 302
    assert response.headers["Location"] == page_url(world, "/revisions/2")


def test_history_lists_the_authors_unpublished_edits(web, login, world, proposal):
    login(world.member)
    response = web.get(page_url(world, "/history"))
    assert "Your edits not published" in text(response)
    assert f'href="{proposed_url(world, proposal)}"' in response.get_data(as_text=True)


def test_history_lists_unpublished_edits_for_moderators(web, login, world, proposal):
    login(world.moderator)
    response = web.get(page_url(world, "/history"))
    assert "Edits not published" in text(response)
    assert f'href="{proposed_url(world, proposal)}"' in response.get_data(as_text=True)


def test_history_hides_other_peoples_unpublished_edits(web, login, world, proposal):
    login.as_member(world.community)
    response = web.get(page_url(world, "/history"))
    assert "not published" not in text(response)
    assert proposed_url(world, proposal) not in response.get_data(as_text=True)


# Who may see any of it --------------------------------------------------------------------------


@pytest.fixture
def hidden(make, wiki):
    """A private community's page with two revisions and a pending edit (real slugs and numbers)."""
    manager = make.user("Hana Manager", two_factor=True)
    community = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    editor = make.member(community, make.user("Ed Editor"), Role.MEMBER)
    page = wiki.page(community, "Surveillance log", "First.\n", author=manager)
    wiki.edit(page, editor, "Second.\n")
    wiki.require_review(community, manager)
    pending = wiki.edit(page, editor, "Third.\n").revision
    base = f"/c/{community.slug}/wiki/{page.slug}"
    return {"editor": editor, "base": base, "pending": pending}


def hidden_gets(hidden):
    base = hidden["base"]
    return [
        f"{base}/history",
        f"{base}/diff?from=1&to=2",
        f"{base}/revisions/1",
        f"{base}/proposed/{hidden['pending'].id}",
    ]


def test_every_history_route_of_a_private_communitys_page_is_404_to_an_outsider(web, login, hidden, wiki):
    login.as_new_user()
    for url in hidden_gets(hidden):
        assert web.get(url).status_code == 404, url
    response = web.post(f"{hidden['base']}/revisions/1/revert", {"head": "2"})
    assert response.status_code == 404
    assert len(wiki.revisions(wiki.fresh(hidden["pending"].page))) == 3


def test_the_same_history_routes_answer_a_member_of_the_private_community(web, login, hidden):
    login(hidden["editor"])
    for url in hidden_gets(hidden):
        assert web.get(url).status_code == 200, url
    response = web.post(
        f"{hidden['base']}/revisions/1/revert", {"head": "2"}, token_from=f"{hidden['base']}/revisions/1"
    )
    assert response.status_code == 302


@pytest.fixture
def sensitive(world, wiki):
    """An OFFICIAL-SENSITIVE page with two revisions in the world's open community."""
    page = wiki.page(
        world.community,
        "Covert sources",
        "Handler notes.\n",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=world.moderator,
    )
    wiki.edit(page, world.member, "Handler notes, revised.\n")
    return f"/c/{world.community.slug}/wiki/{page.slug}"


@pytest.mark.parametrize("suffix", ["/history", "/diff?from=1&to=2", "/diff", "/revisions/1", "/revisions/2"])
def test_official_sensitive_history_is_404_to_a_non_member_of_an_open_community(
    web, login, sensitive, suffix
):
    login.as_new_user()
    assert web.get(sensitive + suffix).status_code == 404


@pytest.mark.parametrize("suffix", ["/history", "/diff?from=1&to=2", "/diff", "/revisions/1", "/revisions/2"])
def test_official_sensitive_history_is_shown_to_a_reader_of_the_community(
    web, login, world, sensitive, suffix
):
    login(world.reader)
    response = web.get(sensitive + suffix)
    assert response.status_code == 200
    assert text(response).count("OFFICIAL-SENSITIVE") >= 2


def test_diff_of_an_official_sensitive_page_is_audited(web, login, world, sensitive, session):
    login(world.reader)
    web.get(sensitive + "/diff?from=1&to=2")
    [entry] = audited(session, "wiki.diff_read")
    assert '"old": 1' in entry.detail
    assert '"new": 2' in entry.detail
