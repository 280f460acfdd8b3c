"""Small helpers for the community tests: read the database as the web requests left it."""

from __future__ import annotations

from sqlalchemy import select

from polka.activity.models import Activity
from polka.audit.models import AuditEntry
from polka.communities.models import Membership


def membership_of(session, community, user):
    session.rollback()  # end the read snapshot so the web request's commits are seen
    return session.scalar(
        select(Membership).where(Membership.community_id == community.id, Membership.user_id == user.id)
    )


def audited(session, action):
    session.rollback()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def activity_verbs(session, community):
    session.rollback()
    return [a.verb for a in session.scalars(select(Activity).where(Activity.community_id == community.id))]
