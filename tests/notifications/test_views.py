"""The notifications a person sees: the header's count on every page, the list by day with its
filters, opening one (read, and at the exact place), marking read, and the preferences page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import update

from polka.accounts.models import User
from polka.communities import membership
from polka.communities.models import Visibility
from polka.db import transaction, utcnow
from polka.forum.kinds import TOPIC_KIND
from polka.notifications.models import Notification
from polka.notifications.preferences import preferences_of
from polka.notifications.reasons import Frequency, Reason
from polka.notifications.unsubscribe import token_for
from tests.notifications.conftest import notifications_of, run_jobs, unread_count
from tests.support import text


@pytest.fixture
def replied(app, make, forum):
    """Asha's topic with two replies from Reg, told to her."""
    community = make.community("Roads Policing", visibility=Visibility.RESTRICTED)
    asha = make.member(community, make.user("Asha Asker"))
    reg = make.member(community, make.user("Reg Replier"))
    topic = forum.topic(forum.category(community), asha, title="Speed camera vans")
    posts = [forum.reply(topic, reg, "First answer."), forum.reply(topic, reg, "Second answer.")]
    run_jobs(app)
    return community, asha, reg, topic, posts


def test_the_header_counts_unread_notifications_on_every_page(replied, web, login):
    _community, asha, reg, _topic, _posts = replied
    login(asha)
    for page in ("/", "/c/", "/people/", "/account"):
        assert "Notifications (2 unread" in text(web.get(page)), page
    login(reg)
    page = text(web.get("/"))
    assert "Notifications" in page
    assert "unread" not in page


def test_the_list_shows_each_notification_by_day_with_what_happened(replied, web, login, session):
    community, asha, _reg, _topic, _posts = replied
    with transaction(session):
        first = notifications_of(session, asha)[0]
        session.execute(
            update(Notification)
            .where(Notification.id == first.id)
            .values(created_at=utcnow() - timedelta(days=3))
        )
    login(asha)
    html = web.get("/notifications/").get_data(as_text=True)
    assert html.count("Reg Replier replied to “Speed camera vans”</a>") == 2
    page = text(web.get("/notifications/"))
    assert "Today" in page
    assert "Replies to you" in page
    assert f"Forum topic in {community.name}" in page
    assert page.index("Today") < page.index("New Reg Replier")


def test_opening_a_notification_leads_to_the_reply_and_marks_it_read(replied, web, login, session):
    _community, asha, _reg, topic, posts = replied
    login(asha)
    first = notifications_of(session, asha)[0]
    response = web.get(f"/notifications/{first.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#post-{posts[0].number}")
    assert f"/forum/t/{topic.id}" in response.headers["Location"]
    assert unread_count(session, asha) == 0, "she has seen the topic: its other reply is read too"
    assert all(n.read_at is not None for n in notifications_of(session, asha))


def test_someone_elses_notification_is_not_found(replied, web, login, session):
    _community, asha, reg, _topic, _posts = replied
    login(reg)
    first = notifications_of(session, asha)[0]
    assert web.get(f"/notifications/{first.id}").status_code == 404
    assert notifications_of(session, asha)[0].read_at is None


def test_marking_one_and_then_all_as_read(replied, web, login, session):
    _community, asha, _reg, _topic, _posts = replied
    login(asha)
    first, _second = notifications_of(session, asha)
    web.post("/notifications/read", {"id": str(first.id)}, token_from="/notifications/")
    assert unread_count(session, asha) == 1
    response = web.post("/notifications/read", {"all": "yes"}, token_from="/notifications/")
    assert response.status_code == 302
    assert unread_count(session, asha) == 0
    page = web.get("/notifications/")
    assert "Notifications (" not in text(page)
    assert "Mark all as read" not in text(page)


def test_filters_show_one_reason_or_only_unread(replied, web, login, session, app, forum, make):
    community, asha, _reg, topic, _posts = replied
    other = make.member(community, make.user("Mo Mentioner"))
    forum.reply(topic, other, f"Ask @{asha.handle} about the vans.")
    run_jobs(app)
    login(asha)
    mentions = text(web.get("/notifications/?reason=mention"))
    assert "Mo Mentioner replied to" in mentions
    assert "Reg Replier" not in mentions
    first = notifications_of(session, asha)[0]
    web.post("/notifications/read", {"id": str(first.id)}, token_from="/notifications/")
    unread = web.get("/notifications/?show=unread").get_data(as_text=True)
    assert unread.count("replied to “Speed camera vans”</a>") == 2
    assert "No notifications match" in text(web.get("/notifications/?reason=action"))


def test_what_someone_may_no_longer_see_is_not_listed_nor_counted(replied, web, login, session):
    community, asha, _reg, _topic, _posts = replied
    with transaction(session):
        membership.leave(session, session.merge(asha), session.merge(community))
    login(asha)
    page = text(web.get("/notifications/"))
    assert "Speed camera vans" not in page
    assert "unread" not in page, "the header counts what the list shows"
    assert unread_count(session, asha) == 0


def test_preferences_are_saved_per_reason_with_the_digest_time(web, login, session):
    user = login.as_new_user()
    page = text(web.get("/notifications/preferences"))
    assert "Mentions of you" in page
    assert "Changes to what you follow" in page
    data = {f"reason_{reason.value}": "immediately" for reason in Reason}
    data.update(reason_followed="weekly", reason_mention="never", digest_hour="18", digest_weekday="4")
    response = web.post("/notifications/preferences", data, token_from="/notifications/preferences")
    assert response.status_code == 302
    session.rollback()
    chosen = preferences_of(session, user)
    assert chosen.frequencies[Reason.FOLLOWED] is Frequency.WEEKLY
    assert chosen.frequencies[Reason.MENTION] is Frequency.NEVER
    assert chosen.frequencies[Reason.EVENT_NEW] is Frequency.IMMEDIATELY
    assert (chosen.digest_hour, chosen.digest_weekday) == (18, 4)


def test_a_bad_preference_is_a_clear_error_and_keeps_the_choices(web, login):
    login.as_new_user()
    data = {f"reason_{reason.value}": "daily" for reason in Reason}
    data.update(reason_mention="hourly", digest_hour="25")
    response = web.post("/notifications/preferences", data, token_from="/notifications/preferences")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in text(response)
    assert re.search(r'value="daily" checked', page), "what was chosen is still chosen"


@pytest.mark.parametrize(
    ("days", "message"), [("", "Enter how many days"), ("0", "1 to 90 days"), ("365", "1 to 90 days")]
)
def test_a_pause_needs_a_number_of_days_from_1_to_90(web, login, days, message):
    login.as_new_user()
    response = web.post("/notifications/pause", {"days": days}, token_from="/notifications/preferences")
    assert response.status_code == 400
    assert message in text(response)


def test_a_pause_is_shown_and_can_be_ended(web, login, session):
    user = login.as_new_user()
    web.post("/notifications/pause", {"days": "14"}, token_from="/notifications/preferences")
    page = text(web.get("/notifications/preferences"))
    assert "Email is paused until" in page
    web.post("/notifications/pause", {"resume": "yes"}, token_from="/notifications/preferences")
    session.rollback()
    assert not preferences_of(session, user).paused()


def test_an_unsubscribe_link_asks_before_it_stops_anything(app, client, make, session):
    user = make.user()
    token = token_for(app.secret_key, user.id, Reason.MENTION)
    page = client.get(f"/notifications/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Stop emails about “mentions of you”?" in text(page)
    assert preferences_of(session, user).frequencies[Reason.MENTION] is Frequency.IMMEDIATELY
    done = client.post(f"/notifications/unsubscribe/{token}")
    assert done.status_code == 200
    session.rollback()
    assert preferences_of(session, user).frequencies[Reason.MENTION] is Frequency.NEVER
    assert preferences_of(session, user).frequencies[Reason.REPLY] is Frequency.IMMEDIATELY


def test_a_forged_or_altered_unsubscribe_link_changes_nothing(app, client, make, session):
    user = make.user()
    token = token_for("another secret", user.id, Reason.MENTION)
    assert client.post(f"/notifications/unsubscribe/{token}").status_code == 404
    assert "expired" in text(client.get(f"/notifications/unsubscribe/{token}"))
    assert preferences_of(session, user).frequencies[Reason.MENTION] is Frequency.IMMEDIATELY


def test_following_is_told_for_a_topic_followed(app, make, forum, follows, session):
    community = make.community()
    author, reader = make.member(community), make.member(community)
    topic = forum.topic(forum.category(community), author)
    follows(reader, TOPIC_KIND, topic.id)
    forum.reply(topic, author, "An update.")
    run_jobs(app)
    assert [n.reason for n in notifications_of(session, reader)] == [Reason.FOLLOWED]


def test_the_same_thing_done_again_the_same_day_is_one_line(replied, web, login, session):
    _community, asha, _reg, _topic, _posts = replied
    login(asha)
    html = web.get("/notifications/").get_data(as_text=True)
    assert html.count("Reg Replier replied to “Speed camera vans”</a> (2 times)") == 1
    ids = [n.id for n in notifications_of(session, asha)]
    assert all(f'name="id" value="{i}"' in html for i in ids), "its button marks both read"
    web.post("/notifications/read", {"id": [str(i) for i in ids]}, token_from="/notifications/")
    assert unread_count(session, asha) == 0


def test_the_unread_counts_can_be_rebuilt_from_the_notifications(replied, runner, session):
    _community, asha, _reg, _topic, _posts = replied
    with transaction(session):
        session.execute(update(User).values(unread_notifications=99))
    result = runner.invoke(args=["notifications", "recount"])
    assert result.exit_code == 0, result.output
    assert "counted again" in result.output
    assert unread_count(session, asha) == 2
