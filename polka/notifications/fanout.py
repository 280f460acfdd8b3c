"""Fanning a notice out: who it concerns, one notification each, and the emails wanted at once.

Runs in the worker (``FAN_OUT_JOB``), never in the request that made the change. The people told are
those the notice is addressed to, those it mentions, the followers of what it names and, when it says
so, the members of its community — each once, for the most specific reason, never the actor — and
only those who may see it now: the few addressed are asked of the kind's resolver, the many followers
and members are chosen by the one policy's ``viewers_filter``. Each is checked again through the kind's
resolver when the notification is shown or emailed, so a change of access between now and then still
counts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, and_, insert, or_, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Membership
from polka.content.kinds import resolve
from polka.db import utcnow
from polka.jobs.services import PermanentJobError, enqueue_many
from polka.markings import Marking
from polka.notifications.announce import EMAIL_JOB
from polka.notifications.models import Notification
from polka.notifications.preferences import wanting
from polka.notifications.reasons import PRECEDENCE, Frequency, Reason
from polka.permissions import viewers_filter
from polka.subscriptions.models import Subscription

#: How many people one statement names at most (SQLite allows 32,766 parameters).
CHUNK = 1000


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def fan_out(session: Session, payload: dict[str, Any]) -> None:
    """The job handler: tell the notice in ``payload`` (``Notice.payload``) to everyone it concerns."""
    try:
        recipients = _recipients(session, payload)
    except (KeyError, TypeError, ValueError) as exc:
        raise PermanentJobError(f"the notice cannot be told: {exc}") from exc
    if not recipients:
        return
    now = utcnow()
    emailed = payload.get("emailed", True)
    place = payload.get("place") or (None, None)
    rows = [
        {
            "user_id": user_id,
            "reason": reason,
            "kind": payload["kind"],
            "object_id": payload["object_id"],
            "place_kind": place[0],
            "place_id": place[1],
            "since": payload.get("since"),
            "verb": payload["verb"],
            "actor_id": payload.get("actor_id"),
            "community_id": payload.get("community_id"),
            "note": payload.get("note") or "",
            "created_at": now,
            "emailed_at": None if emailed else now,
        }
        for user_id, reason in recipients.items()
    ]
    made = session.execute(insert(Notification).returning(Notification.id, Notification.user_id), rows).all()
    ids = sorted(recipients)
    for part in chunks(ids):
        session.execute(
            update(User)
            .where(User.id.in_(part))
            .values(unread_notifications=User.unread_notifications + 1)
            .execution_options(synchronize_session=False)
        )
    if emailed:
        _queue_immediate_emails(session, recipients, {user_id: made_id for made_id, user_id in made})


def _queue_immediate_emails(session: Session, recipients: dict[int, Reason], made: dict[int, int]) -> None:
    by_reason: dict[Reason, list[int]] = {}
    for user_id, reason in recipients.items():
        by_reason.setdefault(reason, []).append(user_id)
    payloads = [
        {"ids": [made[user_id]]}
        for reason, user_ids in sorted(by_reason.items())
        for part in chunks(sorted(user_ids))
        for user_id in wanting(session, part, reason, Frequency.IMMEDIATELY)
    ]
    enqueue_many(session, EMAIL_JOB, payloads, max_attempts=8)


def _recipients(session: Session, payload: dict[str, Any]) -> dict[int, Reason]:
    """Everyone the notice concerns who may see it now, each with the most specific reason.

    The few it is addressed to (and those mentioned) are each asked of the kind's resolver, which
    knows every rule of the object; followers and members, who may be thousands, are chosen in one
    statement by the policy's rule for an item of the notice's marking in its community.
    """
    community_id = payload.get("community_id")
    community = session.get(Community, community_id) if community_id is not None else None
    if community_id is not None and community is None:
        return {}  # the community is gone, and everything in it
    found: dict[int, list[Reason]] = {}
    addressed: dict[int, list[Reason]] = {}
    for user_id, reason in payload.get("to") or []:
        addressed.setdefault(int(user_id), []).append(Reason(reason))
    mentioned = [str(handle) for handle in payload.get("mentioned") or []]
    if mentioned:
        for user_id in session.scalars(select(User.id).where(User.handle.in_(mentioned))):
            addressed.setdefault(user_id, []).append(Reason.MENTION)
    for user in session.scalars(select(User).where(User.id.in_(sorted(addressed)))) if addressed else []:
        if _sees(session, user, payload):
            found[user.id] = addressed[user.id]
    viewers = viewers_filter(community, Marking(payload["marking"]))

    def add(among: Select[Any], reason: Reason) -> None:
        for user_id in session.scalars(select(User.id).where(User.id.in_(among), viewers)):
            found.setdefault(user_id, []).append(reason)

    followed = [
        and_(Subscription.kind == kind, Subscription.object_id == int(i))
        for kind, i in payload.get("followed") or []
    ]
    if followed:
        add(select(Subscription.user_id).where(or_(*followed)), Reason.FOLLOWED)
    if payload.get("members") and community is not None:
        add(
            select(Membership.user_id).where(Membership.community_id == community.id),
            Reason(payload["members"]),
        )
    found.pop(payload.get("actor_id"), None)  # type: ignore[arg-type]
    return {user_id: min(reasons, key=PRECEDENCE.index) for user_id, reasons in found.items()}


def _sees(session: Session, user: User, payload: dict[str, Any]) -> bool:
    """Whether ``user`` may see the notice's object (and its exact place) now."""
    if resolve(session, user, payload["kind"], int(payload["object_id"])) is None:
        return False
    place = payload.get("place")
    return not place or resolve(session, user, place[0], int(place[1])) is not None
