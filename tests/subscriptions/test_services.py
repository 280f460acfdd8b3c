"""Following and no longer following at the service level: every kind, and only what the user may see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from polka.communities import membership
from polka.db import transaction, utcnow
from polka.docs import bin as docs_bin
from polka.docs import folders
from polka.docs.models import Document, Folder
from polka.errors import NotFound
from polka.subscriptions import services
from polka.subscriptions.models import Subscription
from polka.wiki import pages
from polka.wiki.models import WikiPage
from tests.subscriptions.conftest import KINDS

pytestmark = pytest.mark.usefixtures("requested")


def stored(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Subscription)) or 0


def follow(session, user, kind, object_id):
    with transaction(session):
        return services.follow(session, session.merge(user), kind, object_id)


@pytest.mark.parametrize("kind", KINDS)
def test_a_member_follows_each_kind_and_stops(session, estate, kind):
    object_id = estate.open.objects[kind]
    shown = follow(session, estate.member, kind, object_id)
    assert (shown.kind, shown.id) == (kind, object_id)
    assert services.is_following(session, estate.member, kind, object_id)
    assert services.followers(session, kind, object_id) == [estate.member.id]
    with transaction(session):
        assert services.unfollow(session, estate.member, kind, object_id)
    assert not services.is_following(session, estate.member, kind, object_id)
    assert services.followers(session, kind, object_id) == []
    assert stored(session) == 0


@pytest.mark.parametrize("kind", KINDS)
def test_following_twice_is_one_subscription(session, estate, kind):
    object_id = estate.open.objects[kind]
    follow(session, estate.member, kind, object_id)
    follow(session, estate.member, kind, object_id)
    assert stored(session) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_a_private_communitys_things_cannot_be_followed_by_outsiders(session, estate, kind):
    object_id = estate.private.objects[kind]
    for user in (estate.outsider, estate.member):
        with pytest.raises(NotFound):
            follow(session, user, kind, object_id)
    assert stored(session) == 0
    follow(session, estate.insider, kind, object_id)
    assert stored(session) == 1


@pytest.mark.parametrize("kind", ["wiki.page", "docs.document"])
def test_official_sensitive_items_are_followed_only_by_their_communitys_members(session, estate, kind):
    object_id = estate.sensitive[kind]
    with pytest.raises(NotFound):
        follow(session, estate.outsider, kind, object_id)
    assert stored(session) == 0
    follow(session, estate.member, kind, object_id)
    assert services.followers(session, kind, object_id) == [estate.member.id]


def test_a_reader_of_an_open_community_who_is_not_a_member_may_watch(session, make, estate):
    """(Was the wiki's own watch test: the wiki's watching is now this service.)"""
    visitor = make.user("Visitor")
    follow(session, visitor, "wiki.page", estate.open.objects["wiki.page"])
    assert services.is_following(session, visitor, "wiki.page", estate.open.objects["wiki.page"])


@pytest.mark.parametrize(
    ("kind", "object_id"), [("wiki.page", 999_999), ("no.such", 1), ("docs.folder", 999_999)]
)
def test_what_does_not_exist_is_not_found_like_what_is_hidden(session, estate, kind, object_id):
    with pytest.raises(NotFound):
        follow(session, estate.member, kind, object_id)
    assert stored(session) == 0


def test_nobody_signed_in_follows_nothing(session, estate):
    with pytest.raises(NotFound), transaction(session):
        services.follow(session, None, "communities.community", estate.open.community.id)
    assert not services.is_following(session, None, "communities.community", estate.open.community.id)


def test_one_may_stop_following_what_one_may_no_longer_see(session, estate):
    page = estate.private.objects["wiki.page"]
    follow(session, estate.insider, "wiki.page", page)
    with transaction(session):
        insider = session.merge(estate.insider)
        membership.leave(session, insider, session.merge(estate.private.community))
    listed = services.my_subscriptions(session, session.merge(estate.insider))
    assert [(item.kind, item.shown) for item in listed.items] == [("wiki.page", None)]
    with transaction(session):
        assert services.unfollow(session, session.merge(estate.insider), "wiki.page", page)
    assert stored(session) == 0


def test_ones_list_is_grouped_by_kind_and_paged(session, estate):
    for kind in KINDS:
        follow(session, estate.member, kind, estate.open.objects[kind])
    follow(session, estate.member, "wiki.page", estate.sensitive["wiki.page"])
    first = services.my_subscriptions(session, session.merge(estate.member), 1, per_page=3)
    second = services.my_subscriptions(session, session.merge(estate.member), 2, per_page=3)
    assert (first.total, first.pages) == (5, 2)
    kinds = [item.kind for item in first.items + second.items]
    assert kinds == ["communities.community", "docs.document", "docs.folder", "wiki.page", "wiki.page"]
    # newest first within a kind
    assert [item.shown.title for item in second.items if item.shown] == ["Source handling", "Roads handbook"]
    headings = [heading for heading, _ in services.by_kind(first.items + second.items)]
    assert headings == ["Communities", "Documents", "Folders", "Wiki pages"]


def test_removing_someone_elses_subscription_is_not_found(session, estate):
    follow(session, estate.member, "communities.community", estate.open.community.id)
    mine = services.my_subscriptions(session, session.merge(estate.member)).items[0]
    with pytest.raises(NotFound), transaction(session):
        services.remove(session, session.merge(estate.outsider), mine.id)
    assert stored(session) == 1
    with transaction(session):
        gone = services.remove(session, session.merge(estate.member), mine.id)
    assert gone.shown is not None
    assert gone.shown.title == "Roads Policing"
    assert stored(session) == 0


def test_purged_pages_and_documents_and_removed_folders_take_their_subscriptions_with_them(session, estate):
    objects = estate.open.objects
    for kind in ("wiki.page", "docs.document", "docs.folder"):
        follow(session, estate.member, kind, objects[kind])
    with transaction(session):
        moderator = session.merge(estate.open.moderator)
        page = session.get(WikiPage, objects["wiki.page"])
        document = session.get(Document, objects["docs.document"])
        assert page is not None
        assert document is not None
        pages.delete_page(session, moderator, page)
        docs_bin.delete_document(session, moderator, document)
        folder = session.get(Folder, objects["docs.folder"])
        assert folder is not None
        folders.delete_folder(session, moderator, folder)
    assert services.followers(session, "docs.folder", objects["docs.folder"]) == []
    # still in the bin: restorable, so still followed
    assert services.followers(session, "wiki.page", objects["wiki.page"]) == [estate.member.id]
    with transaction(session):
        long_ago = utcnow() - timedelta(days=400)
        session.execute(
            update(WikiPage).where(WikiPage.id == objects["wiki.page"]).values(deleted_at=long_ago)
        )
        pages.purge_deleted(session)
        docs_bin.purge_expired(session, now=utcnow() + timedelta(days=400))
    assert services.followers(session, "wiki.page", objects["wiki.page"]) == []
    assert services.followers(session, "docs.document", objects["docs.document"]) == []
    assert stored(session) == 0
