"""The rules of drafts: one per author and form, private to its author, refused when it cannot be
stored, and gone after DRAFT_DAYS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from polka.db import transaction, utcnow
from polka.drafts import services
from polka.drafts.models import Draft
from polka.errors import NotFound, ValidationError
from polka.wiki.drafting import EDIT, NEW
from tests.drafts.conftest import drafts_in

FIELDS = {"body": "My new paragraph.\n", "summary": "Added a paragraph", "marking": "OFFICIAL", "base": "1"}


def _save(session, user, object_id, fields=FIELDS, kind=EDIT):
    with transaction(session):
        return services.save_draft(session, session.merge(user), kind, object_id, fields)


def _untouched_for(session, user, age):
    """Make the user's drafts look saved ``age`` ago."""
    with transaction(session):
        session.execute(update(Draft).where(Draft.user_id == user.id).values(saved_at=utcnow() - age))


def test_a_draft_keeps_every_field_of_the_form_for_its_author(session, world):
    _save(session, world.member, world.page.id)
    draft = services.find_draft(session, session.merge(world.member), EDIT, world.page.id)
    assert draft is not None
    assert draft.fields == {**FIELDS, "base_marking": ""}


def test_a_draft_is_found_by_nobody_but_its_author(session, world):
    _save(session, world.member, world.page.id)
    assert services.find_draft(session, session.merge(world.colleague), EDIT, world.page.id) is None
    assert services.find_draft(session, session.merge(world.manager), EDIT, world.page.id) is None


def test_saving_again_replaces_the_authors_draft_of_that_form(session, world):
    _save(session, world.member, world.page.id)
    _save(session, world.member, world.page.id, {**FIELDS, "body": "Second try.\n"})
    _save(session, world.colleague, world.page.id)
    _save(session, world.member, world.community.id, {"title": "New page"}, kind=NEW)
    mine = [d for d in drafts_in(session) if d.user_id == world.member.id]
    assert sorted((d.kind, d.fields["body"]) for d in mine) == [
        ("wiki.edit", "Second try.\n"),
        ("wiki.new", ""),
    ]
    assert len(drafts_in(session)) == 3


def test_discarding_removes_only_the_authors_draft(session, world):
    _save(session, world.member, world.page.id)
    _save(session, world.colleague, world.page.id)
    with transaction(session):
        assert services.discard_draft(session, session.merge(world.member), EDIT, world.page.id)
    assert [d.user_id for d in drafts_in(session)] == [world.colleague.id]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "x" * 301}, "summary is longer than 300 characters"),
        ({"summary": "two\nlines"}, "summary contains characters that cannot be stored"),
        ({"body": "nul\x00byte"}, "body contains characters that cannot be stored"),
    ],
)
def test_a_draft_that_cannot_be_stored_is_refused_saying_why(session, world, fields, message):
    with pytest.raises(ValidationError, match=message):
        _save(session, world.member, world.page.id, {**FIELDS, **fields})
    assert drafts_in(session) == []


def test_a_draft_expires_after_thirty_days(session, world):
    _save(session, world.member, world.page.id)
    _save(session, world.colleague, world.page.id)
    _untouched_for(session, world.member, timedelta(days=services.DRAFT_DAYS, minutes=1))
    assert services.find_draft(session, session.merge(world.member), EDIT, world.page.id) is None
    with transaction(session):
        assert services.purge_expired(session) == 1
    assert [d.user_id for d in drafts_in(session)] == [world.colleague.id]


def test_the_worker_removes_expired_drafts_when_idle(app, session, world):
    _save(session, world.member, world.page.id)
    _save(session, world.colleague, world.page.id)
    _untouched_for(session, world.member, timedelta(days=services.DRAFT_DAYS + 1))
    app.extensions["polka.jobs"].run_until_idle()
    assert [d.user_id for d in drafts_in(session)] == [world.colleague.id]


def test_an_unknown_kind_or_impossible_id_names_nothing(session, world):
    with pytest.raises(NotFound):
        services.draft_kind("wiki.nothing")
    with pytest.raises(NotFound):
        services.locate(session, session.merge(world.member), EDIT, 2**63)
