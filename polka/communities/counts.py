"""Each community's member count, kept on its row so the pages that show it (the communities index, a
community's home page) read it instead of counting memberships on every view.

The count is derived data: ``count_members`` moves it in the same transaction as the membership it
counts (so a rolled-back join leaves it as it was), and ``recount_members`` (``polka communities
recount``) rebuilds every count from the memberships. It is the same for everyone who may see the
community (a number of people, not of things some readers may not see), so it needs no trimming.
"""

from __future__ import annotations

from sqlalchemy import ScalarSelect, func, select, update
from sqlalchemy.orm import Session

from polka.communities.models import Community, Membership


def count_members(session: Session, community_id: int, change: int) -> None:
    """Add ``change`` (1 or -1) to a community's member count, in the transaction of the change.

    An increment in SQL rather than a recount: on PostgreSQL two members joining at once each add one
    (the row lock orders them), where each recount would miss the other's uncommitted row."""
    session.execute(
        update(Community)
        .where(Community.id == community_id)
        .values(member_count=Community.member_count + change)
        .execution_options(synchronize_session="evaluate")
    )


def counted_members() -> ScalarSelect[int]:
    """How many memberships the community in the enclosing query has, counted afresh."""
    return (
        select(func.count(Membership.id))
        .where(Membership.community_id == Community.id)
        .correlate(Community)
        .scalar_subquery()
    )


def recount_members(session: Session) -> int:
    """Set every community's member count from its memberships; return how many were wrong."""
    wrong = session.scalar(
        select(func.count()).select_from(Community).where(Community.member_count != counted_members())
    )
    session.execute(
        update(Community).values(member_count=counted_members()).execution_options(synchronize_session=False)
    )
    session.expire_all()
    return int(wrong or 0)
