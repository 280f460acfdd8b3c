"""What a reader keeps track of: following a topic, a category or the whole forum (and the "followed"
filter), tags (and the tag filter), unread markers, "new since your last visit" and views — with a
post waiting for a moderator or hidden never counted as new."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.communities.models import Visibility
from polka.db import transaction
from polka.errors import ValidationError
from polka.forum import services
from polka.forum.kinds import CATEGORY_KIND, FORUM_KIND, TOPIC_KIND
from polka.forum.moderation import hide_post
from polka.forum.search import ForumSearch
from polka.subscriptions.models import Subscription
from tests.support import text


def forum_url(community, suffix=""):
    return f"/c/{community.slug}/forum/{suffix}"


def topic_url(community, topic):
    return forum_url(community, f"t/{topic.id}")


def subscriptions(session, user):
    session.rollback()
    return set(
        session.execute(
            select(Subscription.kind, Subscription.object_id).where(Subscription.user_id == user.id)
        )
    )


def test_a_reader_follows_a_topic_a_category_and_the_whole_forum(web, login, session, make, forum):
    community = make.community("PNC Operators")
    category = forum.category(community, "Questions")
    topic = forum.topic(category, make.member(community))
    reader = login.as_member(community)
    for url, follow in [
        (topic_url(community, topic), f"{topic_url(community, topic)}/follow"),
        (forum_url(community, "questions/"), forum_url(community, "questions/follow")),
        (forum_url(community), forum_url(community, "follow")),
    ]:
        assert web.post(follow, {"following": "yes"}, token_from=url).status_code == 302
    assert subscriptions(session, reader) == {
        (TOPIC_KIND, topic.id),
        (CATEGORY_KIND, category.id),
        (FORUM_KIND, community.id),
    }
    assert "Stop following this topic" in text(web.get(topic_url(community, topic)))
    web.post(
        f"{topic_url(community, topic)}/follow", {"following": "no"}, token_from=topic_url(community, topic)
    )
    assert (TOPIC_KIND, topic.id) not in subscriptions(session, reader)


def test_nobody_follows_what_they_may_not_see(web, login, make, forum):
    community = make.community("Covert Methods", visibility=Visibility.PRIVATE)
    category = forum.category(community, "Tactics")
    topic = forum.topic(category, make.member(community))
    login.as_new_user()
    for path in (f"t/{topic.id}/follow", "tactics/follow", "follow"):
        assert web.post(forum_url(community, path), {"following": "yes"}, token_from="/").status_code == 404


def test_the_followed_filter_lists_followed_topics_and_those_in_followed_categories(web, login, make, forum):
    community = make.community("PNC Operators")
    author = make.member(community)
    questions, news = forum.category(community, "Questions"), forum.category(community, "News")
    followed = forum.topic(questions, author, "Followed topic")
    forum.topic(questions, author, "Other question")
    forum.topic(news, author, "News item")
    login.as_member(community)
    web.post(f"{topic_url(community, followed)}/follow", {"following": "yes"}, token_from="/")
    web.post(forum_url(community, "news/follow"), {"following": "yes"}, token_from="/")
    listed = text(web.get(forum_url(community, "latest?show=followed")))
    assert "Followed topic" in listed
    assert "News item" in listed
    assert "Other question" not in listed


def test_tags_are_kept_tidy_shown_and_filter_the_lists(web, login, make, forum):
    community = make.community("PNC Operators")
    author = make.member(community)
    category = forum.category(community, "Questions")
    forum.topic(category, author, "Keeper checks", tags="DVLA,  keeper checks, dvla")
    forum.topic(category, author, "Reason codes", tags="audit")
    login.as_member(community)
    page = text(web.get(forum_url(community, "questions/?tag=dvla")))
    assert "Keeper checks" in page
    assert "Reason codes" not in page
    assert "Topics tagged dvla" in page
    assert "keeper checks" in text(web.get(forum_url(community, "latest?tag=keeper+checks")))
    assert "Keeper checks" not in text(web.get(forum_url(community, "latest?tag=keeper")))  # whole tags only


def test_the_starter_retags_a_topic_and_a_bad_tag_is_refused(web, login, session, make, forum):
    community = make.community()
    starter = login.as_member(community)
    topic = forum.topic(forum.category(community), starter, tags="one")
    url = topic_url(community, topic)
    assert web.post(f"{url}/tags", {"tags": "two, three"}, token_from=url).status_code == 302
    assert "two" in text(web.get(forum_url(community, "latest?tag=three")))
    refused = web.post(f"{url}/tags", {"tags": "x" * 41}, token_from=url)
    assert refused.status_code == 400
    assert "Each tag must be 40 characters or fewer" in text(refused)
    login.as_member(community)
    assert web.post(f"{url}/tags", {"tags": "mine"}, token_from=url).status_code == 403


def test_more_than_ten_tags_are_refused(make, forum):
    community = make.community()
    with pytest.raises(ValidationError, match="at most 10 tags"):
        forum.topic(
            forum.category(community), make.member(community), tags=",".join(f"t{n}" for n in range(11))
        )


def test_unread_markers_and_new_since_the_last_visit(web, login, session, make, forum):
    community = make.community("PNC Operators")
    author = make.member(community)
    category = forum.category(community, "Questions")
    topic = forum.topic(category, author, "Keeper checks")
    login.as_member(community)
    listing = forum_url(community, "questions/")
    assert "Keeper checks New" in text(web.get(listing))  # never opened
    assert "New since your last visit" not in text(web.get(topic_url(community, topic)))
    assert "Keeper checks New" not in text(web.get(listing))
    forum.reply(topic, author, "Four weeks.")
    waiting = forum.reply(topic, author, "Hidden words.")
    with transaction(session):
        hide_post(session, make.admin(), waiting.id, "Off-topic")
    page = text(web.get(listing))
    assert "1 new post since you last read “Keeper checks”" in page  # the hidden one is not new
    shown = web.get(topic_url(community, topic)).get_data(as_text=True)
    assert shown.index("New since your last visit") < shown.index("Four weeks.")
    assert "1 new" not in text(web.get(listing))


def test_views_count_people_not_reloads(web, login, make, forum):
    community = make.community()
    topic = forum.topic(forum.category(community), make.member(community), "Keeper checks")
    login.as_member(community)
    web.get(topic_url(community, topic))
    web.get(topic_url(community, topic))
    login.as_member(community)
    assert "1 reply" not in text(web.get(topic_url(community, topic)))
    assert "2 views" in text(web.get(forum_url(community, "latest")))


def test_a_topics_tags_are_in_its_posts_search_documents(session, make, forum):
    community = make.community()
    author = make.member(community)
    topic = forum.topic(forum.category(community), author, tags="one")
    reply = forum.reply(topic, author)
    with transaction(session):
        services.set_tags(session, session.merge(author), forum.fresh(topic), "two, three")
    assert ForumSearch().documents(session, [reply.id])[reply.id].tags == ("two", "three")
