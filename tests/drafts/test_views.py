"""Drafts over HTTP: the autosave endpoint (JSON, also when it refuses), the notice on the editor,
resuming and discarding, drafts going when the edit is saved, and the 404 rule for outsiders."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities.membership import leave
from polka.db import transaction
from polka.wiki.models import WikiRevision
from tests.drafts.conftest import drafts_in
from tests.support import text

TYPED = {
    "body": "The log.\n\nA paragraph typed before lunch.\n",
    "summary": "Added the lunch paragraph",
    "marking": "OFFICIAL-SENSITIVE",
    "base": "1",
    "base_marking": "OFFICIAL",
}


def draft_url(world, kind="wiki.edit", object_id=None, suffix=""):
    return f"/drafts/{kind}/{world.page.id if object_id is None else object_id}{suffix}"


def autosave(web, world, fields=TYPED, **kwargs):
    return web.post(draft_url(world, **kwargs), fields, token_from=world.edit_url())


def test_autosave_keeps_the_draft_and_says_when(web, login, session, world):
    login(world.member)
    response = autosave(web, world)
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert response.json["message"].startswith("Draft saved at ")
    [draft] = drafts_in(session)
    assert draft.user_id == world.member.id
    assert draft.fields == TYPED


def test_the_editor_offers_the_authors_draft_with_resume_and_discard(web, login, world):
    login(world.member)
    saved_at = autosave(web, world).json["message"].removeprefix("Draft saved at ")
    page = text(web.get(world.edit_url()))
    assert f"You have an unsaved draft from {saved_at}" in page
    assert "Resume draft" in page
    assert "Discard draft" in page
    assert "A paragraph typed before lunch." not in page  # not in the form until resumed


def test_resuming_fills_every_field_of_the_form_from_the_draft(web, login, world):
    login(world.member)
    autosave(web, world)
    html = web.get(world.edit_url("?draft=resume")).get_data(as_text=True)
    assert "A paragraph typed before lunch." in html
    assert 'value="Added the lunch paragraph"' in html
    assert 'value="OFFICIAL-SENSITIVE" checked' in html
    assert "is in the form below" in html
    assert 'data-draft-state="resumed"' in html


def test_nobody_else_sees_the_draft(web, login, world):
    login(world.member)
    autosave(web, world)
    login(world.colleague)
    for url in (world.edit_url(), world.edit_url("?draft=resume")):
        html = web.get(url).get_data(as_text=True)
        assert "unsaved draft" not in html
        assert "A paragraph typed before lunch." not in html


def test_discarding_removes_the_draft_and_returns_to_the_editor(web, login, session, world):
    login(world.member)
    autosave(web, world)
    response = web.post(draft_url(world, suffix="/discard"), {}, token_from=world.edit_url())
    assert response.status_code == 302
    assert response.headers["Location"] == world.edit_url()
    page = text(web.get(response.headers["Location"]))
    assert "Your draft has been discarded." in page
    assert "unsaved draft" not in page
    assert drafts_in(session) == []


def test_discarding_from_the_script_answers_json(web, login, session, world):
    login(world.member)
    autosave(web, world)
    response = web.post(
        draft_url(world, suffix="/discard"),
        {},
        token_from=world.edit_url(),
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert response.json == {"discarded": True}
    assert drafts_in(session) == []


def test_saving_the_edit_removes_the_draft(web, login, session, world):
    login(world.member)
    autosave(web, world)
    response = web.post(world.edit_url(), {**TYPED, "action": "save"}, token_from=world.edit_url())
    assert response.status_code == 302
    assert drafts_in(session) == []
    assert session.scalar(select(WikiRevision.summary).where(WikiRevision.number == 2)) == TYPED["summary"]


def test_a_save_that_clashes_keeps_the_draft(web, login, session, world, make):
    login(world.member)
    autosave(web, world)
    login(world.colleague)
    web.post(
        world.edit_url(),
        {**TYPED, "body": "The log, rewritten.\n", "action": "save"},
        token_from=world.edit_url(),
    )
    login(world.member)
    response = web.post(
        world.edit_url(), {**TYPED, "body": "The log, mine.\n", "action": "save"}, token_from=world.edit_url()
    )
    assert response.status_code == 409
    assert [d.user_id for d in drafts_in(session)] == [world.member.id]


@pytest.mark.parametrize(
    ("kind", "url", "fields", "shown"),
    [
        (
            "wiki.new",
            "new_url",
            {"title": "Handover notes", "body": "Hand over at six.\n"},
            "Hand over at six.",
        ),
        ("docs.details", "details_url", {"title": "Rota", "description": "Winter rota."}, "Winter rota."),
    ],
)
def test_new_pages_and_document_details_keep_drafts_too(web, login, session, world, kind, url, fields, shown):
    login(world.member)
    object_id = world.community.id if kind == "wiki.new" else world.document.id
    editor = getattr(world, url)
    response = web.post(draft_url(world, kind, object_id), fields, token_from=editor())
    assert response.status_code == 200, response.json
    assert "You have an unsaved draft" in text(web.get(editor()))
    assert shown in text(web.get(editor("?draft=resume")))
    save = {"marking": "OFFICIAL", "summary": "", "parent": "", "tags": "", "action": "save", **fields}
    assert web.post(editor(), save, token_from=editor()).status_code == 302
    assert drafts_in(session) == []


# Refusals: always JSON, always the right status -------------------------------------------------------


def test_autosave_without_a_csrf_token_is_refused_in_json(web, login, session, world):
    login(world.member)
    response = web.client.post(draft_url(world), data=TYPED)
    assert response.status_code == 400
    assert response.json["saved"] is False
    assert "expired" in response.json["error"]
    assert drafts_in(session) == []


def test_autosave_when_signed_out_is_refused_in_json(web, world):
    response = web.post(draft_url(world), TYPED, token_from="/login")
    assert response.status_code == 401
    assert "signed out" in response.json["error"]


def test_autosave_of_text_that_cannot_be_stored_says_why(web, login, session, world):
    login(world.member)
    response = autosave(web, world, {**TYPED, "summary": "s" * 301})
    assert response.status_code == 400
    assert response.json["error"] == "The draft was not saved: summary is longer than 300 characters"
    assert drafts_in(session) == []


def test_autosave_of_an_unknown_form_is_404_in_json(web, login, world):
    login(world.member)
    for url in ("/drafts/wiki.nothing/1", "/drafts/wiki.edit/99999"):
        response = web.post(url, TYPED, token_from=world.edit_url())
        assert response.status_code == 404, url
        assert response.json["saved"] is False


def test_autosave_to_a_number_that_cannot_be_an_id_is_404(web, login, world):
    # Refused by the URL's id converter before any view runs (the script only ever posts to the
    # address its page gave it, so it never meets this one).
    login(world.member)
    response = web.post(f"/drafts/wiki.edit/{2**63}", TYPED, token_from=world.edit_url())
    assert response.status_code == 404


@pytest.mark.parametrize("url", [f"/drafts/wiki.edit/{2**63}", "/drafts/wiki.edit", "/drafts/wiki.edit/1/x"])
def test_a_url_no_draft_route_has_is_answered_in_json_to_the_script(web, login, world, url):
    # The script asks for JSON; the URL matched no route, so no view (nor the drafts blueprint) ran.
    login(world.member)
    response = web.post(url, TYPED, token_from=world.edit_url(), headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json == {
        "error": "Your draft was not saved: this is no longer there, or you may no longer change it.",
        "saved": False,
    }


def test_a_method_the_autosave_does_not_take_is_405_in_json(web, login, world):
    login(world.member)
    response = web.get(draft_url(world), headers={"Accept": "application/json"})
    assert response.status_code == 405
    assert response.json == {"error": "Your draft was not saved. Try again later.", "saved": False}


def test_discarding_without_the_script_is_refused_with_a_page(web, login, world):
    login(world.reader)
    response = web.post(draft_url(world, suffix="/discard"), {}, token_from="/account")
    assert response.status_code == 403
    assert response.mimetype == "text/html"


def test_a_reader_who_may_not_edit_is_refused_in_json(web, login, session, world):
    login(world.reader)
    response = autosave(web, world)
    assert response.status_code == 403
    assert "may no longer change" in response.json["error"]
    assert drafts_in(session) == []


def test_every_draft_url_of_a_private_community_is_404_to_an_outsider(web, login, session, world):
    login(world.member)
    autosave(web, world)
    login(world.outsider)
    assert web.get(world.edit_url("?draft=resume")).status_code == 404
    assert web.post(draft_url(world), TYPED, token_from="/account").status_code == 404
    assert web.post(draft_url(world, suffix="/discard"), {}, token_from="/account").status_code == 404
    assert len(drafts_in(session)) == 1


def test_a_member_removed_from_the_community_cannot_resume_their_draft(web, login, session, world):
    login(world.member)
    autosave(web, world)
    with transaction(session):
        leave(session, session.merge(world.member), session.merge(world.community))
    html = web.get(world.edit_url("?draft=resume"))
    assert html.status_code == 404
    assert "A paragraph typed before lunch." not in html.get_data(as_text=True)
    assert web.post(draft_url(world), TYPED, token_from="/account").status_code == 404
