"""Moderation powers need two-factor authentication: one rule in the policy, for every moderation
power (approving documents and edits today, the forum's later), as managers' powers already do."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from polka.communities.models import Role
from polka.db import transaction
from polka.errors import TwoFactorNeeded
from polka.permissions import Action, can, needs_two_factor, require
from polka.wiki import review
from polka.wiki.models import RevisionStatus, WikiRevision
from tests.conftest import PASSWORD
from tests.support import text
from tests.wiki.conftest import WikiFactory


@pytest.fixture
def team(make):
    manager = make.user("Mina Manager", two_factor=True)
    community = make.community("Team", managers=[manager])
    return community, manager


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.MANAGER])
def test_without_two_factor_moderation_powers_are_dormant(make, team, role):
    community, _ = team
    user = make.member(community, make.user(), role, two_factor=False)
    assert not can(user, Action.MODERATE, community)
    assert needs_two_factor(user, Action.MODERATE, community)
    with pytest.raises(TwoFactorNeeded):
        require(user, Action.MODERATE, community)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.MANAGER])
def test_with_two_factor_moderation_powers_work(make, team, role):
    community, _ = team
    user = make.member(community, make.user(two_factor=True), role)
    assert can(user, Action.MODERATE, community)
    assert not needs_two_factor(user, Action.MODERATE, community)
    require(user, Action.MODERATE, community)


def test_two_factor_does_not_give_a_member_moderation_powers(make, team):
    community, _ = team
    member = make.member(community, make.user(two_factor=True), Role.MEMBER)
    assert not can(member, Action.MODERATE, community)
    assert not needs_two_factor(member, Action.MODERATE, community)


def test_members_powers_do_not_need_two_factor(make, team):
    community, _ = team
    member = make.member(community, make.user(), Role.MODERATOR, two_factor=False)
    assert can(member, Action.CONTRIBUTE, community)
    assert can(member, Action.READ, community)


@pytest.fixture
def waiting(session, make, team):
    """Review is on; a member's edit of a page waits; a moderator has not set up two-factor."""
    community, manager = team
    wiki = WikiFactory(session, make)
    author = make.member(community, make.user("Ade Author", two_factor=True), Role.MODERATOR)
    page = wiki.page(community, "Guide", "Text.\n", author=author)
    wiki.require_review(community, manager)
    member = make.member(community, make.user("Mel Member"), Role.MEMBER)
    saved = wiki.edit(page, member, "Better text.\n", summary="Better")
    assert saved.pending
    moderator = make.member(community, make.user("Una Unenrolled"), Role.MODERATOR, two_factor=False)
    return community, moderator, saved.revision


def test_the_review_queue_sends_a_moderator_without_two_factor_to_set_it_up_and_back(web, login, waiting):
    community, moderator, _ = waiting
    login(moderator)
    response = web.get(f"/c/{community.slug}/wiki/pending")
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == "/account/two-factor"
    assert parse_qs(target.query)["next"] == [f"/c/{community.slug}/wiki/pending"]
    assert "Set up two-factor authentication" in text(web.get(response.headers["Location"]))


def test_approving_an_edit_without_two_factor_publishes_nothing(web, login, session, waiting):
    community, moderator, revision = waiting
    login(moderator)
    response = web.post(
        f"/c/{community.slug}/wiki/guide/proposed/{revision.id}/approve",
        {"comment": "Fine"},
        token_from=f"/c/{community.slug}/wiki/guide",
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/two-factor"
    session.rollback()
    assert session.get(WikiRevision, revision.id).status is RevisionStatus.PENDING


def test_the_review_service_refuses_a_moderator_without_two_factor(session, waiting):
    _, moderator, revision = waiting
    session.rollback()
    with pytest.raises(TwoFactorNeeded), transaction(session):
        review.reject(session, session.merge(moderator), session.get(WikiRevision, revision.id), "No")


def test_a_moderator_may_not_turn_two_factor_off(web, login, make, team):
    community, _ = team
    moderator = login.as_role(community, Role.MODERATOR)
    assert moderator.has_two_factor
    response = web.post(
        "/account/two-factor/disable", {"password": PASSWORD}, token_from="/account/two-factor"
    )
    assert response.status_code == 403
    assert "moderators must keep two-factor authentication on" in text(response)
