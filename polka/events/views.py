"""The events' pages: a community's calendar (agenda and month grid), an event or one occurrence of a
series, adding one, and changing all of it, one occurrence, or this one and the ones after.

The personal calendar, across every community the user belongs to, is in ``personal_views.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.accounts.web import current_user, signed_in
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.content.feature import Glimpse
from polka.content.kinds import Shown
from polka.crossrefs.services import used_by
from polka.db import transaction, utcnow
from polka.errors import Conflict, ValidationError
from polka.events import access, attendance, packs, reads, services, wording
from polka.events.blueprint import bp
from polka.events.forms import (
    MARKING_HINTS,
    ActionForm,
    AnswerForm,
    CancelForm,
    EventForm,
    LinkForm,
    OccurrenceForm,
    PaperForm,
)
from polka.events.kinds import CALENDAR_KIND, EVENT_KIND
from polka.events.models import Event, PaperRole
from polka.events.schedule import (
    Occurrence,
    Scheduled,
    duration_of,
    in_window,
    key_of,
    occurrence_of,
    parse_key,
)
from polka.forms import show_errors
from polka.http import db
from polka.localtime import DEFAULT_ZONE, Fold, LocalTime
from polka.markings import parse_marking
from polka.recurrence import Repeat, describe
from polka.subscriptions.services import is_following
from polka.subscriptions.web import follow_from_form

#: What an agenda lists.
SHOWS = {"upcoming": "Upcoming", "past": "Past", "mine": "Organised by me"}
#: Occurrences a series' page lists after the one it shows.
NEXT_SHOWN = 8


def occurrence_url(occurrence: Occurrence) -> str:
    """Where an occurrence is read: its event's page for a one-off, its own for a series'."""
    return occurrence_address(occurrence.event, occurrence.original)


def occurrence_address(event: Scheduled, original: datetime) -> str:
    """Where the occurrence of ``event`` that the rule places at ``original`` is read."""
    if event.repeats:
        return url_for("events.occurrence", slug=event.community.slug, event=event.id, key=key_of(original))
    return url_for("events.event", slug=event.community.slug, event=event.id)


def coming_events(session: Session, user: User, community: Community) -> list[Glimpse]:
    """A community home's next three events (``polka.content.feature.Glimpses``)."""
    return [
        Glimpse(o.event.title, occurrence_url(o), wording.when(o, DEFAULT_ZONE), o.event.marking)
        for o in reads.next_in(session, user, community, _this_minute())
    ]


def minuted_among(occurrences: Iterable[Occurrence]) -> set[tuple[int, datetime]]:
    """Which of these occurrences have minutes (event id, original start), for the calendars' marks."""
    return packs.minuted(db(), packs.ended_events(occurrences))


def month_occurrences(month: reads.Month) -> list[Occurrence]:
    return [o for week in month.weeks for day in week for o in day.occurrences]


def _day_arg(name: str) -> date | None:
    """``?from=2027-04-13``: a day from the address, or None (anything else is ignored)."""
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def agenda_for(community_ids: list[int], user: Any, shown: str) -> reads.Agenda:
    """The agenda page asked for: upcoming (from ``?from=``), past (before ``?before=``) or the ones
    ``user`` organises."""
    session = db()
    if shown == "past":
        before = _day_arg("before")
        end = reads.uk_midnight(before + timedelta(days=1)) if before else _this_minute()
        return reads.past(session, user, community_ids, end)
    start_day = _day_arg("from")
    start = reads.uk_midnight(start_day) if start_day else _this_minute()
    organised_by = user if shown == "mine" and user is not None else None
    return reads.upcoming(session, user, community_ids, start, organised_by=organised_by)


def _this_minute() -> datetime:
    """Now, to the minute: the agendas of one minute ask for the same window (expanded once)."""
    return utcnow().replace(second=0, microsecond=0)


def _shown() -> str:
    shown = request.args.get("show", "upcoming")
    return shown if shown in SHOWS else "upcoming"


@bp.get("/c/<slug>/events/")
def index(slug: str) -> Any:
    community = community_for(slug)
    user = current_user()
    shown = _shown()
    if shown == "mine" and user is None:
        shown = "upcoming"
    communities = reads.calendar_communities(db(), user, community)
    agenda = agenda_for([c.id for c in communities], user, shown)
    return render_template(
        "events/index.html",
        community=community,
        regions={c.id: c for c in communities[1:]},
        agenda=agenda,
        minuted=minuted_among(agenda.occurrences),
        shown=shown,
        shows=SHOWS,
        may_create=access.may_create(user, community),
        following=is_following(db(), user, CALENDAR_KIND, community.id),
        by_day=wording.by_day,
        time_of_day=wording.time_of_day,
        url_of=occurrence_url,
        section="communities",
        page_title=f"Events – {community.name}",
    )


@bp.post("/c/<slug>/events/follow")
def follow_calendar(slug: str) -> Any:
    """Follow the community's calendar: new events, and changes to them, in one's notifications."""
    community = community_for(slug)
    return follow_from_form(CALENDAR_KIND, community.id, url_for("events.index", slug=community.slug))


def month_asked() -> tuple[int, int]:
    """``?month=2027-04``, or this month (UK time)."""
    written = request.args.get("month", "")
    try:
        year, number = (int(part) for part in written.split("-"))
        if 2000 <= year <= 2100 and 1 <= number <= 12:
            return year, number
    except ValueError:
        pass
    today = reads.uk_day(utcnow())
    return today.year, today.month


@bp.get("/c/<slug>/events/month")
def month(slug: str) -> Any:
    community = community_for(slug)
    user = current_user()
    communities = reads.calendar_communities(db(), user, community)
    year, number = month_asked()
    shown = reads.month(db(), user, [c.id for c in communities], year, number, reads.uk_day(utcnow()))
    return render_template(
        "events/month.html",
        community=community,
        regions={c.id: c for c in communities[1:]},
        month=shown,
        minuted=minuted_among(month_occurrences(shown)),
        may_create=access.may_create(user, community),
        time_of_day=wording.time_of_day,
        url_of=occurrence_url,
        section="communities",
        page_title=f"{shown.first:%B %Y} – {community.name} events",
    )


# --- an event -------------------------------------------------------------------------------------


def find_event(slug: str, event_id: int) -> Event:
    """The event in the address, if the user may see it."""
    community = community_for(slug)
    return access.get_event(db(), current_user(), community, event_id)


def _editing(slug: str, event_id: int) -> tuple[Event, User]:
    """The event in the address and the signed-in user, who may change it."""
    found = find_event(slug, event_id)
    user = signed_in()
    access.require_edit(user, found)
    return found, user


def find_occurrence(slug: str, event_id: int, key: str) -> tuple[Event, Occurrence]:
    """The event in the address, if the user may see it, and its occurrence named by ``key``."""
    found = find_event(slug, event_id)
    return found, occurrence_of(found, parse_key(key))


def editing_occurrence(slug: str, event_id: int, key: str) -> tuple[Event, User, Occurrence]:
    """The occurrence in the address and the signed-in user, who may change its event."""
    found, user = _editing(slug, event_id)
    return found, user, occurrence_of(found, parse_key(key))


def _focus(event: Event) -> tuple[Occurrence, list[Occurrence]]:
    """The occurrence a series' page shows (the next one, or the last when all are past) and the ones
    after it."""
    now = utcnow()
    coming = in_window([event], now, now + timedelta(days=3660))
    if coming:
        return coming[0], coming[1 : NEXT_SHOWN + 1]
    return occurrence_of(event, event.last_start_at), []


@dataclass
class PackForms:
    """The meeting pack's forms on an event's page: one sent back with what was typed and why it was
    refused, the others fresh; ``choices`` when the document asked for matched several."""

    paper: PaperForm | None = None
    link: LinkForm | None = None
    action: ActionForm | None = None
    choices: list[Shown] = field(default_factory=list)

    def filled(self, event: Event, occurrence: Occurrence, papers: list[packs.PackPaper]) -> PackForms:
        """Every form, the fresh ones suggesting what a paper is likely to be now: the minutes once
        the meeting has begun, else the agenda until it has one."""
        if occurrence.start.utc() <= utcnow():
            role = PaperRole.MINUTES
        elif any(paper.role is PaperRole.AGENDA for paper in papers):
            role = PaperRole.PAPER
        else:
            role = PaperRole.AGENDA
        fresh = {"role": role.value, "marking": event.marking.value}
        return PackForms(
            paper=self.paper or PaperForm(prefix="paper", formdata=None, data=fresh),
            link=self.link or LinkForm(prefix="link", formdata=None, data={"role": role.value}),
            action=self.action or ActionForm(prefix="action", formdata=None),
            choices=self.choices,
        )

    @property
    def failed(self) -> Any:
        """The form sent back, for the page's error summary."""
        return self.paper or self.link or self.action


def event_screen(
    event: Event,
    occurrence: Occurrence,
    following: list[Occurrence],
    *,
    day_error: str | None = None,
    answer_form: AnswerForm | None = None,
    pack_forms: PackForms | None = None,
    status: int = 200,
) -> Any:
    """An event's page, showing ``occurrence`` (and the ``following`` ones of its series), with who
    is coming and the user's own answer, and the meeting's pack and actions."""
    session, user = db(), current_user()
    papers = packs.papers_of(session, user, event, occurrence.original)
    may_edit = access.offers_edit(user, event)
    sent = pack_forms or PackForms()
    mine = attendance.my_answer(session, user, event, occurrence.original)
    if answer_form is None:
        answer_form = AnswerForm(  # not from the request: it may be another form's, sent back
            formdata=None, data={"answer": mine.answer.value, "note": mine.note} if mine is not None else None
        )
    names = attendance.may_see_names(user, event)
    # one statement for who is going and the counts, when the page names them
    everyone = attendance.answers(session, event, occurrence.original) if names else None
    return render_template(
        "events/event.html",
        community=event.community,
        event=event,
        occurrence=occurrence,
        following=following,
        repeats=describe(event.repeat, event.start_at.date()) if event.repeats else "",
        may_edit=may_edit,
        papers=papers,
        actions=packs.actions_of(session, event, occurrence.original),
        linked_from=used_by(session, user, EVENT_KIND, event.id),
        pack=sent.filled(event, occurrence, papers) if may_edit else sent,
        failed_form=sent.failed,
        may_complete=lambda action: packs.may_complete(user, event, action),
        meeting_folder=packs.meeting_folder(occurrence),
        now=utcnow(),
        today=reads.uk_day(utcnow()),
        mine=mine,
        waiting_place=attendance.waiting_place(session, mine) if mine is not None and mine.waiting else None,
        counts=attendance.counted(everyone)
        if everyone is not None
        else attendance.counts(session, event, occurrence.original),
        going=[a for a in everyone if a.has_place] if everyone is not None else None,
        answer_refusal=attendance.answer_refusal(session, user, event, occurrence)
        if user is not None
        else None,
        answer_form=answer_form,
        may_see_attendance=attendance.may_see_attendance(user, event),
        when=wording.when,
        url_of=occurrence_url,
        day_asked=request.args.get("date", ""),
        day_error=day_error,
        section="communities",
        page_title=f"{event.title} – {event.community.name} events",
    ), status


@bp.get("/c/<slug>/events/<int:event>")
def event(slug: str, event: int) -> Any:
    found = find_event(slug, event)
    occurrence, following = _focus(found)
    return event_screen(found, occurrence, following)


@bp.get("/c/<slug>/events/<int:event>/on")
def occurrence_on(slug: str, event: int) -> Any:
    """A series' occurrence on the date asked (``?date=``), to change or cancel it: the series' page
    says so when it has none that day."""
    found = find_event(slug, event)
    try:
        chosen = services.occurrence_on(found, request.args.get("date", ""))
    except ValidationError as error:
        occurrence, following = _focus(found)
        return event_screen(found, occurrence, following, day_error=str(error), status=400)
    return redirect(url_for("events.occurrence", slug=found.community.slug, event=found.id, key=chosen.key))


@bp.get("/c/<slug>/events/<int:event>/<key>")
def occurrence(slug: str, event: int, key: str) -> Any:
    return event_screen(*find_occurrence(slug, event, key), [])


# --- adding and changing --------------------------------------------------------------------------


def _fold(value: str | None) -> Fold | None:
    return Fold(value) if value in {fold.value for fold in Fold} else None


def fields_of(form: EventForm) -> services.EventFields:
    repeat = form.repeat.data if form.repeat.data in {r.value for r in Repeat} else Repeat.NEVER.value
    return services.EventFields(
        title=form.title.data or "",
        start_date=form.start_date.data or "",
        start_time=form.start_time.data or "",
        end_date=form.end_date.data or "",
        end_time=form.end_time.data or "",
        all_day=bool(form.all_day.data),
        zone=form.zone.data or "",
        start_fold=_fold(form.start_fold.data),
        end_fold=_fold(form.end_fold.data),
        repeat=Repeat(repeat),
        repeat_end="until" if form.repeat_end.data == "until" else "count",
        repeat_count=form.repeat_count.data or "",
        repeat_until=form.repeat_until.data or "",
        description=form.description.data or "",
        location=form.location.data or "",
        online_link=form.online_link.data or "",
        contact=form.contact.data or "",
        organiser=form.organiser.data or "",
        capacity=form.capacity.data or "",
        marking=parse_marking(form.marking.data),
        invitation_only=bool(form.invitation_only.data),
        names_shown=bool(form.names_shown.data),
        minutes_taken=bool(form.minutes_taken.data),
    )


def _ask_fold(form: Any) -> dict[str, bool]:
    """Which of the times the page asks "the first or the second?" of (the clock shows it twice)."""
    return {
        name: bool(getattr(form, f"{name}_fold").data)
        or any("happens twice" in error for error in getattr(form, f"{name}_time").errors)
        for name in ("start", "end")
    }


@dataclass(frozen=True)
class FormScreen:
    """The event form's page: what it is for and where it goes."""

    community: Community
    heading: str
    action: str
    button: str
    back: str
    event: Event | None = None


def _form_screen(screen: FormScreen, form: EventForm, status: int = 200) -> Any:
    return render_template(
        "events/event_form.html",
        community=screen.community,
        form=form,
        screen=screen,
        ask_fold=_ask_fold(form),
        marking_hints=MARKING_HINTS,
        section="communities",
        page_title=f"{screen.heading} – {screen.community.name} events",
    ), status


def _saved_form(screen: FormScreen, form: EventForm, save: Callable[[], Event], done: str) -> Any:
    """The event form sent: ``save`` run in one transaction, then the saved event's page with ``done``
    said; or the form again with what was typed and why it was refused."""
    if not form.validate():
        return _form_screen(screen, form, 400)
    try:
        with transaction(db()):
            saved = save()
    except ValidationError as error:
        show_errors(form, error)
        return _form_screen(screen, form, 400)
    except Conflict as error:  # someone else changed it meanwhile: their change stays, the form too
        form.form_errors.append(str(error))
        return _form_screen(screen, form, 409)
    flash(done, "success")
    return redirect(url_for("events.event", slug=saved.community.slug, event=saved.id))


@bp.route("/c/<slug>/events/new", methods=["GET", "POST"])
def new_event(slug: str) -> Any:
    community = community_for(slug)
    session, user = db(), signed_in()
    access.require_create(user, community)
    screen = FormScreen(
        community,
        "Add an event",
        url_for("events.new_event", slug=community.slug),
        "Add the event",
        url_for("events.index", slug=community.slug),
    )
    if request.method == "GET":
        day = _day_arg("day")
        return _form_screen(
            screen,
            EventForm(
                data={
                    "zone": DEFAULT_ZONE,
                    "start_date": day.isoformat() if day else "",
                    "minutes_taken": True,
                }
            ),
        )
    form = EventForm()
    return _saved_form(
        screen,
        form,
        lambda: services.create_event(session, user, community, fields_of(form)),
        f"“{form.title.data}” is on the calendar.",
    )


def initial(event: Event, first: Occurrence | None = None) -> dict[str, Any]:
    """The form's fields as ``event`` is (from ``first`` on, for "this and following")."""
    start = first.start if first is not None else event.start
    end = first.end if first is not None else event.end
    return {
        "title": event.title,
        "description": event.description,
        "all_day": event.all_day,
        "start_date": start.at.date().isoformat(),
        "end_date": (end.at - timedelta(days=1) if event.all_day else end.at).date().isoformat(),
        "start_time": "" if event.all_day else f"{start.at:%H:%M}",
        "end_time": "" if event.all_day else f"{end.at:%H:%M}",
        "start_fold": (Fold.SECOND if start.fold else Fold.FIRST).value if _shown_twice(start) else None,
        "end_fold": (Fold.SECOND if end.fold else Fold.FIRST).value if _shown_twice(end) else None,
        "zone": event.zone,
        "repeat": event.repeat.value,
        "repeat_end": "until" if event.repeat_until is not None else "count",
        "repeat_count": str(event.repeat_count) if event.repeat_count else "",
        "repeat_until": event.repeat_until.isoformat() if event.repeat_until else "",
        "location": event.location,
        "online_link": event.online_link,
        "organiser": f"@{event.organiser.handle}" if event.organiser is not None else "",
        "contact": event.contact,
        "capacity": str(event.capacity) if event.capacity else "",
        "marking": event.marking.value,
        "invitation_only": event.invitation_only,
        "names_shown": event.names_shown,
        "minutes_taken": event.minutes_taken,
        "version": event.sequence,
    }


def _shown_twice(moment: LocalTime) -> bool:
    """Whether the clock shows ``moment``'s reading twice (the night the clocks go back)."""
    aware = moment.aware()
    return bool(aware.replace(fold=0).utcoffset() != aware.replace(fold=1).utcoffset())


@bp.route("/c/<slug>/events/<int:event>/edit", methods=["GET", "POST"])
def edit_event(slug: str, event: int) -> Any:
    found, user = _editing(slug, event)
    session = db()
    community = found.community
    screen = FormScreen(
        community,
        "Change the whole series" if found.repeats else "Change the event",
        url_for("events.edit_event", slug=community.slug, event=found.id),
        "Save the changes",
        url_for("events.event", slug=community.slug, event=found.id),
        found,
    )
    if request.method == "GET":
        return _form_screen(screen, EventForm(data=initial(found)))
    form = EventForm()
    return _saved_form(
        screen,
        form,
        lambda: services.edit_event(session, user, found, fields_of(form), version=form.version.data or 0),
        "The event has been changed: attendees see what changed.",
    )


@bp.route("/c/<slug>/events/<int:event>/<key>/following", methods=["GET", "POST"])
def edit_following(slug: str, event: int, key: str) -> Any:
    found, user, chosen = editing_occurrence(slug, event, key)
    session = db()
    community = found.community
    screen = FormScreen(
        community,
        "Change this and the following occurrences",
        url_for("events.edit_following", slug=community.slug, event=found.id, key=chosen.key),
        "Save the changes",
        url_for("events.occurrence", slug=community.slug, event=found.id, key=chosen.key),
        found,
    )
    if request.method == "GET":
        wanted = initial(found, chosen)
        if found.repeat_count:
            wanted["repeat_count"] = str(_remaining(found, chosen))
        return _form_screen(screen, EventForm(data=wanted))
    form = EventForm()
    return _saved_form(
        screen,
        form,
        lambda: services.split_series(
            session, user, found, chosen, fields_of(form), version=form.version.data or 0
        ),
        "The series has been changed from this occurrence on.",
    )


def _remaining(event: Event, chosen: Occurrence) -> int:
    """How many occurrences the series has from ``chosen`` on."""
    window_end = event.last_end_utc + timedelta(days=1)
    return sum(
        1
        for each in in_window([event], chosen.start.utc() - duration_of(event), window_end)
        if each.original >= chosen.original
    )


def _occurrence_screen(event: Event, chosen: Occurrence, form: OccurrenceForm, *, status: int = 200) -> Any:
    return render_template(
        "events/occurrence_form.html",
        community=event.community,
        event=event,
        occurrence=chosen,
        form=form,
        ask_fold=_ask_fold(form),
        when=wording.when,
        section="communities",
        page_title=f"Change one occurrence – {event.title}",
    ), status


@bp.route("/c/<slug>/events/<int:event>/<key>/edit", methods=["GET", "POST"])
def edit_occurrence(slug: str, event: int, key: str) -> Any:
    found, user, chosen = editing_occurrence(slug, event, key)
    session = db()
    if request.method == "GET":
        last = chosen.end.at - timedelta(days=1) if found.all_day else chosen.end.at
        form = OccurrenceForm(
            data={
                "start_date": chosen.start.at.date().isoformat(),
                "end_date": last.date().isoformat(),
                "start_time": "" if found.all_day else f"{chosen.start.at:%H:%M}",
                "end_time": "" if found.all_day else f"{chosen.end.at:%H:%M}",
                "location": chosen.location,
            }
        )
        return _occurrence_screen(found, chosen, form)
    form = OccurrenceForm()
    if not form.validate():
        return _occurrence_screen(found, chosen, form, status=400)
    fields = services.OccurrenceFields(
        start_date=form.start_date.data or "",
        start_time=form.start_time.data or "",
        end_date=form.end_date.data or "",
        end_time=form.end_time.data or "",
        start_fold=_fold(form.start_fold.data),
        end_fold=_fold(form.end_fold.data),
        location=form.location.data or "",
    )
    try:
        with transaction(session):
            services.change_occurrence(session, user, found, chosen, fields)
    except ValidationError as error:
        show_errors(form, error)
        return _occurrence_screen(found, chosen, form, status=400)
    flash("This occurrence has been changed; the rest of the series is as it was.", "success")
    return redirect(url_for("events.occurrence", slug=found.community.slug, event=found.id, key=chosen.key))


# --- cancelling and deleting ----------------------------------------------------------------------


def _cancel_screen(event: Event, chosen: Occurrence | None, form: CancelForm, *, status: int = 200) -> Any:
    return render_template(
        "events/cancel.html",
        community=event.community,
        event=event,
        occurrence=chosen,
        form=form,
        when=wording.when,
        section="communities",
        page_title=f"Cancel – {event.title}",
    ), status


def _cancelled(event: Event, chosen: Occurrence | None, work: Callable[[str], object], done: str) -> Any:
    """The cancel page (of the event, or of one occurrence ``chosen``) and its form sent."""
    form = CancelForm()
    if request.method == "GET" or not form.validate():
        return _cancel_screen(event, chosen, form, status=200 if request.method == "GET" else 400)
    back = (
        url_for("events.occurrence", slug=event.community.slug, event=event.id, key=chosen.key)
        if chosen is not None
        else url_for("events.event", slug=event.community.slug, event=event.id)
    )
    try:
        return acted(lambda: work(form.reason.data or ""), done, back)
    except ValidationError as error:
        show_errors(form, error)
        return _cancel_screen(event, chosen, form, status=400)


@bp.route("/c/<slug>/events/<int:event>/cancel", methods=["GET", "POST"])
def cancel_event(slug: str, event: int) -> Any:
    found, user = _editing(slug, event)
    session = db()
    return _cancelled(
        found,
        None,
        lambda reason: services.cancel_event(session, user, found, reason),
        "The event is cancelled: it stays on the calendar, marked cancelled.",
    )


@bp.route("/c/<slug>/events/<int:event>/<key>/cancel", methods=["GET", "POST"])
def cancel_occurrence(slug: str, event: int, key: str) -> Any:
    found, user, chosen = editing_occurrence(slug, event, key)
    session = db()
    return _cancelled(
        found,
        chosen,
        lambda reason: services.cancel_occurrence(session, user, found, chosen, reason),
        "This occurrence is cancelled; the rest of the series goes ahead.",
    )


def acted(work: Callable[[], object], done: str, back: str) -> Any:
    """A one-button change run in one transaction: ``done`` said, or why it was already so."""
    try:
        with transaction(db()):
            work()
    except Conflict as error:
        flash(str(error), "success")
    else:
        flash(done, "success")
    return redirect(back)


@bp.post("/c/<slug>/events/<int:event>/reinstate")
def reinstate_event(slug: str, event: int) -> Any:
    found = find_event(slug, event)
    return acted(
        lambda: services.reinstate_event(db(), signed_in(), found),
        "The event is back on.",
        url_for("events.event", slug=found.community.slug, event=found.id),
    )


@bp.post("/c/<slug>/events/<int:event>/<key>/reinstate")
def reinstate_occurrence(slug: str, event: int, key: str) -> Any:
    found = find_event(slug, event)
    chosen = occurrence_of(found, parse_key(key))
    return acted(
        lambda: services.reinstate_occurrence(db(), signed_in(), found, chosen),
        "This occurrence is back on.",
        url_for("events.occurrence", slug=found.community.slug, event=found.id, key=chosen.key),
    )


@bp.post("/c/<slug>/events/<int:event>/delete")
def delete_event(slug: str, event: int) -> Any:
    found = find_event(slug, event)
    session = db()
    with transaction(session):
        services.delete_event(session, signed_in(), found)
    flash(
        f"“{found.title}” has been deleted. The community's managers can restore it for 30 days.", "success"
    )
    return redirect(url_for("events.index", slug=found.community.slug))
