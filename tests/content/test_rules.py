"""The rules every feature's content shares: the policy's EDIT, LOWER_MARKING and RESTORE actions, the
one audit of need-to-know reads, and the one daily purge of expired deleted items (wiki and library)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.audit.models import AuditEntry
from polka.audit.reads import Part, audit_sensitive_read
from polka.communities.models import Community, Role, Visibility
from polka.content.deletion import purge_expired
from polka.content.mixins import RESTORE_DAYS, RESTORE_WINDOW
from polka.db import transaction, utcnow
from polka.docs import bin as docs_bin
from polka.docs import services
from polka.docs.models import Document
from polka.errors import Forbidden, NotFound, TwoFactorNeeded, ValidationError
from polka.markings import Marking
from polka.permissions import Action, can, offers, require
from polka.wiki import pages
from polka.wiki import services as wiki_services
from polka.wiki.models import WikiPage
from tests.conftest import Factory
from tests.docs.conftest import DocsFactory
from tests.wiki.conftest import WikiFactory


@pytest.fixture
def wiki(session: Session, make: Factory) -> WikiFactory:
    return WikiFactory(session, make)


@pytest.fixture
def docs(app, session: Session, make: Factory) -> DocsFactory:
    return DocsFactory(app, session, make)


@pytest.fixture
def community(make: Factory) -> Community:
    manager = make.user("Mina Manager", two_factor=True)
    return make.community("Rules", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE)


def member(make: Factory, community: Community, role: Role = Role.MEMBER, *, two_factor: bool = True):
    return make.member(
        community,
        make.user(two_factor=two_factor and role.at_least(Role.MODERATOR)),
        role,
        two_factor=two_factor,
    )


def fresh(session: Session, model, item):
    session.rollback()
    return session.get(model, item.id)


# Edit one's own or moderate ---------------------------------------------------------------------


def test_the_author_edits_their_own_document_and_another_member_may_not(make, community, docs, session):
    author = member(make, community)
    other = member(make, community)
    document = fresh(session, Document, docs.document(community, author=author))
    assert can(session.merge(author), Action.EDIT, document)
    assert not can(session.merge(other), Action.EDIT, document)
    with pytest.raises(Forbidden):
        require(session.merge(other), Action.EDIT, document)


def test_a_moderator_edits_anyones_item_once_two_factor_is_set_up(make, community, docs, session):
    author = member(make, community)
    document = fresh(session, Document, docs.document(community, author=author))
    moderator = session.merge(member(make, community, Role.MODERATOR))
    dormant = session.merge(member(make, community, Role.MODERATOR, two_factor=False))
    assert can(moderator, Action.EDIT, document)
    assert not can(dormant, Action.EDIT, document)
    assert offers(dormant, Action.EDIT, document)
    with pytest.raises(TwoFactorNeeded):
        require(dormant, Action.EDIT, document)


def test_an_author_who_left_the_community_no_longer_edits_their_item(make, community, docs, session):
    author = member(make, community, Role.READER)  # readers may not contribute
    document = fresh(session, Document, docs.document(community, author=member(make, community)))
    document.created_by_id = author.id
    assert not can(session.merge(author), Action.EDIT, document)


def test_an_outsider_cannot_even_see_an_item_of_a_private_community(make, docs, session):
    private = make.community("Hidden", visibility=Visibility.PRIVATE, managers=[make.user(two_factor=True)])
    document = fresh(session, Document, docs.document(private, author=member(make, private)))
    with pytest.raises(NotFound):
        require(session.merge(make.user()), Action.EDIT, document)


# Lowering a marking -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "two_factor", "allowed"),
    [
        (Role.MEMBER, True, False),
        (Role.MODERATOR, True, True),
        (Role.MANAGER, True, True),
        (Role.MODERATOR, False, False),
    ],
)
def test_lowering_a_marking_needs_a_moderator_with_two_factor(
    make, community, wiki, session, role, two_factor, allowed
):
    page = wiki.page(community, "Source notes", marking=Marking.OFFICIAL_SENSITIVE)
    user = session.merge(member(make, community, role, two_factor=two_factor))
    assert can(user, Action.LOWER_MARKING, fresh(session, WikiPage, page)) is allowed


def test_a_member_is_refused_lowering_a_documents_marking_with_the_librarys_words(
    make, community, docs, session
):
    author = member(make, community)
    document = docs.document(community, author=author, marking=Marking.OFFICIAL_SENSITIVE)
    with pytest.raises(ValidationError) as refused, transaction(session):
        services.update_details(
            session,
            session.merge(author),
            session.get(Document, document.id),
            services.Details("Rolling schedule", "", "", Marking.OFFICIAL),
        )
    assert refused.value.field_errors == {"marking": "Only moderators and managers can lower a marking"}


def test_a_moderator_still_to_set_up_two_factor_is_told_so_on_the_marking(make, community, wiki, session):
    page = wiki.page(community, "Source notes", marking=Marking.OFFICIAL_SENSITIVE)
    dormant = member(make, community, Role.MODERATOR, two_factor=False)
    edit = wiki_services.Edit(body="Lowered.\n", marking=Marking.OFFICIAL, base_number=page.head_number)
    with pytest.raises(ValidationError) as refused, transaction(session):
        wiki_services.save_edit(session, session.merge(dormant), session.get(WikiPage, page.id), edit)
    assert "two-factor" in refused.value.field_errors["marking"]


# Restore within the window ------------------------------------------------------------------------


def deleted_document(docs, session, community, author, *, ago: timedelta) -> Document:
    document = docs.document(community, author=author)
    with transaction(session):
        binned = session.get(Document, document.id)
        docs_bin.delete_document(session, session.merge(author), binned)
        binned.deleted_at = utcnow() - ago
    return fresh(session, Document, document)


def test_a_manager_restores_within_the_window_and_not_after(make, community, docs, session):
    author = member(make, community)
    manager = session.merge(member(make, community, Role.MANAGER))
    recent = deleted_document(docs, session, community, author, ago=RESTORE_WINDOW - timedelta(minutes=5))
    old = deleted_document(docs, session, community, author, ago=RESTORE_WINDOW + timedelta(minutes=5))
    manager = session.merge(manager)
    assert can(manager, Action.RESTORE, recent)
    assert not can(manager, Action.RESTORE, old)
    with pytest.raises(ValidationError, match=f"restored for {RESTORE_DAYS} days"), transaction(session):
        docs_bin.restore_document(session, manager, session.get(Document, old.id))
    with transaction(session):
        docs_bin.restore_document(session, session.merge(manager), session.get(Document, recent.id))
    assert not fresh(session, Document, recent).is_deleted


@pytest.mark.parametrize("role", [Role.MEMBER, Role.MODERATOR])
def test_only_managers_restore(make, community, docs, session, role):
    author = member(make, community)
    document = deleted_document(docs, session, community, author, ago=timedelta(days=1))
    user = session.merge(member(make, community, role))
    assert not can(user, Action.RESTORE, document)
    with pytest.raises(Forbidden):
        require(user, Action.RESTORE, document)


def test_an_item_that_was_never_deleted_is_not_restorable(make, community, wiki, session):
    manager = session.merge(member(make, community, Role.MANAGER))
    assert not can(manager, Action.RESTORE, fresh(session, WikiPage, wiki.page(community, "Alive")))


# The audit of need-to-know reads ------------------------------------------------------------------


def audit_count(session: Session, action: str) -> int:
    return session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0


def test_a_sensitive_read_writes_one_entry_named_by_the_kind(make, community, wiki, session):
    page = wiki.page(community, "Source notes", marking=Marking.OFFICIAL_SENSITIVE)
    reader = member(make, community, Role.READER)
    with transaction(session):
        written = audit_sensitive_read(
            session, session.merge(reader), session.get(WikiPage, page.id), "wiki.page_read", ip="10.0.0.1"
        )
    assert written
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "wiki.page_read")).all()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (reader.id, "wiki.page", str(page.id))
    assert (entry.target_label, entry.community_id, entry.ip) == ("Source notes", community.id, "10.0.0.1")


def test_an_official_read_is_not_audited(make, community, docs, session):
    author = member(make, community)
    document = docs.document(community, author=author)
    with transaction(session):
        written = audit_sensitive_read(
            session, session.merge(author), session.get(Document, document.id), "docs.document_read", ip=""
        )
    assert not written
    assert audit_count(session, "docs.document_read") == 0


def test_the_read_helper_never_commits_so_a_rolled_back_request_leaves_no_entry(
    make, community, docs, session
):
    author = member(make, community)
    document = docs.document(community, author=author, marking=Marking.OFFICIAL_SENSITIVE)
    session.rollback()
    assert audit_sensitive_read(
        session,
        session.merge(author),
        session.get(Document, document.id),
        "docs.document_downloaded",
        ip="",
        part=Part("docs.version", 1, "v1"),
    )
    session.rollback()
    assert audit_count(session, "docs.document_downloaded") == 0


# One purge for every feature ------------------------------------------------------------------------


def test_the_daily_purge_removes_both_features_items_past_the_window_and_keeps_the_rest(
    app, make, community, wiki, docs, session
):
    moderator = member(make, community, Role.MODERATOR)
    old_page, new_page = wiki.page(community, "Old page"), wiki.page(community, "New page")
    old_doc, new_doc = (docs.document(community, title, author=moderator) for title in ("Old doc", "New doc"))
    with transaction(session):
        user = session.merge(moderator)
        for page in (old_page, new_page):
            pages.delete_page(session, user, session.get(WikiPage, page.id))
        for document in (old_doc, new_doc):
            docs_bin.delete_document(session, user, session.get(Document, document.id))
        for item in (session.get(WikiPage, old_page.id), session.get(Document, old_doc.id)):
            item.deleted_at = utcnow() - RESTORE_WINDOW - timedelta(minutes=1)
    with transaction(session):
        removed = purge_expired(session)
    assert removed == {
        "blog.post": 0,
        "docs.document": 1,
        "events.event": 0,
        "live.session": 0,
        "wiki.page": 1,
    }  # each feature says how many
    assert session.get(WikiPage, old_page.id) is None
    assert session.get(Document, old_doc.id) is None
    assert session.get(WikiPage, new_page.id).is_deleted
    assert session.get(Document, new_doc.id).is_deleted


def test_the_worker_runs_the_one_purge_daily(app, make, community, wiki, session):
    moderator = member(make, community, Role.MODERATOR)
    page = wiki.page(community, "Old page")
    with transaction(session):
        pages.delete_page(session, session.merge(moderator), session.get(WikiPage, page.id))
        session.get(WikiPage, page.id).deleted_at = utcnow() - RESTORE_WINDOW - timedelta(days=1)
    [task] = [
        task
        for task in app.extensions["polka.jobs"].idle_tasks
        if getattr(task, "name", "") == "remove deleted items past the restore window"
    ]
    assert task.interval == timedelta(hours=24).total_seconds()
    task.task()
    session.rollback()
    assert session.scalar(select(func.count()).where(WikiPage.id == page.id)) == 0
