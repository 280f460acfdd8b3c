"""Demo question sessions in PNC Operators: last month's session with the national lead (its transcript:
questions answered in order, one left for follow-up, one turned down that only its author sees), one
live now with questions approved, voted for and waiting, and one next week taking questions in advance.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.content.feature import DemoWorld
from polka.db import utcnow
from polka.live import answering, moderating, questions, services
from polka.live.models import LiveSession


def _session(
    session: Session,
    organiser: User,
    world: DemoWorld,
    title: str,
    description: str,
    *,
    anonymous_allowed: bool = False,
) -> LiveSession:
    """A session in PNC Operators, scheduled for tomorrow (its times are set by the caller)."""
    tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    return services.create_session(
        session,
        organiser,
        world.communities["pnc"],
        services.SessionFields(
            title=title,
            description=description,
            date=tomorrow,
            opens="10:00",
            closes="11:30",
            panel=f"@{world.people['pnc_lead'].handle}",
            moderators=f"@{world.people['nw_coord'].handle}",
            anonymous_allowed=anonymous_allowed,
        ),
    )


def load_demo_live(world: DemoWorld) -> None:
    """Write the demo sessions, questions, votes and answers (the caller commits)."""
    session, people = world.session, world.people
    lead, moderator = people["pnc_lead"], people["nw_coord"]
    now = utcnow()

    past = _session(
        session,
        lead,
        world,
        "PNC changes in April: questions to the national lead",
        "Sandra Okafor, chair of the national user group, answers questions on the changes to PNC "
        "coming in April: the new wanted/missing screens, court resulting and training.",
        anonymous_allowed=True,
    )
    asked = [
        ("pnc_op1", "Will the new wanted/missing screens need separate training for supervisors?", False),
        ("pnc_op2", "Do court results keyed before the change need re-entering?", False),
        ("pnc_op4", "Is there a test environment we can use before go-live?", True),
        ("wales_coord", "Will the Welsh-language screens change at the same time?", False),
    ]
    approved = []
    for key, text, anonymous in asked:
        question = questions.ask(session, people[key], past, text, anonymous=anonymous)
        approved.append(moderating.approve(session, moderator, past, question.id))
    for voter in ("ldn_coord", "pnc_op6", "wales_coord", "pnc_op4"):
        questions.vote(session, people[voter], past, approved[0].id)
    for voter in ("pnc_op1", "pnc_op6"):
        questions.vote(session, people[voter], past, approved[2].id)
    answering.answer(
        session,
        lead,
        past,
        approved[0].id,
        "Yes: supervisors take a one-hour online module **before** 1 April. The link goes to every "
        "force's PNC manager this week.",
    )
    answering.answer(
        session,
        lead,
        past,
        approved[2].id,
        "Yes. The test environment opens on 10 March; ask your force PNC manager for an account.",
    )
    answering.answer(
        session, lead, past, approved[1].id, "No: results already keyed are carried over as they are."
    )
    refused = questions.ask(session, people["pnc_op6"], past, "Why is this always so badly planned?")
    moderating.reject(
        session,
        moderator,
        past,
        refused.id,
        "Please ask about the changes themselves: this one isn't a question.",
    )
    past.opens_at, past.closes_at = now - timedelta(days=30, hours=2), now - timedelta(days=30)
    session.flush()

    current = _session(
        session,
        lead,
        world,
        "PNC data quality: open questions",
        "Ask anything about the quarterly data quality figures by force.",
    )
    current.opens_at, current.closes_at = now - timedelta(minutes=20), now + timedelta(hours=11)
    session.flush()
    first = moderating.approve(
        session,
        moderator,
        current,
        questions.ask(session, people["pnc_op1"], current, "Why did our timeliness figure drop in March?").id,
    )
    second = moderating.approve(
        session,
        moderator,
        current,
        questions.ask(session, people["pnc_op2"], current, "Are the figures adjusted for bank holidays?").id,
    )
    for voter in ("pnc_op4", "pnc_op6", "ldn_coord"):
        questions.vote(session, people[voter], current, second.id)
    questions.vote(session, people["pnc_op6"], current, first.id)
    answering.set_answering(session, lead, current, second.id)
    questions.ask(session, people["pnc_op4"], current, "Can we see the figures for each region too?")

    coming = _session(
        session,
        lead,
        world,
        "Vehicle records: ask the DVLA liaison team",
        "Questions are taken now: send yours in advance.",
    )
    coming.opens_at, coming.closes_at = now + timedelta(days=7), now + timedelta(days=7, hours=1)
    session.flush()
    questions.ask(session, people["pnc_op1"], coming, "When will keeper changes show on PNC the same day?")
    session.flush()
