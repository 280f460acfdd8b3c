"""Approving a document version: a moderation power (two-factor first), by a second person unless the
community's managers allow approving one's own upload, and every version says who approved it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from polka.accounts.models import User
from polka.communities.models import Role
from polka.db import transaction
from polka.docs import versions
from polka.docs.models import DocumentStatus
from polka.errors import Forbidden, TwoFactorNeeded
from tests.communities.support import audited
from tests.docs.conftest import DocsFactory, DocsWorld
from tests.support import text

SECOND_PERSON = "Approval needs a second person"


def url(world: DocsWorld, tail: str = "", document=None) -> str:
    document = document or world.document
    return f"/c/{world.community.slug}/docs/{document.id}{tail}"


def approve(web, world, document=None):
    return web.post(url(world, "/approve", document), token_from=url(world, "", document))


def settings_form(community, second_approver):
    return {
        "name": community.name,
        "summary": community.summary,
        "description": community.description,
        "visibility": community.visibility.value,
        "marking_ceiling": community.marking_ceiling.value,
        "region": community.region or "",
        "parent": "",
        "second_approver": second_approver,
    }


@pytest.fixture
def own_upload(world: DocsWorld, docs: DocsFactory):
    """A document the moderator uploaded themselves."""
    return docs.document(world.community, "Moderator's guide", author=world.moderator)


def test_a_moderator_without_two_factor_is_sent_to_set_it_up_and_nothing_is_approved(
    web, login, make, world, docs
):
    unenrolled = make.member(world.community, make.user("Una Unenrolled"), Role.MODERATOR, two_factor=False)
    login(unenrolled)
    page = url(world)
    response = web.post(
        url(world, "/approve"), token_from=page, headers={"Referer": f"http://localhost{page}"}
    )
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/account/two-factor"
    assert parse_qs(target.query)["next"] == [page]
    assert docs.fresh(world.document).status is DocumentStatus.DRAFT


def test_a_moderator_without_two_factor_is_offered_approval_like_any_moderator(web, login, make, world):
    unenrolled = make.member(world.community, make.user("Una Unenrolled"), Role.MODERATOR, two_factor=False)
    login(unenrolled)
    assert "Approve version 1" in text(web.get(url(world)))


def test_after_setting_up_two_factor_the_moderator_returns_and_may_approve(web, login, make, world, docs):
    unenrolled = make.member(world.community, make.user("Una Unenrolled"), Role.MODERATOR, two_factor=False)
    login(unenrolled)
    page = url(world)
    sent = web.post(url(world, "/approve"), token_from=page, headers={"Referer": f"http://localhost{page}"})
    setup = web.get(sent.headers["Location"])
    assert setup.status_code == 200
    docs.session.rollback()
    fresh = docs.session.get(User, unenrolled.id)
    docs.session.refresh(fresh)
    secret = fresh.totp_pending_secret
    assert secret
    back = web.post(
        sent.headers["Location"], {"code": pyotp.TOTP(secret).now()}, token_from=sent.headers["Location"]
    )
    # Turning two-factor on shows the recovery codes once, then leads back to the document.
    assert back.status_code == 200
    assert f'href="{page}">I have saved my recovery codes' in back.get_data(as_text=True)
    assert "Approve version 1" in text(web.get(page))
    assert approve(web, world).status_code == 302
    assert docs.fresh(world.document).status is DocumentStatus.APPROVED


def test_approving_ones_own_version_is_refused_by_default(web, login, world, docs, own_upload):
    login(world.moderator)
    page = text(web.get(url(world, "", own_upload)))
    assert SECOND_PERSON in page
    assert "Approve version 1" not in page
    response = approve(web, world, own_upload)
    assert response.status_code == 403
    assert SECOND_PERSON in text(response)
    assert docs.fresh(own_upload).status is DocumentStatus.DRAFT


def test_another_moderator_approves_and_the_versions_say_who_and_when(web, login, world, docs, own_upload):
    login(world.manager)
    assert approve(web, world, own_upload).status_code == 302
    docs.version(own_upload, world.member, b"Second edition.\n", note="Second edition")
    login(world.moderator)
    assert approve(web, world, own_upload).status_code == 302  # not their upload: allowed
    shown = text(web.get(url(world, "/versions", own_upload)))
    assert "Approved by Mina Manager" in shown
    assert "Approved by Moe Moderator" in shown
    history = docs.versions(own_upload)
    assert [v.approved_by_id for v in history] == [world.manager.id, world.moderator.id]
    assert all(v.approved_at is not None for v in history)
    assert "by Moe Moderator" in text(web.get(url(world, "", own_upload)))


def test_managers_may_let_moderators_approve_their_own_uploads(web, login, session, world, docs, own_upload):
    login(world.manager)
    settings = f"/c/{world.community.slug}/settings"
    assert 'value="yes" checked' in web.get(settings).get_data(as_text=True)
    response = web.post(settings, settings_form(world.community, "no"), token_from=settings)
    assert response.status_code == 302
    [entry] = audited(session, "community.self_approval_changed")
    assert '"to": "allowed"' in entry.detail
    login(world.moderator)
    assert approve(web, world, own_upload).status_code == 302
    assert docs.fresh(own_upload).status is DocumentStatus.APPROVED


def test_the_setting_refuses_an_unknown_answer_and_keeps_what_was_typed(web, login, world):
    login(world.manager)
    settings = f"/c/{world.community.slug}/settings"
    form = settings_form(world.community, "maybe") | {"summary": "Typed summary"}
    response = web.post(settings, form, token_from=settings)
    assert response.status_code == 400
    assert "Select whether approval needs a second person" in text(response)
    assert 'value="Typed summary"' in response.get_data(as_text=True)


def test_the_service_refuses_ones_own_version_and_a_moderator_without_two_factor(
    session, make, world, docs, own_upload
):
    unenrolled = make.member(world.community, make.user("Una Unenrolled"), Role.MODERATOR, two_factor=False)
    session.rollback()
    with pytest.raises(Forbidden, match=SECOND_PERSON), transaction(session):
        versions.approve(session, session.merge(world.moderator), docs.fresh(own_upload))
    session.rollback()
    with pytest.raises(TwoFactorNeeded), transaction(session):
        versions.approve(session, session.merge(unenrolled), docs.fresh(world.document))
    assert docs.fresh(world.document).status is DocumentStatus.DRAFT
