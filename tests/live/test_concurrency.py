"""Clicks at the same moment, on SQLite and PostgreSQL (the suite runs on both): forty participants
voting for one question at once are each counted once; two moderators acting on one question at once
— one wins and the other is told what became of it; the versions a watching page reads grow by one
with each change, whatever the interleaving, so no page misses a change."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from polka.accounts.models import User
from polka.communities.models import Role
from polka.db import transaction
from polka.errors import Conflict
from polka.live import moderating, questions
from polka.live.models import LiveQuestion, LiveSession, LiveVote, Status

VOTERS = 40


def _at_once(
    app: Any, people: list[User], live_id: int, act: Callable[[Any, User, LiveSession], str]
) -> list[str]:
    """Each of ``people`` does ``act`` at the same moment, each as its own request would."""
    factory = app.extensions["polka.sessions"]
    start = threading.Barrier(len(people))

    def press(person_id: int) -> str:
        own = factory()
        try:
            start.wait(timeout=60)
            try:
                with transaction(own):
                    live = own.get(LiveSession, live_id)
                    person = own.get(User, person_id)
                    assert live is not None
                    assert person is not None
                    return act(own, person, live)
            except Conflict as refused:
                return str(refused)
        finally:
            own.close()

    with ThreadPoolExecutor(len(people)) as pool:
        return list(pool.map(press, [p.id for p in people]))


def test_forty_votes_at_once_are_each_counted_once(app, make, live, session):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    held = live.session_in(community, make.member(community))
    question = live.approved(held, make.member(community), moderator, "Popular question?")
    people = [make.member(community, make.user(f"Voter {n}")) for n in range(VOTERS)]
    before = live.fresh(held).version

    def vote(own: Any, person: User, found: LiveSession) -> str:
        return str(questions.vote(own, person, found, question.id))

    counts = _at_once(app, people, held.id, vote)
    assert sorted(int(c) for c in counts) == list(range(1, VOTERS + 1))  # each saw its own vote counted
    session.rollback()
    session.expire_all()
    assert session.get(LiveQuestion, question.id).vote_count == VOTERS
    assert session.scalar(select(func.count()).select_from(LiveVote)) == VOTERS
    assert live.fresh(held).version == before + VOTERS  # one version for each change

    again = _at_once(app, people[:10], held.id, vote)  # the same people pressing again: once each
    assert again == ["You have already voted for this question."] * 10
    session.rollback()
    session.expire_all()
    assert session.get(LiveQuestion, question.id).vote_count == VOTERS


def test_two_moderators_acting_on_one_question_at_once_one_wins_the_other_is_told(app, make, live, session):
    community = make.community("PNC Operators")
    approver = make.member(community, make.user("Ann Approver"), Role.MODERATOR)
    rejecter = make.member(community, make.user("Rob Rejecter"), Role.MODERATOR)
    held = live.session_in(community, make.member(community))
    outcomes: dict[str, int] = {}
    for n in range(6):
        asked = live.ask(held, make.member(community), f"Question {n}")

        def decide(own: Any, person: User, found: LiveSession, asked_id: int = asked.id) -> str:
            if person.id == approver.id:
                moderating.approve(own, person, found, asked_id)
                return "approved"
            moderating.reject(own, person, found, asked_id, "Duplicate")
            return "rejected"

        said = _at_once(app, [approver, rejecter], held.id, decide)
        assert len([s for s in said if s in ("approved", "rejected")]) == 1, said  # exactly one wins
        told = next(s for s in said if s not in ("approved", "rejected"))
        assert told in (
            "Another moderator has already approved this question.",
            "Another moderator has already turned this question down.",
        )
        session.rollback()
        session.expire_all()
        status = session.get(LiveQuestion, asked.id).status
        winner = "approved" if status is Status.APPROVED else "rejected"
        assert winner in said
        outcomes[winner] = outcomes.get(winner, 0) + 1
    assert sum(outcomes.values()) == 6
