"""Reaching a community's question sessions through the permission policy, and what each part in a
session lets someone do. Every "may this user…" question about live sessions is answered here, for
views, templates and services alike.

- A session is seen by whoever the policy lets see it (its community and marking), while it is not
  deleted; its approved questions and the panel's answers with it.
- Members of its community ask questions and vote for approved ones (not their own), unless a
  moderator barred them from the session: before it opens when the session takes questions in advance,
  and while it is open. A closed session is its transcript.
- Its moderators approve, edit, merge and reject questions and bar participants: the people named as
  its moderators (while they are members of the community) and the community's moderators. Like every
  moderation power, it needs two-factor authentication.
- Its panel (named members) answers approved questions, during the session or after it; the panel and
  the moderators say which question is being answered now.
- Its organiser (who scheduled it, while a member) and the community's moderators change its details,
  close it early and delete it (``EDIT`` in the policy).
"""

from __future__ import annotations

import enum
from datetime import datetime
from functools import cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload, selectinload

from polka.accounts.models import User
from polka.communities.models import Community
from polka.db import utcnow
from polka.errors import NotFound, TwoFactorNeeded
from polka.live.models import LiveParticipant, LiveRole, LiveSession, Part
from polka.permissions import Action, can, offers, require
from polka.templating import uk_datetime


class State(enum.StrEnum):
    SCHEDULED = "scheduled"  # not open yet
    OPEN = "open"  # taking questions, the panel answering
    CLOSED = "closed"  # its transcript

    @property
    def label(self) -> str:
        return {"scheduled": "Not started", "open": "Live now", "closed": "Closed"}[self.value]


def state(live: LiveSession, now: datetime | None = None) -> State:
    at = now or utcnow()
    if at >= live.closes_at:
        return State.CLOSED
    return State.SCHEDULED if at < live.opens_at else State.OPEN


def get_live(session: Session, user: User | None, community: Community, live_id: int) -> LiveSession:
    """The undeleted session ``live_id`` of ``community`` if the user may see it; ``NotFound`` (and an
    audited denial) otherwise."""
    require(user, Action.READ, community)
    live = session.scalar(_live_by_id(), {"live_id": live_id})
    if live is None or live.community_id != community.id or live.is_deleted:
        raise NotFound()
    require(user, Action.VIEW, live)
    return live


@cache
def _live_by_id() -> Select[LiveSession]:
    """A session with its community and the people named in it: built once, a request binds its id."""
    return (
        select(LiveSession)
        .where(LiveSession.id == bindparam("live_id"))
        .options(joinedload(LiveSession.community), selectinload(LiveSession.named).joinedload(LiveRole.user))
    )


def named(live: LiveSession, part: Part) -> list[User]:
    """The people named in ``live`` as ``part``, in the order they were named."""
    return [role.user for role in live.named if role.part is part]


def _is_named(user: User | None, live: LiveSession, part: Part) -> bool:
    return (
        user is not None
        and any(role.user_id == user.id and role.part is part for role in live.named)
        and can(user, Action.CONTRIBUTE, live.community)
    )


def is_panel(user: User | None, live: LiveSession) -> bool:
    """Whether ``user`` answers questions in ``live``: named on its panel, and a member."""
    return _is_named(user, live, Part.PANEL)


def may_moderate(user: User | None, live: LiveSession) -> bool:
    """Whether ``user`` moderates ``live``'s questions now (two-factor authentication set up)."""
    if not can(user, Action.VIEW, live):
        return False
    if can(user, Action.MODERATE, live.community):
        return True
    return _is_named(user, live, Part.MODERATOR) and user is not None and user.has_two_factor


def offers_moderation(user: User | None, live: LiveSession) -> bool:
    """Whether pages offer ``user`` the session's moderation (they lack at most two-factor set-up)."""
    return can(user, Action.VIEW, live) and (
        offers(user, Action.MODERATE, live.community) or _is_named(user, live, Part.MODERATOR)
    )


def require_moderate(user: User | None, live: LiveSession) -> None:
    """Raise unless ``user`` moderates ``live``: sent to set up two-factor authentication when that is
    all they lack, else refused as the policy refuses."""
    if may_moderate(user, live):
        return
    if offers_moderation(user, live):
        raise TwoFactorNeeded()
    require(user, Action.VIEW, live)
    require(user, Action.MODERATE, live.community)


def may_set_answering(user: User | None, live: LiveSession) -> bool:
    """Whether ``user`` says which question is being answered now: the panel and the moderators."""
    return is_panel(user, live) or may_moderate(user, live)


def may_manage(user: User | None, live: LiveSession) -> bool:
    """Whether ``user`` changes ``live``'s details, closes it early or deletes it: its organiser while a
    member, and the community's moderators."""
    return can(user, Action.EDIT, live)


def may_schedule(user: User | None, community: Community) -> bool:
    return can(user, Action.CONTRIBUTE, community)


def take_part_refusal(
    user: User | None, live: LiveSession, participant: LiveParticipant | None
) -> str | None:
    """Why ``user`` may not ask questions in ``live`` or vote for them now (None: they may)."""
    if not can(user, Action.VIEW, live) or not can(user, Action.CONTRIBUTE, live.community):
        return f"Only members of {live.community.name} can take part. Join the community to ask and vote."
    if participant is not None and participant.barred:
        return "A moderator has stopped you taking part in this session. You can still follow it here."
    now_state = state(live)
    if now_state is State.CLOSED:
        return "This session has closed: it no longer takes questions or votes."
    if now_state is State.SCHEDULED and not live.advance_questions:
        return f"Questions open when the session starts, at {uk_datetime(live.opens_at)}."
    return None
