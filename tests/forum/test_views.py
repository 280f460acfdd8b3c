"""The forum through the browser's eyes: the categories, starting a topic with a preview, replying,
forms that keep what was typed, pages of a long topic, who is refused what, and managers' categories."""

from __future__ import annotations

import html
import re

from sqlalchemy import func, select

from polka.communities.models import Visibility
from polka.forum.kinds import POSTS_PER_PAGE
from polka.forum.models import CategoryMode, ForumCategory, ForumPost, ForumTopic
from polka.markings import Marking
from tests.support import text


def forum_url(community, suffix=""):
    return f"/c/{community.slug}/forum/{suffix}"


def topic_form(title="Keeper checks", body="How long do you wait?", **extra):
    return {"title": title, "body": body, "marking": "OFFICIAL", "action": "save", **extra}


def test_the_forum_lists_its_categories_with_the_topics_the_reader_may_see(web, login, make, forum):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    category = forum.category(community, "Questions")
    author = make.member(community)
    forum.topic(category, author, "Open question")
    forum.topic(category, author, "Sensitive question", marking=Marking.OFFICIAL_SENSITIVE)
    login.as_new_user()  # not a member: reads the open community, not its sensitive topic
    page = text(web.get(forum_url(community)))
    assert "Questions" in page
    assert "1 topic" in page
    listed = text(web.get(forum_url(community, "questions/")))
    assert "Open question" in listed
    assert "Sensitive question" not in listed


def test_a_member_previews_then_posts_a_topic_and_sees_it(web, login, session, make, forum):
    community = make.community()
    forum.category(community, "Questions")
    login.as_member(community)
    url = forum_url(community, "questions/new")
    preview = web.post(url, topic_form(body="**Bold** question", action="preview"), token_from=url)
    assert preview.status_code == 200
    assert "<strong>Bold</strong>" in preview.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ForumTopic)) == 0
    posted = web.post(url, topic_form(), token_from=url)
    assert posted.status_code == 302
    page = text(web.get(posted.headers["Location"]))
    assert "Keeper checks" in page
    assert "How long do you wait?" in page


def test_a_topic_without_a_title_is_refused_and_keeps_the_message(web, login, make, forum):
    community = make.community()
    forum.category(community, "Questions")
    login.as_member(community)
    url = forum_url(community, "questions/new")
    response = web.post(url, topic_form(title="", body="My carefully typed question"), token_from=url)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Enter a title" in page
    assert "My carefully typed question" in page


def test_a_reply_is_posted_and_the_reader_lands_on_it(web, login, make, forum):
    community = make.community()
    topic = forum.topic(forum.category(community), make.member(community))
    login.as_member(community)
    url = forum_url(community, f"t/{topic.id}")
    response = web.post(f"{url}/reply", {"body": "We wait four weeks.", "action": "save"}, token_from=url)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{url}#post-2")
    assert "We wait four weeks." in text(web.get(url))


def test_an_empty_reply_is_refused_on_the_topic_page(web, login, make, forum):
    community = make.community()
    topic = forum.topic(forum.category(community), make.member(community))
    login.as_member(community)
    url = forum_url(community, f"t/{topic.id}")
    response = web.post(f"{url}/reply", {"body": "  ", "action": "save"}, token_from=url)
    assert response.status_code == 400
    assert "Enter your message" in text(response)


def test_a_reply_to_a_topic_locked_meanwhile_is_refused_with_the_text_kept(web, login, session, make, forum):
    community = make.community()
    topic = forum.topic(forum.category(community), make.member(community))
    login.as_member(community)
    url = forum_url(community, f"t/{topic.id}")
    token_page = url
    topic = forum.fresh(topic)
    topic.locked = True
    session.commit()
    response = web.post(
        f"{url}/reply", {"body": "My reply as it locked", "action": "save"}, token_from=token_page
    )
    assert response.status_code == 403
    assert "locked" in text(response)
    assert "My reply as it locked" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ForumPost)) == 1


def test_a_long_topic_is_read_in_pages_and_each_post_keeps_its_page(web, login, make, forum):
    community = make.community()
    member = make.member(community)
    topic = forum.topic(forum.category(community), member)
    for n in range(POSTS_PER_PAGE + 4):
        forum.reply(topic, member, f"Reply number {n + 2}")
    login.as_member(community)
    first = text(web.get(forum_url(community, f"t/{topic.id}")))
    second = text(web.get(forum_url(community, f"t/{topic.id}?page=2")))
    assert "Reply number 20" in first
    assert "Reply number 21" not in first
    assert "Reply number 21" in second
    assert "Reply number 25" in second
    assert "Next page" not in second


def test_members_are_not_offered_new_topics_in_announcements_and_are_refused_them(web, login, make, forum):
    community = make.community()
    forum.category(community, "News", CategoryMode.ANNOUNCEMENTS)
    login.as_member(community)
    assert "New topic" not in text(web.get(forum_url(community, "news/")))
    assert web.get(forum_url(community, "news/new")).status_code == 403


def test_a_private_communitys_forum_and_topics_are_404_to_outsiders(web, login, make, forum):
    community = make.community(visibility=Visibility.PRIVATE)
    topic = forum.topic(forum.category(community), make.member(community))
    login.as_new_user()
    assert web.get(forum_url(community)).status_code == 404
    assert web.get(forum_url(community, f"t/{topic.id}")).status_code == 404
    assert web.get(forum_url(community, "questions/")).status_code == 404


def test_a_topic_address_naming_another_community_leads_to_where_it_lives(web, login, make, forum):
    community, other = make.community(), make.community()
    topic = forum.topic(forum.category(community), make.member(community))
    login.as_new_user()
    response = web.get(forum_url(other, f"t/{topic.id}"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(forum_url(community, f"t/{topic.id}"))


def test_a_manager_adds_renames_orders_and_archives_categories(web, login, session, make):
    community = make.community()
    login.as_manager(community)
    url = forum_url(community, "categories")
    for title in ("Questions", "Announcements"):
        response = web.post(url, {"title": title, "description": "", "mode": "open"}, token_from=url)
        assert response.status_code == 302
    news = session.scalar(select(ForumCategory).where(ForumCategory.title == "Announcements"))
    edit = forum_url(community, f"categories/{news.id}")
    response = web.post(
        edit,
        {"title": "National news", "description": "From the user group", "mode": "announcements"},
        token_from=edit,
    )
    assert response.status_code == 302
    web.post(f"{edit}/move", {"to": "up"}, token_from=url)
    web.post(
        forum_url(community, "categories/") + f"{news.id - 1}/archive", {"archived": "yes"}, token_from=url
    )
    page = text(web.get(forum_url(community)))
    assert page.index("National news") < page.rindex("Questions")
    assert "Archived" in page
    assert "From the user group" in page


def test_a_category_without_a_name_is_refused_and_keeps_its_description(web, login, make):
    community = make.community()
    login.as_manager(community)
    url = forum_url(community, "categories")
    response = web.post(url, {"title": " ", "description": "Kept words", "mode": "open"}, token_from=url)
    assert response.status_code == 400
    assert "Enter a name" in text(response)
    assert "Kept words" in response.get_data(as_text=True)


def test_members_cannot_manage_categories(web, login, make):
    community = make.community()
    login.as_member(community)
    assert web.get(forum_url(community, "categories")).status_code == 403


def test_search_finds_a_reply_and_opens_it_at_its_place(web, login, make, forum):
    community = make.community()
    member = make.member(community)
    topic = forum.topic(forum.category(community), member, "Keeper checks")
    forum.reply(topic, member, "The licensing agency takes up to four weeks to update a keeper.")
    login.as_member(community)
    page = web.get("/search?q=licensing+agency").get_data(as_text=True)
    assert "Keeper checks" in page
    assert "Forum post" in page
    opened = re.search(r'href="(/search/opened/[^"]+)"', page)
    assert opened is not None
    response = web.get(html.unescape(opened[1]))
    assert response.headers["Location"].endswith(f"/forum/t/{topic.id}#post-2")
