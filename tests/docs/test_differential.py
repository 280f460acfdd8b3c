"""Differential test for the library: for random worlds and random changes, every way a document leaves
POLKA agrees with ``access.may_view`` — the SQL filter behind lists (``live_documents``), a library's
listing (built once for every reader), the search page's re-check of its hits, and the kind's resolver
behind ``[[doc:42]]`` and "where used"."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from polka.accounts.models import AccountStatus, User
from polka.communities.models import Community
from polka.db import utcnow
from polka.docs import access, folders
from polka.docs.folders import Sort
from polka.docs.kinds import DOCUMENT_KIND, resolve_documents
from polka.docs.models import Document, DocumentStatus
from polka.markings import Marking
from polka.permissions import Action, can
from polka.search.backend import Hit
from polka.site_search.service import recheck
from tests.permissions.test_differential import (
    PROFILE,
    USERS,
    build,
    community_index,
    mutate,
    mutation,
    world,
)

document_plan = st.lists(st.tuples(community_index, st.sampled_from(list(Marking))), min_size=1, max_size=5)
document_change = st.one_of(
    st.tuples(st.just("re-mark document"), st.integers(0, 20), st.sampled_from(list(Marking))),
    st.tuples(st.just("move document"), st.integers(0, 20), community_index),
    st.tuples(st.just("delete document"), st.integers(0, 20)),
    st.tuples(st.just("restore document"), st.integers(0, 20)),
)


def add_documents(session, communities, plan):
    for n, (c, marking) in enumerate(plan):
        community = communities[c % len(communities)]
        session.add(
            Document(
                community_id=community.id,
                title=f"Document {n}",
                marking=marking,
                status=DocumentStatus.DRAFT,
                head_number=1,
                size=1,
                family="text",
            )
        )
    session.flush()


def change_document(session, communities, step):
    kind, index, *args = step
    documents = list(session.scalars(select(Document).order_by(Document.id)))
    document = documents[index % len(documents)]
    if kind == "re-mark document":
        document.marking = args[0]
    elif kind == "move document":
        document.community = communities[args[0] % len(communities)]
    elif kind == "delete document":
        document.deleted_at = utcnow()
    else:
        document.deleted_at = None
    session.flush()


def assert_exits_agree(app, session, users, where):
    documents = list(session.scalars(select(Document)))
    ids = [d.id for d in documents]
    with app.test_request_context("/"):
        for user in [*users, None]:
            who = f"{where}: user {user.id if user else 'anonymous'}"
            listed = set(session.scalars(select(Document.id).where(access.live_documents(user))))
            searched = {i for _, i in recheck(session, user, [Hit(DOCUMENT_KIND, i, 1.0, "") for i in ids])}
            linked = set(resolve_documents(session, user, ids))
            shelved = {
                document.id
                for community in session.scalars(select(Community))
                if can(user, Action.READ, community)
                for document in folders.list_folder(session, user, community, None, Sort.NAME).documents.items
            }
            for document in documents:
                allowed = access.may_view(user, document)
                assert allowed == (document.id in listed), f"{who}, list, {document}"
                assert allowed == (document.id in searched), f"{who}, search, {document}"
                assert allowed == (document.id in linked), f"{who}, link, {document}"
                assert allowed == (document.id in shelved), f"{who}, library, {document}"


@PROFILE
@given(plan=world, documents=document_plan, steps=st.lists(st.one_of(document_change, mutation), max_size=6))
def test_every_exit_agrees_with_may_view_after_random_changes(app, make, session, plan, documents, steps):
    users = getattr(session, "_differential_users", None)
    if users is None:
        users = [make.user(f"Person {n}") for n in range(USERS)]
        session._differential_users = users
    session.rollback()
    try:
        users = [session.get(User, u.id) for u in users]
        communities = build(session, users, plan)
        users[0].status = AccountStatus.ACTIVE  # someone is always signed in and able to read
        users[0].email_verified_at = users[0].created_at
        add_documents(session, communities, documents)
        assert_exits_agree(app, session, users, "as built")
        for n, step in enumerate(steps):
            if step[0].endswith(" document"):
                change_document(session, communities, step)
            else:  # memberships, roles, visibility, status, suspended accounts
                mutate(session, users, communities, step)
            session.expire_all()
            assert_exits_agree(app, session, users, f"after {step} (step {n})")
    finally:
        session.rollback()
