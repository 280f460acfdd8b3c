"""A topic's marking: replies follow it, and only a moderator raises it (never lowers it); once raised,
people outside the community lose sight of the topic and every post in it at once, search included."""

from __future__ import annotations

import pytest

from polka.communities.models import Role
from polka.db import transaction
from polka.errors import Forbidden, ValidationError
from polka.forum import services
from polka.markings import Marking
from tests.support import text


@pytest.fixture
def topic_in_open_community(make, forum):
    community = make.community("Neighbourhood Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    moderator = make.member(community, role=Role.MODERATOR)
    member = make.member(community)
    topic = forum.topic(forum.category(community), member, "Street surgeries", "With the council?")
    forum.reply(topic, moderator, "We ran them monthly in the library.")
    return community, moderator, member, topic


def test_a_moderator_raises_a_topic_and_outsiders_lose_it_and_its_replies(
    session, web, login, topic_in_open_community
):
    community, moderator, _, topic = topic_in_open_community
    url = f"/c/{community.slug}/forum/t/{topic.id}"
    login.as_new_user()  # reads the open community, is not a member
    assert "monthly in the library" in text(web.get("/search?q=monthly+library"))
    login(moderator)
    assert web.post(f"{url}/marking", {"marking": "OFFICIAL-SENSITIVE"}, token_from=url).status_code == 302
    assert "OFFICIAL-SENSITIVE" in text(web.get(url))
    login.as_new_user()
    assert web.get(url).status_code == 404
    assert "monthly in the library" not in text(web.get("/search?q=monthly+library"))
    assert "Street surgeries" not in text(web.get(f"/c/{community.slug}/forum/latest"))


def test_a_marking_is_never_lowered_nor_raised_by_a_member(session, forum, topic_in_open_community):
    _, moderator, member, topic = topic_in_open_community
    with pytest.raises(Forbidden), transaction(session):
        services.raise_marking(session, session.merge(member), forum.fresh(topic), Marking.OFFICIAL_SENSITIVE)
    with pytest.raises(ValidationError, match="can only be raised"), transaction(session):
        services.raise_marking(session, session.merge(moderator), forum.fresh(topic), Marking.OFFICIAL)


def test_a_marking_above_the_ceiling_is_refused(session, make, forum):
    community = make.community(ceiling=Marking.OFFICIAL)
    moderator = make.member(community, role=Role.MODERATOR)
    topic = forum.topic(forum.category(community), moderator)
    with pytest.raises(ValidationError, match="up to OFFICIAL"), transaction(session):
        services.raise_marking(
            session, session.merge(moderator), forum.fresh(topic), Marking.OFFICIAL_SENSITIVE
        )
