"""After posting: edits with their history (author within the grace period, moderators always),
deleting one's own post (a stub stays), a question's accepted answer, and helpful marks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from polka.communities.models import Role
from polka.db import transaction
from polka.errors import Forbidden, ValidationError
from polka.forum import posts
from polka.forum.models import ForumPost
from polka.forum.search import ANSWERED_BOOST, ForumSearch
from tests.support import text


@pytest.fixture
def question(make, forum):
    community = make.community("PNC Operators")
    asker, answerer = make.member(community), make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    topic = forum.topic(forum.category(community), asker, "Keeper checks", "How long?", is_question=True)
    answer = forum.reply(topic, answerer, "Four weeks.")
    return community, asker, answerer, moderator, topic, answer


def topic_url(community, topic, suffix=""):
    return f"/c/{community.slug}/forum/t/{topic.id}{suffix}"


def test_an_author_edits_their_post_and_readers_see_what_changed(web, login, question):
    community, _, answerer, _, topic, answer = question
    login(answerer)
    url = topic_url(community, topic, f"/posts/{answer.number}/edit")
    response = web.post(url, {"body": "Four weeks, then ask the bureau.", "action": "save"}, token_from=url)
    assert response.status_code == 302
    login.as_member(community)
    page = text(web.get(topic_url(community, topic)))
    assert "Four weeks, then ask the bureau." in page
    assert "Edited" in page
    history = text(web.get(topic_url(community, topic, f"/posts/{answer.number}/history")))
    assert "Removed: Four weeks." in history
    assert "Added: Four weeks, then ask the bureau." in history


def test_an_author_cannot_edit_after_the_grace_period_but_a_moderator_can(session, web, login, question):
    community, _, answerer, moderator, topic, answer = question
    with transaction(session):
        session.execute(
            update(ForumPost)
            .where(ForumPost.id == answer.id)
            .values(created_at=answer.created_at - timedelta(days=2))
        )
    login(answerer)
    assert web.get(topic_url(community, topic, f"/posts/{answer.number}/edit")).status_code == 403
    login(moderator)
    url = topic_url(community, topic, f"/posts/{answer.number}/edit")
    assert (
        web.post(url, {"body": "Tidied by a moderator.", "action": "save"}, token_from=url).status_code == 302
    )
    log = text(web.get(f"/c/{community.slug}/moderation/log"))
    assert "edited" in log


def test_an_empty_edit_is_refused_and_keeps_nothing_lost(web, login, question):
    community, _, answerer, _, topic, answer = question
    login(answerer)
    url = topic_url(community, topic, f"/posts/{answer.number}/edit")
    response = web.post(url, {"body": "   ", "action": "save"}, token_from=url)
    assert response.status_code == 400
    assert "Enter your message" in text(response)


def test_deleting_ones_own_post_leaves_a_stub_and_the_count_follows(session, web, login, forum, question):
    community, _, answerer, _, topic, answer = question
    login(answerer)
    url = topic_url(community, topic)
    assert web.post(f"{url}/posts/{answer.number}/delete", {}, token_from=url).status_code == 302
    login.as_member(community)
    page = text(web.get(url))
    assert "Deleted by its author." in page
    assert "Four weeks." not in page
    assert forum.fresh(topic).reply_count == 0


def test_nobody_deletes_someone_elses_post(session, question):
    _, asker, _, _, _, answer = question
    with pytest.raises(Forbidden, match="only your own"), transaction(session):
        posts.delete_own_post(session, session.merge(asker), session.merge(answer))


def test_the_asker_accepts_an_answer_which_shows_under_the_question(web, login, question):
    community, asker, _, _, topic, answer = question
    login(asker)
    url = topic_url(community, topic)
    assert web.post(f"{url}/accept", {"post": str(answer.number)}, token_from=url).status_code == 302
    page = text(web.get(url))
    assert "Answered" in page
    assert page.index("Accepted answer") < page.index("Reply")
    listed = text(web.get(f"/c/{community.slug}/forum/{topic.category.slug}/?show=unanswered"))
    assert "Keeper checks" not in listed


def test_an_answer_from_another_topic_is_refused_with_a_clear_message(session, make, forum, question):
    community, asker, answerer, _, topic, _ = question
    other = forum.topic(forum.category(community, "Other"), answerer, "Other question")
    elsewhere = forum.reply(other, asker, "An answer elsewhere")
    with pytest.raises(ValidationError, match="not in this topic"), transaction(session):
        posts.accept_answer(session, session.merge(asker), forum.fresh(topic), session.merge(elsewhere))


def test_only_the_asker_or_a_moderator_accepts(session, question):
    _, _, answerer, _, topic, answer = question
    with pytest.raises(Forbidden, match="Only the person who asked"), transaction(session):
        posts.accept_answer(session, session.merge(answerer), session.merge(topic), session.merge(answer))


def test_helpful_marks_count_once_per_person_and_say_who(web, login, make, question):
    community, _, answerer, _, topic, answer = question
    url = topic_url(community, topic)
    for name in ("Alice Ames", "Bob Brown"):
        login(make.member(community, make.user(name)))
        helpful = f"{url}/posts/{answer.number}/helpful"
        web.post(helpful, {"helpful": "yes"}, token_from=url)
        web.post(helpful, {"helpful": "yes"}, token_from=url)  # twice counts once
    page = text(web.get(url))
    assert "2 people found this helpful" in page
    assert "Alice Ames, Bob Brown" in page
    login(answerer)
    response = web.post(f"{url}/posts/{answer.number}/helpful", {"helpful": "yes"}, token_from=url)
    assert response.status_code == 403


def test_an_answered_question_and_its_answer_rank_higher_in_search(session, question):
    _community, asker, _answerer, _moderator, topic, answer = question
    opening = session.scalar(
        select(ForumPost.id).where(ForumPost.topic_id == topic.id, ForumPost.number == 1)
    )
    assert ForumSearch().documents(session, [opening])[opening].boost == 1.0
    with transaction(session):
        posts.accept_answer(session, session.merge(asker), session.merge(topic), session.merge(answer))
    documents = ForumSearch().documents(session, [opening, answer.id])
    assert documents[opening].boost == documents[answer.id].boost == ANSWERED_BOOST > 1


def test_recount_rebuilds_helpful_counts_from_the_marks(app, session, make, question):
    _community, asker, _answerer, _moderator, _topic, answer = question
    with transaction(session):
        posts.mark_helpful(session, session.merge(asker), session.merge(answer), helpful=True)
    with transaction(session):
        session.execute(update(ForumPost).values(helpful_count=9))
    result = app.test_cli_runner().invoke(args=["forum", "recount"])
    assert result.exit_code == 0, result.output
    assert "Recounted helpful marks: 2 posts had the wrong count." in result.output
    session.expire_all()
    assert [post.helpful_count for post in session.scalars(select(ForumPost).order_by(ForumPost.id))] == [
        0,
        1,
    ]
