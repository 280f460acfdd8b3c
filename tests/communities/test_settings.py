"""Community settings (managers): the fields, parents without cycles, and audited changes."""

from __future__ import annotations

import pytest

from polka.communities import services
from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.errors import ValidationError
from polka.markings import Marking
from tests.communities.support import audited
from tests.support import text


def _form(community, **changes):
    values = {
        "name": community.name,
        "summary": community.summary,
        "description": community.description,
        "visibility": community.visibility.value,
        "marking_ceiling": community.marking_ceiling.value,
        "region": community.region or "",
        "parent": str(community.parent_id or ""),
    }
    values.update(changes)
    return values


@pytest.fixture
def managed(make):
    manager = make.user(two_factor=True)
    community = make.community("Team", managers=[manager])
    return community, manager


def test_settings_form_shows_the_current_values(web, login, managed):
    community, manager = managed
    login(manager)
    body = web.get(f"/c/{community.slug}/settings").get_data(as_text=True)
    assert 'value="Team"' in body


def test_manager_saves_settings(web, login, session, managed):
    community, manager = managed
    login(manager)
    response = web.post(
        f"/c/{community.slug}/settings",
        _form(community, name="Team Two", summary="Short", description="# Hi", region="Wales"),
    )
    assert response.status_code == 302
    session.rollback()
    session.refresh(community)
    assert (community.name, community.summary, community.region) == ("Team Two", "Short", "Wales")
    assert community.slug == "team"  # the address stays stable


def test_changing_visibility_and_ceiling_is_audited(web, login, session, managed):
    community, manager = managed
    login(manager)
    web.post(
        f"/c/{community.slug}/settings",
        _form(community, visibility="private", marking_ceiling="OFFICIAL-SENSITIVE"),
    )
    [visibility] = audited(session, "community.visibility_changed")
    [ceiling] = audited(session, "community.ceiling_changed")
    assert '"from": "open"' in visibility.detail
    assert '"to": "private"' in visibility.detail
    assert '"to": "OFFICIAL-SENSITIVE"' in ceiling.detail


def test_saving_unchanged_visibility_writes_no_visibility_entry(web, login, session, managed):
    community, manager = managed
    login(manager)
    web.post(f"/c/{community.slug}/settings", _form(community, summary="new"))
    assert audited(session, "community.visibility_changed") == []
    assert len(audited(session, "community.updated")) == 1


def test_an_empty_name_is_an_error_and_the_typed_values_are_kept(web, login, managed):
    community, manager = managed
    login(manager)
    response = web.post(f"/c/{community.slug}/settings", _form(community, name="", summary="Typed summary"))
    assert response.status_code == 400
    assert "Enter a name for the community" in text(response)
    assert 'value="Typed summary"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "n" * 121},
        {"summary": "s" * 301},
        {"description": "nul\x00byte"},
        {"visibility": "secret"},
        {"marking_ceiling": "SECRET"},
        {"region": "Atlantis"},
        {"parent": "999999"},
        {"parent": "not-a-number"},
    ],
)
def test_bad_input_is_a_clear_400(web, login, managed, changes):
    community, manager = managed
    login(manager)
    response = web.post(f"/c/{community.slug}/settings", _form(community, **changes))
    assert response.status_code == 400
    assert "There is a problem" in text(response)


def test_a_parent_may_be_any_community_the_manager_may_see(web, login, session, make, managed):
    community, manager = managed
    national = make.community("National")
    login(manager)
    response = web.post(f"/c/{community.slug}/settings", _form(community, parent=str(national.id)))
    assert response.status_code == 302
    session.rollback()
    session.refresh(community)
    assert community.parent_id == national.id
    assert len(audited(session, "community.parent_changed")) == 1


def test_a_private_community_the_manager_cannot_see_is_not_a_parent(session, make, managed):
    community, manager = managed
    hidden = make.community("Hidden", visibility=Visibility.PRIVATE)
    assert hidden not in services.parent_choices(session, manager, community)
    with pytest.raises(ValidationError), transaction(session):
        _update(session, manager, community, parent_id=hidden.id)


def _update(session, actor, community, **changes):
    values = {
        "name": community.name,
        "summary": community.summary,
        "description": community.description,
        "visibility": community.visibility,
        "marking_ceiling": community.marking_ceiling,
        "region": community.region,
        "parent_id": community.parent_id,
    }
    values.update(changes)
    return services.update_settings(session, actor, community, **values)


def test_a_community_cannot_sit_below_its_own_sub_community(session, make, managed):
    community, manager = managed
    child = make.community("Child", parent=community)
    grandchild = make.community("Grandchild", parent=child)
    for candidate in (community, child, grandchild):
        assert candidate not in services.parent_choices(session, manager, community)
        with pytest.raises(ValidationError, match="below itself"), transaction(session):
            _update(session, manager, community, parent_id=candidate.id)


def test_ceiling_choices_stop_at_official_sensitive(session, make, managed):
    community, manager = managed
    with transaction(session):
        _update(session, manager, community, marking_ceiling=Marking.OFFICIAL_SENSITIVE)
    assert community.marking_ceiling is Marking.OFFICIAL_SENSITIVE


def test_a_moderator_cannot_open_the_settings(web, login, managed):
    community, _manager = managed
    login.as_role(community, Role.MODERATOR)
    assert web.get(f"/c/{community.slug}/settings").status_code == 403


def test_a_description_nested_too_deeply_is_a_clear_error(web, login, managed):
    community, manager = managed
    login(manager)
    response = web.post(f"/c/{community.slug}/settings", _form(community, description=">" * 200 + " deep"))
    assert response.status_code == 400
    assert "nested too deeply" in text(response)
