"""What waits for an answer in a community, and how long answers took: forum questions and topics and
question sessions' questions, counted only as the viewer may see them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from polka.communities.models import Role
from polka.db import transaction, utcnow
from polka.forum.models import ForumPost, ForumTopic
from polka.live.models import LiveQuestion
from tests.conftest import Factory, Login
from tests.forum.conftest import ForumFactory
from tests.live.conftest import LiveFactory
from tests.support import Web, text


def _backdate(session: Session, model: type, item_id: int, days: float) -> None:
    with transaction(session):
        session.execute(
            update(model).where(model.id == item_id).values(created_at=utcnow() - timedelta(days=days))  # type: ignore[attr-defined]
        )


def test_unanswered_questions_silent_topics_and_the_slowest_answers(
    web: Web, login: Login, make: Factory, session: Session, forum: ForumFactory, live: LiveFactory
) -> None:
    community = make.community("Roads Policing")
    ann, ben = (make.member(community, make.user(name)) for name in ("Ann", "Ben"))
    moderator = make.member(community, make.user("Mo"), Role.MODERATOR)
    category = forum.category(community)
    waiting = forum.topic(category, ann, "Who signs off a tachograph check?", is_question=True)
    _backdate(session, ForumTopic, waiting.id, 10)
    silent = forum.topic(category, ben, "Notes from the regional meeting")
    _backdate(session, ForumTopic, silent.id, 12)
    recent = forum.topic(category, ben, "Asked only yesterday?", is_question=True)
    _backdate(session, ForumTopic, recent.id, 1)
    slow = forum.topic(category, ben, "How long is footage kept?", is_question=True)
    reply = forum.reply(slow, ann, "Thirty-one days.")
    _backdate(session, ForumTopic, slow.id, 0.5)
    with transaction(session):
        session.execute(
            update(ForumPost).where(ForumPost.id == reply.id).values(created_at=utcnow() - timedelta(hours=2))
        )
    held = live.session_in(community, moderator, moderators=[moderator], panel=[moderator])
    left = live.approved(held, ann, moderator, "Will the new forms be in Welsh?")
    _backdate(session, LiveQuestion, left.id, 9)
    quick = live.approved(held, ben, moderator, "Is the training online?")
    live.answer(held, moderator, quick, "Yes, from March.")
    live.move(held, "closed")
    login.as_manager(community)

    said = text(web.get(f"/c/{community.slug}/insights"))

    unanswered = said.split("Questions waiting more than 7 days for an answer")[1].split("Topics nobody")[0]
    assert "2 asked in the last year have had no answer" in unanswered
    session_question = "PNC changes: questions to the national lead – Question"  # named by its session
    assert unanswered.index("Who signs off a tachograph check?") < unanswered.index(session_question)
    assert "Asked only yesterday?" not in unanswered  # not a week yet
    unreplied = said.split("Topics nobody has replied to")[1].split("Slowest first answers")[0]
    assert "Notes from the regional meeting" in unreplied
    assert "Who signs off" not in unreplied  # a question is listed as one
    slowest = said.split("Slowest first answers")[1].split("Searches that led nowhere")[0]
    assert "2 questions asked in this period were answered" in slowest
    assert slowest.index("How long is footage kept?") < slowest.index(
        "PNC changes: questions to the national lead"
    )
    assert "10 hours" in slowest  # asked 12 hours ago, answered 2 hours ago

    later = text(web.get(f"/c/{community.slug}/insights?days=11"))
    assert "Every question asked here in the last year more than 11 days ago has had an answer" in later
    assert "Notes from the regional meeting" in later  # 12 days old


def test_what_others_may_not_read_waits_for_nobody(
    web: Web, login: Login, make: Factory, session: Session, forum: ForumFactory
) -> None:
    community = make.community("Custody Suites")
    ann = make.member(community, make.user("Ann"))
    held = forum.category(community, "Held", premoderated=True)
    topic = forum.topic(held, ann, "A question still waiting for a moderator", is_question=True)
    _backdate(session, ForumTopic, topic.id, 10)
    login.as_manager(community)

    said = text(web.get(f"/c/{community.slug}/insights"))

    assert "A question still waiting for a moderator" not in said
    assert "Every question asked here in the last year more than 7 days ago has had an answer" in said


def test_a_number_of_days_that_is_not_one_is_refused_plainly(web: Web, login: Login, make: Factory) -> None:
    community = make.community("Roads Policing")
    login.as_manager(community)
    for days in ("0", "366", "a week"):
        page = web.get(f"/c/{community.slug}/insights?days={days}")
        assert page.status_code == 400
        assert "Give the number of days as a whole number from 1 to 365" in text(page)
        assert f'value="{days}"' in page.get_data(as_text=True)  # kept as typed
