"""Reporting a post and the moderators' decision, at the service level and through the pages: the
review queue, hiding with a reason (the post then leaves every list, count and search), keeping, the
reporter told the outcome, and the moderation log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.errors import Conflict, Forbidden, NotFound, ValidationError
from polka.forum.kinds import POST_KIND
from polka.forum.models import ForumPost, PostStatus
from polka.moderation import services
from polka.moderation.models import Outcome, Report, ReportReason
from tests.support import text


@pytest.fixture(autouse=True)
def _app_at_hand(app, session):
    """The app, for the services that build addresses (kinds' resolvers) outside a request."""
    session.info["app"] = app


@pytest.fixture
def thread(make, forum):
    """A community with a moderator, an author's topic, a reply by another member, and a reporter."""
    community = make.community("PNC Operators")
    moderator = make.member(community, role=Role.MODERATOR)
    author, replier, reporter = make.member(community), make.member(community), make.member(community)
    topic = forum.topic(forum.category(community), author, "Keeper checks", "How long do you wait?")
    reply = forum.reply(topic, replier, "Offensive words about another force")
    return community, moderator, author, replier, reporter, topic, reply


def _report(session, user, post, reason=ReportReason.INAPPROPRIATE, text=""):
    with session.info["app"].test_request_context(), transaction(session):  # resolvers build addresses
        return services.report(session, session.merge(user), POST_KIND, post.id, reason, text)


def test_a_report_reaches_the_moderators_queue_and_their_waiting_count(session, web, login, thread):
    community, moderator, _, _, reporter, _, reply = thread
    _report(session, reporter, reply, text="Insults the other force")
    login(moderator)
    assert "1 report waits for a moderator" in text(web.get("/"))
    page = text(web.get(f"/c/{community.slug}/moderation/"))
    assert "Offensive words about another force" in page
    assert "Inappropriate or offensive: “Insults the other force”" in page


def test_nobody_reports_their_own_post_twice_or_what_they_cannot_see(session, make, forum, thread):
    _, _, _, replier, reporter, _, reply = thread
    with pytest.raises(Forbidden, match="your own post"):
        _report(session, replier, reply)
    _report(session, reporter, reply)
    with pytest.raises(Conflict, match="already reported"):
        _report(session, reporter, reply)
    with pytest.raises(ValidationError, match="what is wrong"):
        _report(session, make.user(), reply, ReportReason.OTHER, "  ")
    hidden_away = make.community(visibility=Visibility.PRIVATE)
    private_topic = forum.topic(forum.category(hidden_away), make.member(hidden_away))
    opening = session.scalar(select(ForumPost).where(ForumPost.topic_id == private_topic.id))
    with pytest.raises(NotFound):
        _report(session, make.user(), opening)


def test_hiding_a_post_takes_it_out_of_the_thread_counts_and_search(session, web, login, make, thread):
    community, moderator, _, replier, reporter, topic, reply = thread
    _report(session, reporter, reply)
    login(moderator)
    queue = f"/c/{community.slug}/moderation/"
    response = web.post(
        f"{queue}decide",
        {"kind": POST_KIND, "target": str(reply.id), "outcome": "hidden", "reason": "Insults another force"},
        token_from=queue,
    )
    assert response.status_code == 302
    session.rollback()  # see what the request committed
    assert session.get(ForumPost, reply.id).status is PostStatus.HIDDEN
    login.as_member(community)
    thread_page = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert "Offensive words" not in thread_page
    assert "0 replies" in thread_page
    assert "Offensive" not in text(web.get("/search?q=offensive+words"))
    login(replier)
    own = text(web.get(f"/c/{community.slug}/forum/t/{topic.id}"))
    assert "Offensive words about another force" in own
    assert "Why it was hidden: Insults another force" in own
    login(reporter)
    assert "Hidden by a moderator" in text(web.get("/account/reports"))
    login(moderator)
    log = text(web.get(f"/c/{community.slug}/moderation/log"))
    assert "hidden" in log
    assert "Keeper checks" in log


def test_keeping_a_post_closes_its_reports_and_tells_the_reporters(session, make, thread):
    community, moderator, _, _, reporter, _, reply = thread
    _report(session, reporter, reply)
    _report(session, make.member(community), reply, ReportReason.OFF_TOPIC)
    with session.info["app"].test_request_context(), transaction(session):
        closed = services.decide(
            session, session.merge(moderator), session.merge(community), POST_KIND, reply.id, Outcome.KEPT
        )
    assert closed == 2
    assert {r.outcome for r in session.scalars(select(Report))} == {Outcome.KEPT}
    assert session.get(ForumPost, reply.id).status is PostStatus.PUBLISHED
    with (
        pytest.raises(Conflict, match="already dealt"),
        session.info["app"].test_request_context(),
        transaction(session),
    ):
        services.decide(
            session, session.merge(moderator), session.merge(community), POST_KIND, reply.id, Outcome.KEPT
        )


def test_hiding_needs_a_reason_and_the_queue_keeps_the_choice(session, web, login, thread):
    community, moderator, _, _, reporter, _, reply = thread
    _report(session, reporter, reply)
    login(moderator)
    queue = f"/c/{community.slug}/moderation/"
    response = web.post(
        f"{queue}decide",
        {"kind": POST_KIND, "target": str(reply.id), "outcome": "hidden", "reason": ""},
        token_from=queue,
    )
    assert response.status_code == 400
    assert "Enter a reason the author will see" in text(response)
    assert 'value="hidden" checked' in response.get_data(as_text=True)


def test_members_have_no_review_queue_or_moderation_log(web, login, thread):
    community = thread[0]
    login.as_member(community)
    assert web.get(f"/c/{community.slug}/moderation/").status_code == 403
    assert web.get(f"/c/{community.slug}/moderation/log").status_code == 403


def test_a_moderator_locks_with_a_reason_and_pins_and_the_log_says_so(session, web, login, thread):
    community, moderator, _, _, _, topic, _ = thread
    login(moderator)
    url = f"/c/{community.slug}/forum/t/{topic.id}"
    refused = web.post(f"{url}/lock", {"locked": "yes", "reason": " "}, token_from=url)
    assert refused.status_code == 400
    assert "Enter a reason" in text(refused)
    assert (
        web.post(
            f"{url}/lock", {"locked": "yes", "reason": "Answered at the March meeting"}, token_from=url
        ).status_code
        == 302
    )
    assert web.post(f"{url}/pin", {"pinned": "yes"}, token_from=url).status_code == 302
    page = text(web.get(url))
    assert "This topic is locked: Answered at the March meeting" in page
    log = text(web.get(f"/c/{community.slug}/moderation/log"))
    assert "locked" in log
    assert "pinned" in log


def test_members_cannot_lock_or_pin(web, login, thread):
    community, _, _, _, _, topic, _ = thread
    login.as_member(community)
    url = f"/c/{community.slug}/forum/t/{topic.id}"
    assert "Moderate this topic" not in text(web.get(url))
    assert web.post(f"{url}/lock", {"locked": "yes", "reason": "x"}, token_from=url).status_code == 403
    assert web.post(f"{url}/pin", {"pinned": "yes"}, token_from=url).status_code == 403
