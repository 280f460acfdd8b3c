"""Each community's member count, kept on its row: shown by the index and the home page without
counting, moved in the transaction of the change, and rebuilt from the memberships on demand."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, update

from polka.communities.counts import recount_members
from polka.communities.membership import leave
from polka.communities.models import Community, Membership, Role
from polka.communities.services import add_member
from polka.db import transaction
from tests.support import fail_after, statements_run, text

#: a statement counting a community's memberships, as the pages did before they kept the count
MEMBERS_COUNTED = re.compile(
    r"count\(\*\) AS count_1\s+FROM community_memberships|count\(community_memberships\.id\)"
)


def _counted(session, community_id):
    """The member count as the memberships say (what the kept count must equal), read afresh."""
    session.rollback()
    return session.scalar(select(func.count()).where(Membership.community_id == community_id))


def _kept(session, community_id):
    """The member count kept on the community's row, read afresh."""
    session.rollback()
    return session.scalar(select(Community.member_count).where(Community.id == community_id))


def test_joining_shows_on_the_index_and_the_home_page_at_once(web, login, make):
    community = make.community("Open Door", managers=[make.user()])
    login.as_new_user()
    assert "1 member" in text(web.get("/c/"))
    assert web.post(f"/c/{community.slug}/join").status_code == 302
    assert "2 members" in text(web.get("/c/"))
    assert "2 members" in text(web.get(f"/c/{community.slug}/"))


def test_leaving_shows_on_the_index_and_the_home_page_at_once(web, login, make):
    community = make.community("Open Door", managers=[make.user()])
    login.as_member(community)
    assert "2 members" in text(web.get(f"/c/{community.slug}/"))
    assert web.post(f"/c/{community.slug}/leave").status_code == 302
    assert "1 member" in text(web.get(f"/c/{community.slug}/"))
    assert "1 member" in text(web.get("/c/"))


def test_a_manager_removing_someone_moves_the_count(web, login, make, session):
    community = make.community("Open Door")
    target = make.member(community)
    login.as_manager(community)
    membership_id = session.scalar(
        select(Membership.id).where(Membership.community_id == community.id, Membership.user_id == target.id)
    )
    assert web.post(f"/c/{community.slug}/members/{membership_id}/remove").status_code == 302
    assert _kept(session, community.id) == _counted(session, community.id) == 1


def test_a_rolled_back_join_leaves_the_count_as_it_was(make, session):
    community = make.community("Open Door", managers=[make.user()])
    newcomer = make.user()
    inside: list[int | None] = []

    def join() -> None:
        add_member(session, community, newcomer)
        inside.append(session.scalar(select(Community.member_count).where(Community.id == community.id)))

    with pytest.raises(RuntimeError):
        fail_after(session, join)
    assert inside == [2]  # moved inside the transaction …
    assert _kept(session, community.id) == _counted(session, community.id) == 1  # … and back with it


def test_a_rolled_back_leave_leaves_the_count_as_it_was(make, session):
    community = make.community("Open Door", managers=[make.user()])
    member = make.member(community)
    with pytest.raises(RuntimeError):
        fail_after(session, lambda: leave(session, member, community))
    assert _kept(session, community.id) == _counted(session, community.id) == 2


def test_recount_rebuilds_every_count_from_the_memberships(make, session, runner):
    first = make.community("First", managers=[make.user()])
    second = make.community("Second", managers=[make.user(), make.user()])
    make.member(second)
    empty = make.community("Empty")
    ids = [c.id for c in (first, second, empty)]
    truth = {i: _counted(session, i) for i in ids}
    with transaction(session):
        session.execute(update(Community).values(member_count=99))
    result = runner.invoke(args=["communities", "recount"])
    assert result.exit_code == 0, result.output
    assert "3 were wrong" in result.output
    assert {i: _kept(session, i) for i in ids} == truth == dict(zip(ids, (1, 3, 0), strict=True))


def test_recount_of_right_counts_changes_nothing(make, session):
    community = make.community("Open Door", managers=[make.user()])
    make.member(community)
    with transaction(session):
        assert recount_members(session) == 0
    assert _kept(session, community.id) == 2


def test_the_index_and_home_page_do_not_count_memberships(web, login, make, app):
    community = make.community("Open Door", managers=[make.user()])
    login.as_new_user()
    with statements_run(app) as seen:
        web.get("/c/")
        web.get(f"/c/{community.slug}/")
    counting = [s for s in seen if MEMBERS_COUNTED.search(s)]
    assert counting == []


def test_readers_count_as_members_as_before(web, login, make):
    community = make.community("Open Door", managers=[make.user()])
    make.member(community, role=Role.READER)
    login.as_new_user()
    assert "2 members" in text(web.get(f"/c/{community.slug}/"))
    login.as_member(community)
    assert "3 members" in text(web.get(f"/c/{community.slug}/"))
