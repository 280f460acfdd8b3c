"""Questions are a moderated kind of the core moderation module: the community's moderators see the
questions waiting in their header and their review queue (and approve or reject them there, through the
same rules), and participants report an approved question, which a moderator hides from the queue."""

from __future__ import annotations

from sqlalchemy import select

from polka.communities.models import Role
from polka.live.models import LiveQuestion, Status
from tests.support import text


def test_community_moderators_see_questions_waiting_and_decide_them_in_the_review_queue(
    web, login, make, live, session
):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    held = live.session_in(community, make.member(community), state="scheduled")  # questions in advance
    first = live.ask(held, make.member(community, make.user("Ann Asker")), "Sent in advance: first?")
    second = live.ask(held, make.member(community), "Sent in advance: second?")
    login(moderator)
    home = text(web.get("/"))
    assert "2 questions wait for approval in the question sessions of PNC Operators" in home
    queue = text(web.get(f"/c/{community.slug}/moderation/"))
    assert "Sent in advance: first?" in queue
    assert "Question in “PNC changes: questions to the national lead”" in queue
    response = web.post(
        f"/c/{community.slug}/moderation/approve",
        {"kind": "live.question", "target": str(first.id), "outcome": "approve"},
    )
    assert response.status_code == 302
    response = web.post(
        f"/c/{community.slug}/moderation/approve",
        {"kind": "live.question", "target": str(second.id), "outcome": "reject", "reason": "Asked already"},
    )
    assert response.status_code == 302
    session.rollback()
    statuses = dict(session.execute(select(LiveQuestion.id, LiveQuestion.status)).all())
    assert statuses == {first.id: Status.APPROVED, second.id: Status.REJECTED}
    assert "questions wait for approval" not in text(web.get("/"))


def test_a_reported_question_is_hidden_from_the_review_queue(web, login, make, live, session):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    held = live.session_in(community, make.member(community))
    question = live.approved(held, make.member(community), moderator, "A question someone reports")
    login(make.member(community))
    response = web.post(
        f"/report/live.question/{question.id}",
        {"reason": "inappropriate"},
        token_from=f"/report/live.question/{question.id}",
    )
    assert response.status_code == 302
    login(moderator)
    assert "A question someone reports" in text(web.get(f"/c/{community.slug}/moderation/"))
    response = web.post(
        f"/c/{community.slug}/moderation/decide",
        {
            "kind": "live.question",
            "target": str(question.id),
            "outcome": "hidden",
            "reason": "Not appropriate",
        },
    )
    assert response.status_code == 302
    login(make.member(community))
    assert "A question someone reports" not in text(web.get(f"/c/{community.slug}/live/{held.id}"))
