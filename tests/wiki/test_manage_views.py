"""Looking after wiki pages over HTTP: moving, deleting and restoring, protecting, templates, watching,
and the wiki's settings — each for the role allowed and a role refused, with the same set-up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from polka.communities.models import Role, Visibility
from polka.content.mixins import RESTORE_DAYS
from polka.db import transaction, utcnow
from polka.markings import Marking
from polka.subscriptions.models import Subscription
from polka.wiki import access, pages
from polka.wiki.models import WikiPage
from tests.communities.support import activity_verbs, audited
from tests.support import text


def url(world, suffix=""):
    return f"/c/{world.community.slug}/wiki/{suffix}"


def page_url(world, suffix=""):
    return url(world, f"pnc-manual{suffix}")


# Moving -----------------------------------------------------------------------------------------


def test_move_form_shows_the_title_and_a_marking_banner(web, login, world):
    login(world.member)
    response = web.get(page_url(world, "/move"))
    assert response.status_code == 200
    assert 'value="PNC manual"' in response.get_data(as_text=True)
    assert text(response).count("OFFICIAL") >= 2  # banner at the top and the bottom


def test_member_renames_a_page_and_the_old_address_redirects_for_good(web, login, world, wiki):
    login(world.member)
    response = web.post(
        page_url(world, "/move"), {"title": "PNC handbook", "parent": ""}, token_from=page_url(world, "/move")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == url(world, "pnc-handbook")
    old = web.get(page_url(world))
    assert old.status_code == 301
    assert old.headers["Location"] == url(world, "pnc-handbook")
    assert wiki.fresh(world.page).title == "PNC handbook"
    assert "moved" in activity_verbs(wiki.session, world.community)


def test_member_moves_a_page_under_another(web, login, world, wiki):
    parent = wiki.page(world.community, "Operations", author=world.moderator)
    login(world.member)
    response = web.post(
        page_url(world, "/move"),
        {"title": "PNC manual", "parent": str(parent.id)},
        token_from=page_url(world, "/move"),
    )
    assert response.status_code == 302
    assert wiki.fresh(world.page).parent_id == parent.id


def _parent_options(response):
    return re.findall(r'<option value="(\d*)"', response.get_data(as_text=True))


def test_move_form_offers_neither_the_page_nor_its_subpages_as_parent(web, login, world, wiki):
    child = wiki.page(world.community, "Checks", parent=world.page, author=world.moderator)
    grandchild = wiki.page(world.community, "Deep checks", parent=child, author=world.moderator)
    other = wiki.page(world.community, "Operations", author=world.moderator)
    login(world.member)
    options = _parent_options(web.get(page_url(world, "/move")))
    assert str(other.id) in options
    assert "" in options  # top level
    assert {str(world.page.id), str(child.id), str(grandchild.id)}.isdisjoint(options)


def test_moving_under_its_own_subpage_is_refused_and_the_typed_title_kept(web, login, world, wiki):
    child = wiki.page(world.community, "Checks", parent=world.page, author=world.moderator)
    login(world.member)
    response = web.post(
        page_url(world, "/move"),
        {"title": "PNC renamed", "parent": str(child.id)},
        token_from=page_url(world, "/move"),
    )
    assert response.status_code == 400
    assert "Choose a parent page from the list" in text(response)
    assert 'value="PNC renamed"' in response.get_data(as_text=True)
    assert wiki.fresh(world.page).parent_id is None


def test_moving_to_a_title_another_page_has_is_refused(web, login, world, wiki):
    wiki.page(world.community, "Operations", author=world.moderator)
    login(world.member)
    response = web.post(
        page_url(world, "/move"), {"title": "Operations", "parent": ""}, token_from=page_url(world, "/move")
    )
    assert response.status_code == 400
    assert "There is already a page called “Operations”" in text(response)
    assert "Move or rename PNC manual" in text(response)


def test_reader_may_not_move_a_page(web, login, world):
    login(world.reader)
    assert web.get(page_url(world, "/move")).status_code == 403
    response = web.post(page_url(world, "/move"), {"title": "Renamed", "parent": ""})
    assert response.status_code == 403
    assert "members, moderators and managers can move pages" in text(response)


def test_member_may_not_move_a_page_when_edits_are_reviewed(web, login, world, wiki):
    wiki.require_review(world.community, world.manager)
    login(world.member)
    response = web.get(page_url(world, "/move"))
    assert response.status_code == 403
    assert "a moderator must move pages" in text(response)


# Deleting and restoring -------------------------------------------------------------------------


def test_delete_asks_for_confirmation_showing_the_page_and_its_subpages(web, login, world, wiki):
    wiki.page(world.community, "Checks", parent=world.page, author=world.moderator)
    login(world.moderator)
    response = web.get(page_url(world, "/delete"))
    assert response.status_code == 200
    assert "Delete PNC manual?" in text(response)
    assert "1 page is under this one" in text(response)
    assert wiki.fresh(world.page).deleted_at is None  # a GET changes nothing


def test_moderator_deletes_a_page_and_it_is_gone_for_everyone(web, login, world, wiki):
    login(world.moderator)
    response = web.post(page_url(world, "/delete"), {}, token_from=page_url(world, "/delete"))
    assert response.status_code == 302
    assert response.headers["Location"] == url(world)
    assert web.get(page_url(world)).status_code == 404
    login(world.manager)
    assert web.get(page_url(world)).status_code == 404
    assert "deleted" in activity_verbs(wiki.session, world.community)
    assert len(audited(wiki.session, "wiki.page_deleted")) == 1


def test_member_may_not_delete_a_page(web, login, world, wiki):
    login(world.member)
    assert web.get(page_url(world, "/delete")).status_code == 403
    response = web.post(page_url(world, "/delete"), {})
    assert response.status_code == 403
    assert "moderators and managers can delete pages" in text(response)
    assert wiki.fresh(world.page).deleted_at is None


def _delete(web, login, world):
    login(world.moderator)
    assert web.post(page_url(world, "/delete"), {}).status_code == 302


def test_manager_sees_a_deleted_page_with_who_and_when(web, login, world):
    _delete(web, login, world)
    login(world.manager)
    response = web.get(url(world, "deleted"))
    assert response.status_code == 200
    assert "PNC manual" in text(response)
    assert "Moe Moderator" in text(response)


def test_manager_restores_a_deleted_page(web, login, world, wiki):
    _delete(web, login, world)
    login(world.manager)
    response = web.post(url(world, f"deleted/{world.page.id}/restore"), {}, token_from=url(world, "deleted"))
    assert response.status_code == 302
    assert response.headers["Location"] == page_url(world)
    assert web.get(page_url(world)).status_code == 200
    assert "restored" in activity_verbs(wiki.session, world.community)


def test_a_page_deleted_over_thirty_days_ago_is_not_listed_and_cannot_be_restored(web, login, world, wiki):
    _delete(web, login, world)
    wiki.session.rollback()
    with transaction(wiki.session):
        wiki.session.execute(
            update(WikiPage)
            .where(WikiPage.id == world.page.id)
            .values(deleted_at=utcnow() - timedelta(days=RESTORE_DAYS, minutes=1))
        )
    login(world.manager)
    assert "PNC manual" not in text(web.get(url(world, "deleted")))
    response = web.post(url(world, f"deleted/{world.page.id}/restore"), {}, follow_redirects=True)
    assert "can be restored for 30 days" in text(response)
    assert wiki.fresh(world.page).deleted_at is not None
    assert web.get(page_url(world)).status_code == 404


def test_moderator_may_neither_list_nor_restore_deleted_pages(web, login, world, wiki):
    _delete(web, login, world)
    assert web.get(url(world, "deleted")).status_code == 403
    response = web.post(url(world, f"deleted/{world.page.id}/restore"), {})
    assert response.status_code == 403
    assert "managers can restore deleted pages" in text(response)
    assert wiki.fresh(world.page).deleted_at is not None


def test_restore_of_a_page_that_is_not_deleted_is_404(web, login, world):
    login(world.manager)
    assert web.post(url(world, f"deleted/{world.page.id}/restore"), {}).status_code == 404


def test_manager_without_two_factor_is_sent_to_set_it_up_first(web, login, world, make):
    manager = make.member(world.community, make.user("New Manager"), Role.MANAGER, two_factor=False)
    login(manager)
    for path in (url(world, "deleted"), url(world, "settings")):
        response = web.get(path)
        assert response.status_code == 302
        assert "/two-factor" in response.headers["Location"]


# Protecting, templates and watching -------------------------------------------------------------


def test_moderator_protects_a_page_and_members_may_no_longer_edit_it(web, login, world, wiki):
    login(world.moderator)
    response = web.post(page_url(world, "/protect"), {"protected": "1"}, token_from=page_url(world))
    assert response.status_code == 302
    assert wiki.fresh(world.page).protected
    assert web.get(page_url(world, "/edit")).status_code == 200  # moderators still edit
    login(world.member)
    refused = web.get(page_url(world, "/edit"))
    assert refused.status_code == 403
    assert "This page is protected" in text(refused)
    assert len(audited(wiki.session, "wiki.page_protected")) == 1


def test_moderator_lifts_protection(web, login, world, wiki):
    login(world.moderator)
    web.post(page_url(world, "/protect"), {"protected": "1"})
    web.post(page_url(world, "/protect"), {"protected": "0"})
    assert not wiki.fresh(world.page).protected
    login(world.member)
    assert web.get(page_url(world, "/edit")).status_code == 200


def test_member_may_not_protect_a_page(web, login, world, wiki):
    login(world.member)
    response = web.post(page_url(world, "/protect"), {"protected": "1"})
    assert response.status_code == 403
    assert "moderators and managers can protect pages" in text(response)
    assert not wiki.fresh(world.page).protected


def test_moderator_makes_a_page_a_template(web, login, world, wiki):
    login(world.moderator)
    response = web.post(page_url(world, "/template"), {"template": "1"}, token_from=page_url(world))
    assert response.status_code == 302
    assert wiki.fresh(world.page).is_template
    web.post(page_url(world, "/template"), {"template": "0"})
    assert not wiki.fresh(world.page).is_template


def test_member_may_not_make_a_page_a_template(web, login, world, wiki):
    login(world.member)
    assert web.post(page_url(world, "/template"), {"template": "1"}).status_code == 403
    assert not wiki.fresh(world.page).is_template


def _watching(session, page, user):
    session.rollback()
    watches = select(Subscription).where(Subscription.kind == "wiki.page", Subscription.object_id == page.id)
    return session.scalar(watches.where(Subscription.user_id == user.id))


def test_reader_watches_a_page_and_stops(web, login, world, session):
    login(world.reader)
    response = web.post(page_url(world, "/watch"), {"watch": "1"}, token_from=page_url(world))
    assert response.status_code == 302
    assert _watching(session, world.page, world.reader) is not None
    web.post(page_url(world, "/watch"), {"watch": "0"})
    assert _watching(session, world.page, world.reader) is None


def test_watch_with_a_value_no_button_sends_is_a_clear_error(web, login, world, session):
    login(world.reader)
    response = web.post(page_url(world, "/watch"), {"watch": "yes please"})
    assert response.status_code == 400
    assert "reload the page and try again" in text(response)
    assert _watching(session, world.page, world.reader) is None


def test_a_non_member_of_an_open_community_may_watch_an_official_page(web, login, world, session):
    outsider = login.as_new_user(name="Visitor")
    assert web.post(page_url(world, "/watch"), {"watch": "1"}).status_code == 302
    assert _watching(session, world.page, outsider) is not None


def test_a_non_member_cannot_reach_an_official_sensitive_page_to_watch_it(web, login, world, wiki):
    secret = wiki.page(
        world.community, "Source handling", marking=Marking.OFFICIAL_SENSITIVE, author=world.moderator
    )
    login.as_new_user(name="Visitor")
    assert web.post(url(world, f"{secret.slug}/watch"), {"watch": "1"}).status_code == 404


# Settings ---------------------------------------------------------------------------------------


def test_settings_show_review_off_by_default(web, login, world):
    login(world.manager)
    response = web.get(url(world, "settings"))
    assert response.status_code == 200
    assert re.search(r'value="no" checked', response.get_data(as_text=True))


def test_manager_turns_review_on(web, login, world, session):
    login(world.manager)
    response = web.post(url(world, "settings"), {"review_required": "yes"}, token_from=url(world, "settings"))
    assert response.status_code == 302
    session.rollback()
    assert access.review_required(session, session.merge(world.community))
    assert len(audited(session, "wiki.review_required")) == 1


def test_settings_without_a_choice_is_an_error(web, login, world):
    login(world.manager)
    response = web.post(url(world, "settings"), {"review_required": "maybe"})
    assert response.status_code == 400
    assert "Select yes if members’ edits should wait for a moderator" in text(response)


def test_moderator_may_not_change_the_settings(web, login, world, session):
    login(world.moderator)
    assert web.get(url(world, "settings")).status_code == 403
    response = web.post(url(world, "settings"), {"review_required": "yes"})
    assert response.status_code == 403
    assert "managers can change the wiki's settings" in text(response)
    session.rollback()
    assert not access.review_required(session, session.merge(world.community))


# Outsiders of a private community ---------------------------------------------------------------


@pytest.fixture
def hidden(make, wiki):
    """A private community with a live page and a deleted one, and real addresses for every route."""
    manager = make.user("Hidden Manager", two_factor=True)
    community = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    moderator = make.member(community, make.user("Hidden Moderator"), Role.MODERATOR)
    page = wiki.page(community, "Covert manual", author=moderator)
    gone = wiki.page(community, "Old notes", author=moderator)
    with transaction(wiki.session):
        pages.delete_page(wiki.session, wiki.session.merge(moderator), wiki.fresh(gone))
    base = f"/c/{community.slug}/wiki"
    return {
        "get": [
            f"{base}/{page.slug}/move",
            f"{base}/{page.slug}/delete",
            f"{base}/deleted",
            f"{base}/settings",
        ],
        "post": [
            (f"{base}/{page.slug}/move", {"title": "Mine now", "parent": ""}),
            (f"{base}/{page.slug}/delete", {}),
            (f"{base}/deleted/{gone.id}/restore", {}),
            (f"{base}/{page.slug}/protect", {"protected": "1"}),
            (f"{base}/{page.slug}/template", {"template": "1"}),
            (f"{base}/{page.slug}/watch", {"watch": "1"}),
            (f"{base}/settings", {"review_required": "yes"}),
        ],
        "page": page,
        "gone": gone,
    }


def test_every_manage_route_is_404_to_an_outsider_of_a_private_community(web, login, hidden, wiki):
    login.as_new_user(name="Outsider", two_factor=True)
    for path in hidden["get"]:
        assert web.get(path).status_code == 404, path
    for path, data in hidden["post"]:
        assert web.post(path, data).status_code == 404, path
    page = wiki.fresh(hidden["page"])
    assert (page.title, page.deleted_at, page.protected, page.is_template) == (
        "Covert manual",
        None,
        False,
        False,
    )
    assert wiki.fresh(hidden["gone"]).deleted_at is not None
