"""``[[Page title]]`` in a post leads to the wiki page of that title in the topic's community, for a
reader who may see it; anyone else reads the words, unlinked."""

from __future__ import annotations

from polka.communities.models import Visibility
from polka.markings import Marking
from tests.wiki.conftest import WikiFactory


def topic_url(community, topic):
    return f"/c/{community.slug}/forum/t/{topic.id}"


def test_a_page_title_links_to_that_page_in_the_topics_community(web, login, session, make, forum):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    wiki = WikiFactory(session, make)
    wiki.page(community, "PNC manual")
    wiki.page(community, "Covert checks", marking=Marking.OFFICIAL_SENSITIVE)
    wiki.page(make.community("Elsewhere"), "Custody guide")
    body = "See [[PNC manual]], [[PNC manual|the manual]], [[Covert checks]], [[Custody guide]] and [[Not written]]."
    topic = forum.topic(forum.category(community), make.member(community), "Links", body)
    login.as_new_user()  # reads the open community, not its sensitive page
    page = web.get(topic_url(community, topic)).get_data(as_text=True)
    manual = f'href="/c/{community.slug}/wiki/pnc-manual"'
    assert page.count(manual) == 2
    assert ">the manual</a>" in page
    assert "/wiki/covert-checks" not in page
    assert "Covert checks" in page  # the words stay, unlinked
    assert "custody-guide" not in page
    assert "/o/title/" not in page
    login.as_member(community)
    assert "/wiki/covert-checks" in web.get(topic_url(community, topic)).get_data(as_text=True)


def test_the_preview_links_page_titles_too(web, login, session, make, forum):
    community = make.community("PNC Operators", visibility=Visibility.RESTRICTED)
    WikiFactory(session, make).page(community, "PNC manual")
    topic = forum.topic(forum.category(community), make.member(community))
    login.as_member(community)
    url = topic_url(community, topic)
    preview = web.post(f"{url}/reply", {"body": "Read [[PNC manual]]", "action": "preview"}, token_from=url)
    assert f'href="/c/{community.slug}/wiki/pnc-manual"' in preview.get_data(as_text=True)
