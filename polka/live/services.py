"""Scheduling a question session: its details, its panel and moderators, its times, the event it is
held at; changing them, closing a session early, deleting it.

Times are typed as the clock in London shows them (a date, an opening and a closing time) and kept as
UTC moments. The event a session is held at is named by its address (or ``event:42``) and checked
through the events' content kind, so only an event of the same community that the organiser may see
is taken; the event's page then lists the session among what links to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Community, Membership, Role
from polka.content import bin
from polka.content.kinds import resolve
from polka.content.rules import check_marking_change
from polka.crossrefs.services import parse_target, set_links
from polka.db import utcnow
from polka.errors import Conflict, ValidationError
from polka.forms import has_control_characters
from polka.live import access
from polka.live.kinds import SESSION_KIND
from polka.live.models import (
    DESCRIPTION_MAX,
    LONGEST_HOURS,
    NAMED_MAX,
    TITLE_MAX,
    LiveRole,
    LiveSession,
    Part,
)
from polka.live.search import reindex_session
from polka.live.versions import public_change
from polka.localtime import DEFAULT_ZONE, timed
from polka.markings import Marking, check_within_ceiling
from polka.markup import check_markdown
from polka.notifications.announce import Notice, announce
from polka.permissions import Action, require
from polka.text import check_line, check_text

EVENT_KIND = "events.event"
_EVENT_ADDRESS = re.compile(r"/c/[^/\s]+/events/([1-9][0-9]{0,9})(?:[/?#]\S*)?")
_HANDLE = re.compile(r"[@,;\s]+")


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


@dataclass(frozen=True)
class SessionFields:
    """A session's details as typed into its form."""

    title: str
    date: str
    opens: str
    closes: str
    description: str = ""
    #: handles, separated by commas, spaces or lines ("@ruth.adeyemi, @ian.fraser")
    panel: str = ""
    moderators: str = ""
    #: the event's address, or ``event:42`` ("" for none)
    event: str = ""
    marking: Marking = Marking.OFFICIAL
    advance_questions: bool = True
    anonymous_allowed: bool = False


@dataclass(frozen=True)
class Checked:
    title: str
    description: str
    opens_at: datetime
    closes_at: datetime
    panel: list[User]
    moderators: list[User]
    event_id: int | None
    marking: Marking
    advance_questions: bool
    anonymous_allowed: bool


def _check_times(fields: SessionFields) -> tuple[datetime, datetime]:
    if not fields.opens.strip():
        raise _refused("opens", "Enter the time it opens, for example 10:00")
    if not fields.closes.strip():
        raise _refused("closes", "Enter the time it closes, for example 11:30")
    try:
        when = timed(fields.date, fields.opens, "", fields.closes, DEFAULT_ZONE)
    except ValidationError as error:  # localtime names the fields of an event: these are the session's
        renamed = {"start_date": "date", "start_time": "opens", "end_time": "closes", "end_date": "date"}
        fields_said = {renamed.get(field, field): said for field, said in error.field_errors.items()}
        raise ValidationError(str(error), fields_said) from None
    if when.duration > timedelta(hours=LONGEST_HOURS):
        raise _refused("closes", f"A session can run for {LONGEST_HOURS} hours at most")
    return when.start.utc(), when.end.utc()


def _check_people(session: Session, community: Community, field: str, written: str) -> list[User]:
    """The members named by their handles in ``written``, in order, each once."""
    handles = list(dict.fromkeys(h.lower() for h in _HANDLE.split(written) if h))
    if len(handles) > NAMED_MAX:
        raise _refused(field, f"Name {NAMED_MAX} people at most")
    if not handles:
        return []
    found = {
        user.handle: (user, role)
        for user, role in session.execute(
            select(User, Membership.role)
            .join(Membership, (Membership.user_id == User.id) & (Membership.community_id == community.id))
            .where(User.handle.in_(handles))
        )
    }
    missing = [h for h in handles if h not in found or not found[h][1].at_least(Role.MEMBER)]
    missing += [h for h in handles if h in found and not found[h][0].is_active_account and h not in missing]
    if missing:
        names = ", ".join(f"@{h}" for h in missing)
        raise _refused(
            field,
            f"{names} {'is not a member' if len(missing) == 1 else 'are not members'} "
            f"of {community.name}: everyone named must be one",
        )
    return [found[h][0] for h in handles]


def _check_event(session: Session, user: User, community: Community, written: str) -> int | None:
    """The event named by its address (or ``event:42``), if it is one of ``community``'s that ``user``
    may see."""
    written = written.strip()
    if not written:
        return None
    address = _EVENT_ADDRESS.search(written)
    target = (EVENT_KIND, int(address.group(1))) if address else parse_target(written)
    message = "Paste the address of one of this community’s events, from the event’s page"
    if target is None or target[0] != EVENT_KIND:
        raise _refused("event", message)
    shown = resolve(session, user, EVENT_KIND, target[1])
    if shown is None or shown.community_id != community.id:
        raise _refused("event", message)
    return shown.id


def check(session: Session, user: User, community: Community, fields: SessionFields) -> Checked:
    """Every field of a session, checked in the order the form shows them."""
    title = check_line("title", fields.title, TITLE_MAX, "a title", required=True)
    description = check_text(
        "description", fields.description.replace("\r\n", "\n"), DESCRIPTION_MAX, "the description"
    )
    if has_control_characters(description, multiline=True):
        raise _refused("description", "The description contains characters that cannot be stored")
    check_markdown(description, "description")
    opens_at, closes_at = _check_times(fields)
    panel = _check_people(session, community, "panel", fields.panel)
    moderators = _check_people(session, community, "moderators", fields.moderators)
    event_id = _check_event(session, user, community, fields.event)
    check_within_ceiling(fields.marking, community.marking_ceiling)
    return Checked(
        title=title,
        description=description,
        opens_at=opens_at,
        closes_at=closes_at,
        panel=panel,
        moderators=moderators,
        event_id=event_id,
        marking=fields.marking,
        advance_questions=fields.advance_questions,
        anonymous_allowed=fields.anonymous_allowed,
    )


def _name(live: LiveSession, checked: Checked) -> None:
    """Name the panel and the moderators as checked, replacing whoever was named before."""
    live.named = [
        LiveRole(user_id=person.id, part=part, position=position)
        for part, people in ((Part.PANEL, checked.panel), (Part.MODERATOR, checked.moderators))
        for position, person in enumerate(people)
    ]


def _place(live: LiveSession, checked: Checked) -> None:
    live.title, live.description = checked.title, checked.description
    live.opens_at, live.closes_at = checked.opens_at, checked.closes_at
    live.event_id, live.marking = checked.event_id, checked.marking
    live.advance_questions, live.anonymous_allowed = checked.advance_questions, checked.anonymous_allowed
    _name(live, checked)


def _linked(session: Session, live: LiveSession) -> None:
    set_links(session, SESSION_KIND, live.id, [(EVENT_KIND, live.event_id)] if live.event_id else [])


def create_session(session: Session, user: User, community: Community, fields: SessionFields) -> LiveSession:
    """A new session in ``community``, organised by ``user``; the community's followers are told."""
    require(user, Action.CONTRIBUTE, community)
    checked = check(session, user, community, fields)
    if checked.closes_at <= utcnow():
        raise _refused("closes", "That time has passed: a new session must close in the future")
    now = utcnow()
    live = LiveSession(
        community=community,
        community_id=community.id,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
        updated_by_id=user.id,
    )
    _place(live, checked)
    session.add(live)
    session.flush()
    _linked(session, live)
    reindex_session(session, live)
    record_activity(session, user, "scheduled", community, target_kind=SESSION_KIND, target_id=live.id)
    announce(
        session,
        Notice(
            kind=SESSION_KIND,
            object_id=live.id,
            verb="scheduled",
            actor=user,
            community=community,
            marking=live.marking,
            followed=((COMMUNITY_KIND, community.id),),
        ),
    )
    return live


def edit_session(session: Session, user: User, live: LiveSession, fields: SessionFields) -> LiveSession:
    """Change a session's details (its organiser, the community's moderators)."""
    require(user, Action.EDIT, live)
    public_change(session, live)
    checked = check(session, user, live.community, fields)
    check_marking_change(
        user, live, checked.marking, "Only the community's moderators can give a session a lower marking"
    )
    _place(live, checked)
    if live.opens_at > utcnow():
        live.opening_told_at = None  # moved later: its followers are told when it opens then
    live.updated_at, live.updated_by_id = utcnow(), user.id
    session.flush()
    _linked(session, live)
    reindex_session(session, live)
    return live


def close_now(session: Session, user: User, live: LiveSession) -> None:
    """Close an open session before its time (its organiser, its moderators): it becomes its transcript."""
    if not access.may_manage(user, live):
        access.require_moderate(user, live)
    public_change(session, live)
    now = utcnow()
    if live.closes_at <= now:
        raise Conflict("This session has already closed.")
    live.closes_at, live.opens_at = now, min(now, live.opens_at)
    live.answering_id = None
    session.flush()


def delete_session(session: Session, user: User, live: LiveSession) -> None:
    """Delete softly (restorable by the community's managers within the restore window)."""
    require(user, Action.EDIT, live)
    public_change(session, live)
    live.deleted_at, live.deleted_by_id = utcnow(), user.id
    session.flush()
    reindex_session(session, live)


def restore_session(session: Session, user: User, live: LiveSession) -> None:
    """Put a deleted session back, with its questions and answers (the community's managers)."""
    bin.restore(session, user, live, "Question sessions")
    public_change(session, live)
    reindex_session(session, live)
    record_activity(session, user, "restored", live.community, target_kind=SESSION_KIND, target_id=live.id)
