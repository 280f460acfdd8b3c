"""Fifty people pressing "going" at the same moment for ten places: exactly ten going and forty
waiting, on SQLite and PostgreSQL (the suite runs on both); and ten of those going dropping out at
once promote exactly ten of the waiting, first come first served."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from polka.db import transaction
from polka.events import attendance
from polka.events.models import Answer, Event, EventAnswer, EventPlaces
from polka.events.schedule import occurrence_of

PEOPLE, PLACES = 50, 10


def _everyone_at_once(app, people, event_id, given):
    factory = app.extensions["polka.sessions"]
    start = threading.Barrier(len(people))

    def press(person_id: int) -> str:
        own = factory()
        try:
            start.wait(timeout=60)
            with transaction(own):  # as a POST request: a write from its first statement
                event = own.get(Event, event_id)
                occurrence = occurrence_of(event, event.start_at)
                person = own.get(type(people[0]), person_id)
                answered = attendance.answer(own, person, event, occurrence, given)
            return "waiting" if answered.answer.waiting else answered.answer.answer.value
        finally:
            own.close()

    with ThreadPoolExecutor(len(people)) as pool:
        return list(pool.map(press, [p.id for p in people]))


def test_fifty_going_at_once_for_ten_places(app, make, events, session):
    community = make.community("PNC Operators")
    event = events.event(community, make.member(community), "Training webinar", capacity=str(PLACES))
    people = [make.member(community, make.user(f"Attendee {n}")) for n in range(PEOPLE)]
    outcomes = _everyone_at_once(app, people, event.id, Answer.GOING)
    assert outcomes.count("going") == PLACES
    assert outcomes.count("waiting") == PEOPLE - PLACES
    session.rollback()
    session.expire_all()
    assert session.scalar(select(EventPlaces.going)) == PLACES
    assert session.scalar(select(func.count()).select_from(EventAnswer)) == PEOPLE

    going = [p for p, outcome in zip(people, outcomes, strict=True) if outcome == "going"]
    waiting_ids = list(
        session.scalars(
            select(EventAnswer.user_id)
            .where(EventAnswer.waiting.is_(True))
            .order_by(EventAnswer.answered_at, EventAnswer.id)
        )
    )
    dropped = _everyone_at_once(app, going, event.id, Answer.NOT_GOING)
    assert dropped == ["not_going"] * PLACES
    session.rollback()
    session.expire_all()
    assert session.scalar(select(EventPlaces.going)) == PLACES
    promoted = set(
        session.scalars(
            select(EventAnswer.user_id).where(
                EventAnswer.answer == Answer.GOING, EventAnswer.waiting.is_(False)
            )
        )
    )
    assert promoted == set(waiting_ids[:PLACES])  # the first ten to wait, whoever dropped out first
