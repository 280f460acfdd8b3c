"""The events' rules: creating an event or series, changing all of it, one occurrence, or this one and
the ones after (splitting the series), cancelling and deleting.

Services flush and never commit (one transaction per request). Everything typed is checked before
anything is written, each refusal a ``ValidationError`` naming its field, so the form shows it with what
was typed. Every change a subscribed calendar should take raises the event's ``sequence`` and says, in
``change_note``, what changed, for the attendees reading the event's page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.services import record_activity
from polka.communities.models import Community, Membership, Role
from polka.db import utcnow
from polka.errors import Conflict, ValidationError
from polka.events import access, attendance, notices
from polka.events.kinds import EVENT_KIND
from polka.events.models import (
    CANCEL_REASON_MAX,
    CAPACITY_MAX,
    CHANGE_NOTE_MAX,
    CONTACT_MAX,
    DESCRIPTION_MAX,
    LINK_MAX,
    LOCATION_MAX,
    TITLE_MAX,
    Event,
    EventAction,
    EventAnswer,
    EventChange,
    EventPaper,
    EventPlaces,
)
from polka.events.schedule import Occurrence, duration_of, in_window, occurrence_of
from polka.events.search import reindex_event
from polka.forms import has_control_characters
from polka.localtime import (
    DEFAULT_ZONE,
    Fold,
    LocalTime,
    When,
    all_day,
    parse_date,
    timed,
    zone,
)
from polka.markings import Marking, check_within_ceiling
from polka.markup import check_markdown
from polka.recurrence import Repeat, describe, last_reading, occurrences, produces, rule_for
from polka.text import check_line, check_text

_LINK = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
#: What is kept for each occurrence, by its original start: it follows the occurrence when the series
#: is re-timed or split.
PER_OCCURRENCE = (EventAnswer, EventPlaces, EventPaper, EventAction)


def _refused(field: str, message: str) -> ValidationError:
    return ValidationError(message, {field: message})


@dataclass(frozen=True)
class EventFields:
    """An event as its form sends it: text as typed, checked by ``check``."""

    title: str
    start_date: str
    start_time: str = ""
    end_date: str = ""
    end_time: str = ""
    all_day: bool = False
    zone: str = DEFAULT_ZONE
    #: which of two equal readings is meant, when the clocks go back (None: not said)
    start_fold: Fold | None = None
    end_fold: Fold | None = None
    repeat: Repeat = Repeat.NEVER
    #: "count" or "until": how a series ends
    repeat_end: str = "count"
    repeat_count: str = ""
    repeat_until: str = ""
    description: str = ""
    location: str = ""
    online_link: str = ""
    contact: str = ""
    #: "@handle" (or empty: whoever writes it)
    organiser: str = ""
    capacity: str = ""
    marking: Marking = Marking.OFFICIAL
    invitation_only: bool = False
    names_shown: bool = False
    minutes_taken: bool = False


@dataclass(frozen=True)
class Checked:
    """``EventFields`` checked: what is stored."""

    title: str
    when: When
    repeat: Repeat
    repeat_count: int | None
    repeat_until: date | None
    rule: str
    description: str
    location: str
    online_link: str
    contact: str
    organiser: User | None
    capacity: int | None
    marking: Marking
    invitation_only: bool
    names_shown: bool
    minutes_taken: bool


def check_when(fields: EventFields) -> When:
    """When the event happens, from what was typed (refusing dates and times that cannot be, see
    ``polka.localtime``)."""
    if fields.all_day:
        return all_day(fields.start_date, fields.end_date, fields.zone)
    if not fields.start_time.strip():
        raise _refused("start_time", "Enter the start time, for example 10:00, or make it an all-day event")
    if not fields.end_time.strip():
        raise _refused("end_time", "Enter the end time, for example 12:00")
    return timed(
        fields.start_date,
        fields.start_time,
        fields.end_date,
        fields.end_time,
        fields.zone,
        start_fold=fields.start_fold,
        end_fold=fields.end_fold,
    )


def _check_repeat(fields: EventFields, when: When) -> tuple[int | None, date | None, str]:
    if fields.repeat is Repeat.NEVER:
        return None, None, ""
    first = when.start.at.date()
    count: int | None = None
    until: date | None = None
    if fields.repeat_end == "until":
        until = parse_date(fields.repeat_until, "repeat_until", "the date the series ends")
    else:
        written = fields.repeat_count.strip()
        if not written.isdigit():
            raise _refused("repeat_count", "Enter how many times it happens, as a number, for example 12")
        count = int(written[:7])  # a typo of millions is refused by the rule's own message
    try:
        return count, until, rule_for(fields.repeat, first, until=until, count=count)
    except ValidationError as refused:  # named as the form names them
        raise ValidationError(
            str(refused), {f"repeat_{name}": message for name, message in refused.field_errors.items()}
        ) from None


def _check_link(link: str) -> str:
    link = check_line("online_link", link, LINK_MAX, "the joining link")
    if link and not _LINK.fullmatch(link):
        raise _refused("online_link", "Enter the joining link as a web address starting https://")
    return link


def _check_capacity(written: str) -> int | None:
    written = written.strip()
    if not written:
        return None
    if not written.isdigit() or not 1 <= int(written[:6]) <= CAPACITY_MAX:
        raise _refused(
            "capacity",
            f"Enter the number of places as a whole number from 1 to {CAPACITY_MAX:,}, or leave it empty",
        )
    return int(written)


def _check_organiser(session: Session, community: Community, written: str) -> User | None:
    handle = written.strip().lstrip("@").strip().lower()
    if not handle:
        return None
    found = session.execute(
        select(User, Membership.role)
        .join(Membership, (Membership.user_id == User.id) & (Membership.community_id == community.id))
        .where(User.handle == handle)
    ).first()
    if found is None or not found.role.at_least(Role.MEMBER) or not found.User.is_active_account:
        raise _refused(
            "organiser", f"@{handle} is not a member of {community.name}: the organiser must be one"
        )
    organiser: User = found.User
    return organiser


def check(session: Session, community: Community, fields: EventFields) -> Checked:
    """Every field of an event, checked in the order the form shows them."""
    title = check_line("title", fields.title, TITLE_MAX, "a title", required=True)
    zone(fields.zone)
    when = check_when(fields)
    count, until, rule = _check_repeat(fields, when)
    description = check_text(
        "description", fields.description.replace("\r\n", "\n"), DESCRIPTION_MAX, "the description"
    )
    if has_control_characters(description, multiline=True):
        raise _refused("description", "The description contains characters that cannot be stored")
    check_markdown(description, "description")
    location = check_line("location", fields.location, LOCATION_MAX, "the location")
    link = _check_link(fields.online_link)
    contact = check_line("contact", fields.contact, CONTACT_MAX, "the contact")
    capacity = _check_capacity(fields.capacity)
    check_within_ceiling(fields.marking, community.marking_ceiling)
    organiser = _check_organiser(session, community, fields.organiser)
    return Checked(
        title=title,
        when=when,
        repeat=fields.repeat,
        repeat_count=count,
        repeat_until=until,
        rule=rule,
        description=description,
        location=location,
        online_link=link,
        contact=contact,
        organiser=organiser,
        capacity=capacity,
        marking=fields.marking,
        invitation_only=fields.invitation_only,
        names_shown=fields.names_shown,
        minutes_taken=fields.minutes_taken,
    )


def _place(event: Event, checked: Checked) -> None:
    """Write what was checked onto ``event``, with the series' bounds worked out again."""
    when = checked.when
    event.title = checked.title
    event.description = checked.description
    event.location = checked.location
    event.online_link = checked.online_link
    event.contact = checked.contact
    event.capacity = checked.capacity
    event.marking = checked.marking
    event.invitation_only = checked.invitation_only
    event.names_shown = checked.names_shown
    event.minutes_taken = checked.minutes_taken
    event.zone = when.start.zone
    event.all_day = when.all_day
    event.start_at, event.start_fold = when.start.at, when.start.fold
    event.end_at, event.end_fold = when.end.at, when.end.fold
    event.repeat = checked.repeat
    event.repeat_count = checked.repeat_count
    event.repeat_until = checked.repeat_until
    event.rule = checked.rule
    _bound(event)


def _bound(event: Event) -> None:
    """The series' first start and last end in UTC, and its last reading on the clock."""
    event.last_start_at = last_reading(event.rule, event.start_at)
    last = occurrence_of(event, event.last_start_at) if event.rule else None
    last_end = last.end.utc() if last is not None else event.end.utc()
    # an occurrence moved before the first or after the last widens the series' bounds
    moved = [
        (
            LocalTime(c.start_at, event.zone, c.start_fold).utc(),
            LocalTime(c.end_at, event.zone, c.end_fold).utc(),
        )
        for c in event.changes
        if c.start_at is not None and c.end_at is not None
    ]
    event.first_start_utc = min([event.start.utc(), *(start for start, _ in moved)])
    event.last_end_utc = max([last_end, *(end for _, end in moved)])


def _new_event(user: User, community: Community, checked: Checked, organiser_id: int | None) -> Event:
    now = utcnow()
    event = Event(
        community=community,
        community_id=community.id,
        created_at=now,
        created_by_id=user.id,
        updated_at=now,
        updated_by_id=user.id,
        organiser_id=checked.organiser.id if checked.organiser is not None else organiser_id,
        changes=[],
    )
    _place(event, checked)
    return event


def create_event(session: Session, user: User, community: Community, fields: EventFields) -> Event:
    """A new event (or series) in ``community``, organised by ``user`` unless the fields name another."""
    access.require_create(user, community)
    event = _new_event(user, community, check(session, community, fields), user.id)
    session.add(event)
    session.flush()
    reindex_event(session, event)
    record_activity(session, user, "scheduled", community, target_kind=EVENT_KIND, target_id=event.id)
    notices.tell_scheduled(session, user, event)
    return event


# --- what changed, in words -----------------------------------------------------------------------


def _span(start: datetime, end: datetime, all_day_: bool) -> str:
    if all_day_:
        last = end - timedelta(days=1)
        return (
            f"{start:%a %d %b %Y}"
            if last.date() == start.date()
            else f"{start:%a %d %b} to {last:%a %d %b %Y}"
        )
    if start.date() == end.date():
        return f"{start:%a %d %b %Y}, {start:%H:%M}–{end:%H:%M}"
    return f"{start:%a %d %b %Y %H:%M} to {end:%a %d %b %Y %H:%M}"


def _differences(before: Event, after: Checked, organiser_id: int | None) -> list[str]:
    said = []
    when = after.when
    if (before.start_at, before.end_at, before.all_day, before.zone) != (
        when.start.at,
        when.end.at,
        when.all_day,
        when.start.zone,
    ):
        said.append(
            f"When: {_span(when.start.at, when.end.at, when.all_day)} "
            f"(was {_span(before.start_at, before.end_at, before.all_day)})"
        )
    if before.rule != after.rule:
        said.append("How it repeats")
    if before.location != after.location:
        said.append(
            f"Where: {after.location or 'no place given'} (was {before.location or 'no place given'})"
        )
    if before.online_link != after.online_link:
        said.append("The joining link")
    if before.title != after.title:
        said.append(f"The title (was “{before.title}”)")
    if before.capacity != after.capacity:
        said.append(f"Places: {after.capacity or 'no limit'} (was {before.capacity or 'no limit'})")
    if before.description != after.description:
        said.append("The description")
    if before.organiser_id != organiser_id:
        said.append("The organiser")
    return said


def _note(said: list[str]) -> str:
    note = "; ".join(said)
    return note if len(note) <= CHANGE_NOTE_MAX else note[: CHANGE_NOTE_MAX - 1] + "…"


# --- changing all of it ---------------------------------------------------------------------------


def edit_event(session: Session, user: User, event: Event, fields: EventFields, *, version: int) -> Event:
    """Change the whole event or series. ``version`` is the ``sequence`` the editor's form was made
    from: a change made by someone else since is refused (``Conflict``), not overwritten. Changes to
    single occurrences the new rule no longer produces are dropped."""
    access.require_edit(user, event)
    if version != event.sequence:
        raise Conflict("Someone changed this event while you were editing it: reload it to see their change.")
    community = event.community
    checked = check(session, community, fields)
    if checked.marking.rank < event.marking.rank:
        access.require_lower_marking(user, event)
    organiser_id = checked.organiser.id if checked.organiser is not None else event.organiser_id
    said = _differences(event, checked, organiser_id)
    more_places = checked.capacity is None or (
        event.capacity is not None and checked.capacity > event.capacity
    )
    _place(event, checked)
    event.organiser_id = organiser_id
    _carry_over(session, event)
    _bound(event)
    _changed(event, user, said)
    session.flush()
    if more_places:
        attendance.promote_after_change(session, event)
    reindex_event(session, event)
    record_activity(session, user, "changed", community, target_kind=EVENT_KIND, target_id=event.id)
    notices.tell_changed(session, user, event, "changed")
    return event


def _carry_over(session: Session, event: Event) -> None:
    """After the times or the rule changed: what an occurrence's original start names (its answers,
    places and change) follows the occurrence to its new start on the same day, so a meeting moved
    from 10:00 to 11:00 keeps who is coming; what has no occurrence that day any more is let go, except
    a meeting's papers and actions: a change that would lose them is refused."""
    packed = {
        original
        for model in (EventPaper, EventAction)
        for original in session.scalars(select(model.original).where(model.event_id == event.id).distinct())
    }
    named = {
        *(
            original
            for model in PER_OCCURRENCE
            for original in session.scalars(
                select(model.original).where(model.event_id == event.id).distinct()
            )
        ),
        *(change.original for change in event.changes),
    }
    for original in sorted(named):
        if produces(event.rule, event.start, original):
            continue
        moved_to = _reading_on(event, original.date()) if event.rule else event.start_at
        taken = moved_to is not None and moved_to in named
        if (moved_to is None or taken) and original in packed:
            raise ValidationError(
                f"The meeting on {original:%A} {original.day} {original:%B %Y} has papers or actions, and "
                "after this change the series would not meet that day. Change the series from a later "
                "meeting on (this and the following ones), or take that meeting's papers and actions out first."
            )
        for model in PER_OCCURRENCE:
            found = (model.event_id == event.id) & (model.original == original)
            if moved_to is None or taken:
                session.execute(delete(model).where(found))
            else:
                session.execute(update(model).where(found).values(original=moved_to))
        for change in [c for c in event.changes if c.original == original]:
            if moved_to is None or taken:
                event.changes.remove(change)
            else:
                change.original = moved_to
    session.flush()


def _reading_on(event: Event, day: date) -> datetime | None:
    """The series' occurrence on ``day`` (its original start on the clock), if it has one."""
    window_start = LocalTime(datetime.combine(day, time(0)), event.zone).utc() - timedelta(days=1)
    for each in occurrences(
        event.rule,
        event.start,
        duration_of(event),
        window_start,
        window_start + timedelta(days=3),
        all_day=event.all_day,
        last=event.last_start_at,
    ):
        if each.original.date() == day:
            return each.original
    return None


def _changed(event: Event, user: User, said: list[str]) -> None:
    now = utcnow()
    event.updated_at, event.updated_by_id = now, user.id
    event.sequence += 1
    if said:
        event.change_note, event.changed_at = _note(said), now


def cancel_event(session: Session, user: User, event: Event, reason: str) -> None:
    """Cancel the whole event or series: it stays on the calendars, marked cancelled with the reason,
    and subscribed calendars take it as cancelled."""
    access.require_edit(user, event)
    reason = check_line("reason", reason, CANCEL_REASON_MAX, "the reason")
    if event.is_cancelled:
        raise Conflict("This event is already cancelled.")
    event.cancelled_at, event.cancel_reason = utcnow(), reason
    _changed(event, user, [f"Cancelled{': ' + reason if reason else ''}"])
    session.flush()
    reindex_event(session, event)
    record_activity(session, user, "cancelled", event.community, target_kind=EVENT_KIND, target_id=event.id)
    notices.tell_changed(session, user, event, "cancelled")


def reinstate_event(session: Session, user: User, event: Event) -> None:
    """Take back the cancelling of the whole event."""
    access.require_edit(user, event)
    if not event.is_cancelled:
        raise Conflict("This event is not cancelled.")
    event.cancelled_at, event.cancel_reason = None, ""
    _changed(event, user, ["Back on: no longer cancelled"])
    session.flush()
    reindex_event(session, event)


def delete_event(session: Session, user: User, event: Event) -> None:
    """Delete softly (restorable by managers for the restore window)."""
    access.require_edit(user, event)
    event.deleted_at, event.deleted_by_id = utcnow(), user.id
    session.flush()
    reindex_event(session, event)


# --- one occurrence -------------------------------------------------------------------------------


def occurrence_on(event: Event, written: str) -> Occurrence:
    """The occurrence of a series on the date written (to change or cancel it): refused, saying when
    the series meets, when it has none that day."""
    day = parse_date(written, "date", "the date")
    window_start = LocalTime(datetime.combine(day, time(0)), event.zone).utc()
    for occurrence in in_window([event], window_start, window_start + timedelta(days=1)):
        if occurrence.original.date() == day:
            return occurrence
    pattern = describe(event.repeat, event.start_at.date())
    meets = pattern[0].lower() + pattern[1:] if event.repeats else "only once"
    raise _refused(
        "date", f"“{event.title}” has no occurrence on {day:%A} {day.day} {day:%B %Y}: it meets {meets}"
    )


@dataclass(frozen=True)
class OccurrenceFields:
    """One occurrence changed: moved (start and end on the clock), held elsewhere, or cancelled."""

    start_date: str
    start_time: str = ""
    end_date: str = ""
    end_time: str = ""
    start_fold: Fold | None = None
    end_fold: Fold | None = None
    location: str = ""


def _change_for(event: Event, original: datetime) -> EventChange:
    change = next((c for c in event.changes if c.original == original), None)
    if change is None:
        change = EventChange(original=original, start_fold=0, end_fold=0, cancelled=False, sequence=0)
        event.changes.append(change)
    return change


def change_occurrence(
    session: Session, user: User, event: Event, occurrence: Occurrence, fields: OccurrenceFields
) -> EventChange:
    """Move one occurrence of a series, or hold it elsewhere ("this occurrence" only)."""
    access.require_edit(user, event)
    if event.all_day:
        when = all_day(fields.start_date, fields.end_date, event.zone)
    else:
        when = check_when(
            EventFields(
                title=event.title,
                start_date=fields.start_date,
                start_time=fields.start_time,
                end_date=fields.end_date,
                end_time=fields.end_time,
                zone=event.zone,
                start_fold=fields.start_fold,
                end_fold=fields.end_fold,
            )
        )
    location = check_line("location", fields.location, LOCATION_MAX, "the location")
    said = []
    change = _change_for(event, occurrence.original)
    if (when.start.at, when.end.at) != (occurrence.start.at, occurrence.end.at):
        said.append(
            f"When: {_span(when.start.at, when.end.at, event.all_day)} "
            f"(was {_span(occurrence.start.at, occurrence.end.at, event.all_day)})"
        )
    length = when.end.at - when.start.at if event.all_day else when.end.utc() - when.start.utc()
    where_the_rule_puts_it = when.start.at == occurrence.original and length == duration_of(event)
    change.start_at, change.end_at = (None, None) if where_the_rule_puts_it else (when.start.at, when.end.at)
    change.start_fold, change.end_fold = when.start.fold, when.end.fold
    if location != occurrence.location:
        said.append(f"Where: {location or 'no place given'} (was {occurrence.location or 'no place given'})")
        change.location = location
    if not said:
        raise _refused("start_date", "Nothing was changed: change the time or the place, or go back")
    _occurrence_changed(event, change, user, said)
    _bound(event)
    session.flush()
    record_activity(session, user, "changed", event.community, target_kind=EVENT_KIND, target_id=event.id)
    notices.tell_changed(session, user, event, "changed")
    return change


def _occurrence_changed(event: Event, change: EventChange, user: User, said: list[str]) -> None:
    now = utcnow()
    change.changed_at, change.changed_by_id = now, user.id
    change.change_note = _note(said)
    event.sequence += 1
    change.sequence = event.sequence
    event.updated_at, event.updated_by_id = now, user.id


def cancel_occurrence(
    session: Session, user: User, event: Event, occurrence: Occurrence, reason: str
) -> None:
    """Cancel one occurrence of a series; the others go ahead."""
    access.require_edit(user, event)
    reason = check_line("reason", reason, CANCEL_REASON_MAX, "the reason")
    if occurrence.cancelled:
        raise Conflict("This occurrence is already cancelled.")
    change = _change_for(event, occurrence.original)
    change.cancelled = True
    _occurrence_changed(event, change, user, [f"Cancelled{': ' + reason if reason else ''}"])
    session.flush()
    record_activity(session, user, "cancelled", event.community, target_kind=EVENT_KIND, target_id=event.id)
    notices.tell_changed(session, user, event, "cancelled")


def reinstate_occurrence(session: Session, user: User, event: Event, occurrence: Occurrence) -> None:
    access.require_edit(user, event)
    change = _change_for(event, occurrence.original)
    if not change.cancelled:
        raise Conflict("This occurrence is not cancelled.")
    change.cancelled = False
    _occurrence_changed(event, change, user, ["Back on: no longer cancelled"])
    session.flush()


# --- this and following ---------------------------------------------------------------------------


def split_series(
    session: Session, user: User, event: Event, occurrence: Occurrence, fields: EventFields, *, version: int
) -> Event:
    """Change ``occurrence`` and every one after it: the series ends the day before, and a new series
    (with what was typed) carries on from it, taking the changes and answers of the occurrences it
    still produces. Splitting at the first occurrence is changing all of it."""
    if occurrence.original == event.start_at:
        return edit_event(session, user, event, fields, version=version)
    access.require_edit(user, event)
    if version != event.sequence:
        raise Conflict("Someone changed this event while you were editing it: reload it to see their change.")
    community = event.community
    checked = check(session, community, fields)
    if fields.repeat is Repeat.NEVER:
        raise _refused("repeat", "Choose how the rest of the series repeats, or change this occurrence alone")
    if checked.marking.rank < event.marking.rank:
        access.require_lower_marking(user, event)
    before = event.start_at
    ended = occurrence.original.date() - timedelta(days=1)
    event.repeat_until, event.repeat_count = ended, None
    event.rule = rule_for(event.repeat, before.date(), until=ended)
    _changed(event, user, [f"The series now ends on {ended:%a %d %b %Y}: it carries on as a new series"])
    following = _new_event(user, community, checked, event.organiser_id)
    following.split_from_id = event.id
    for change in list(event.changes):
        if change.original >= occurrence.original:
            event.changes.remove(change)
            if produces(following.rule, following.start, change.original):
                following.changes.append(
                    EventChange(
                        original=change.original,
                        cancelled=change.cancelled,
                        start_at=change.start_at,
                        start_fold=change.start_fold,
                        end_at=change.end_at,
                        end_fold=change.end_fold,
                        location=change.location,
                        change_note=change.change_note,
                        sequence=0,
                        changed_at=change.changed_at,
                        changed_by_id=change.changed_by_id,
                    )
                )
    _bound(event)
    _bound(following)
    session.add(following)
    session.flush()
    for model in PER_OCCURRENCE:  # who is coming, and the packs, follow the occurrences to the new series
        session.execute(
            update(model)
            .where(model.event_id == event.id, model.original >= occurrence.original)
            .values(event_id=following.id)
        )
    _carry_over(session, following)
    reindex_event(session, event)
    reindex_event(session, following)
    record_activity(session, user, "changed", community, target_kind=EVENT_KIND, target_id=following.id)
    notices.tell_changed(session, user, following, "changed")
    return following
