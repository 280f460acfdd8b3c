"""Demo events, around today: PNC Operators' quarterly national user group (past meetings and coming
ones, one moved; the past ones with their agenda and minutes, the last one's minutes still due, actions
from the minutes, the next one's agenda and papers), the North West region's monthly meetings (shown in
the national calendar marked with their region), a training webinar whose places are full with people
waiting, and the Forensics community's OFFICIAL-SENSITIVE planning meeting."""

from __future__ import annotations

import io
from datetime import date, timedelta

from polka.content.feature import DemoWorld
from polka.content.filing import Paper
from polka.db import utcnow
from polka.events import attendance, packs, services
from polka.events.models import Answer, Event, PaperRole
from polka.events.schedule import Occurrence, in_window
from polka.markings import Marking
from polka.recurrence import Repeat


def _nth_weekday(day: date, weekday: int, nth: int) -> date:
    """The ``nth`` ``weekday`` (Monday 0) of ``day``'s month."""
    first = day.replace(day=1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))


def load_demo_events(world: DemoWorld) -> None:
    """Write the demo events and answers (the caller commits)."""
    session, people, communities = world.session, world.people, world.communities
    today = utcnow().date()
    pnc, north_west, forensics = communities["pnc"], communities["pnc_north_west"], communities["forensics"]

    a_year_ago = _nth_weekday(today - timedelta(days=365), 1, 2)  # a second Tuesday
    user_group = services.create_event(
        session,
        people["pnc_lead"],
        pnc,
        services.EventFields(
            title="National PNC user group",
            start_date=a_year_ago.isoformat(),
            start_time="10:00",
            end_time="15:30",
            repeat=Repeat.QUARTERLY,
            repeat_count="12",
            location="Hendon Peel Centre, London, lecture theatre 2",
            online_link="https://teams.example.police.uk/meet/pnc-user-group",
            contact="PNC user group secretariat, 020 7946 0000",
            capacity="60",
            minutes_taken=True,
            description=(
                "The national user group meets every quarter.\n\n"
                "**Standing agenda**\n\n1. Minutes and actions of the last meeting\n2. Changes coming to PNC\n"
                "3. Data quality: figures by force\n4. Questions from the regions"
            ),
        ),
    )
    coming = in_window([user_group], utcnow(), utcnow() + timedelta(days=400))
    if len(coming) > 1:  # the meeting after next moves to the afternoon
        later = coming[1]
        services.change_occurrence(
            session,
            people["pnc_lead"],
            user_group,
            later,
            services.OccurrenceFields(
                start_date=later.start.at.date().isoformat(),
                start_time="13:00",
                end_date=later.start.at.date().isoformat(),
                end_time="17:00",
                location="Hendon Peel Centre, London, lecture theatre 2",
            ),
        )
    for person in ("nw_coord", "ldn_coord", "wales_coord", "pnc_op1", "pnc_op4"):
        if coming:
            attendance.answer(session, people[person], user_group, coming[0], Answer.GOING)
    _user_group_packs(world, user_group, coming[0] if coming else None)

    first_thursday = _nth_weekday(today - timedelta(days=120), 3, 1)
    services.create_event(
        session,
        people["nw_coord"],
        north_west,
        services.EventFields(
            title="North West regional meeting",
            start_date=first_thursday.isoformat(),
            start_time="10:00",
            end_time="12:00",
            repeat=Repeat.MONTHLY_WEEKDAY,
            repeat_count="12",
            location="GMP headquarters, Central Park, Manchester, room 3.02",
            description="Regional practice, the national group's news and local data quality.",
        ),
    )

    webinar_day = today + timedelta(days=10)
    webinar = services.create_event(
        session,
        people["pnc_lead"],
        pnc,
        services.EventFields(
            title="Training webinar: vehicle keeper checks",
            start_date=webinar_day.isoformat(),
            start_time="14:00",
            end_time="15:00",
            online_link="https://teams.example.police.uk/meet/keeper-checks",
            capacity="3",
            names_shown=True,
            description="An hour on keeper checks after a sale: what the record shows, and when to re-check.",
        ),
    )
    only = in_window([webinar], utcnow(), utcnow() + timedelta(days=30))[0]
    for person in ("pnc_op1", "pnc_op2", "pnc_op4", "pnc_op6", "wales_coord"):
        attendance.answer(session, people[person], webinar, only, Answer.GOING)

    services.create_event(
        session,
        people["forensics_lead"],
        forensics,
        services.EventFields(
            title="Operation Larkspur: scene examination planning",
            start_date=(today + timedelta(days=5)).isoformat(),
            start_time="09:30",
            end_time="11:00",
            location="West Yorkshire forensic hub, room 4",
            marking=Marking.OFFICIAL_SENSITIVE,
            description="Sequencing of the scene examinations and the submissions to the laboratory.",
        ),
    )


AGENDA = """National PNC user group: agenda, {day}

1. Minutes and actions of the last meeting
2. Changes coming to PNC this quarter
3. Data quality: figures by force
4. Questions from the regions
5. Any other business
"""

MINUTES = """National PNC user group: minutes of the meeting on {day}

Present: the national lead, the regional coordinators for London, the North West and Wales.

1. The minutes of the last meeting were agreed.
2. Changes coming to PNC: the release notes were walked through; forces asked for more notice of
   changes to the vehicle keeper screens.
3. Data quality: the figures by force were reviewed; two forces will check their backlog of
   unconfirmed disposals.
4. Questions from the regions: the North West asked for a training webinar on keeper checks.
"""


def _paper(text: str, filename: str, title: str) -> Paper:
    data = text.encode()
    return Paper(io.BytesIO(data), filename, len(data) + 1, title=title, marking=Marking.OFFICIAL)


def _user_group_packs(world: DemoWorld, user_group: Event, next_one: Occurrence | None) -> None:
    """Each past meeting's agenda and minutes, but the last one's minutes are due; actions from the
    minutes before it (one done, one overdue, one due soon); the next meeting's agenda."""
    session, lead = world.session, world.people["pnc_lead"]
    past = [o for o in in_window([user_group], user_group.first_start_utc, utcnow()) if not o.cancelled]
    for number, held in enumerate(past, 1):
        day = f"{held.start.at.day} {held.start.at:%B %Y}"
        stamp = f"{held.start.at:%Y-%m}"
        packs.upload_paper(
            session,
            lead,
            world.files,
            user_group,
            held,
            _paper(AGENDA.format(day=day), f"agenda-{stamp}.txt", f"User group agenda, {day}"),
            PaperRole.AGENDA,
        )
        if number < len(past):  # the last meeting's minutes are still to be written
            packs.upload_paper(
                session,
                lead,
                world.files,
                user_group,
                held,
                _paper(MINUTES.format(day=day), f"minutes-{stamp}.txt", f"User group minutes, {day}"),
                PaperRole.MINUTES,
            )
        if number == len(past) - 1:
            held_on, today = held.start.at.date(), utcnow().date()
            for who, what, due in (
                (
                    "pnc_op1",
                    "Check the backlog of unconfirmed disposals in Merseyside",
                    today + timedelta(days=12),
                ),
                (
                    "wales_coord",
                    "Collect the regions' questions on the keeper screens",
                    held_on + timedelta(weeks=6),
                ),
                (
                    "nw_coord",
                    "Ask the training team for a keeper checks webinar",
                    held_on + timedelta(weeks=4),
                ),
            ):
                action = packs.add_action(
                    session,
                    lead,
                    user_group,
                    held,
                    packs.ActionFields(what, f"@{world.people[who].handle}", due.isoformat()),
                )
                if who == "nw_coord":  # the webinar is on the calendar
                    packs.set_done(session, world.people[who], user_group, action.id, done=True)
    if next_one is not None:
        day = f"{next_one.start.at.day} {next_one.start.at:%B %Y}"
        packs.upload_paper(
            session,
            lead,
            world.files,
            user_group,
            next_one,
            _paper(
                AGENDA.format(day=day), f"agenda-{next_one.start.at:%Y-%m}.txt", f"User group agenda, {day}"
            ),
            PaperRole.AGENDA,
        )
