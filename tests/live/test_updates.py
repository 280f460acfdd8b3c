"""What a watching page is sent: 304 while nothing it shows changed, else only what changed, trimmed for
the person watching like every other exit. A question waiting for a moderator, or turned down, reaches
nobody but its author and the moderators: not in an update, its counts or its order; someone removed
from the community mid-session stops receiving at once."""

from __future__ import annotations

import re

from polka.communities.membership import remove_member
from polka.communities.models import Membership, Role, Visibility
from polka.db import transaction
from polka.live.models import Status


def _token(web, url):
    page = web.get(url).get_data(as_text=True)
    found = re.search(r'data-live-token="([^"]+)"', page)
    assert found, "the page carries the token of what it shows"
    return found.group(1)


def _poll(web, url, token, **params):
    query = "&".join([f"since={token}", *(f"{k}={v}" for k, v in params.items())])
    return web.get(f"{url}/updates?{query}", headers={"If-None-Match": f'"{token}"'})


def _world(make, live, **kwargs):
    community = make.community("PNC Operators", **kwargs)
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    lead = make.member(community, make.user("Nia Lead"))
    held = live.session_in(community, make.member(community), panel=[lead])
    return community, moderator, lead, held


def test_nothing_changed_is_304_and_a_change_sends_only_the_question_that_changed(web, login, make, live):
    community, moderator, lead, held = _world(make, live)
    first = live.approved(held, make.member(community), moderator, "First question?")
    second = live.approved(held, make.member(community), moderator, "Second question?")
    login(make.member(community, make.user("Wes Watcher")))
    url = f"/c/{community.slug}/live/{held.id}"
    token = _token(web, url)
    unchanged = _poll(web, url, token)
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert unchanged.headers["ETag"] == f'"{token}"'

    live.approved(held, make.member(community), moderator, "Third question?")
    live.answer(held, lead, first)
    changed = _poll(web, url, token)
    assert changed.status_code == 200
    data = changed.get_json()
    assert "Third question?" in data["items"]
    assert "First question?" in data["items"]  # answered since
    assert "Second question?" not in data["items"]  # unchanged: not sent again
    assert data["open"][-1] != first.id
    assert data["answered"] == [first.id]
    assert second.id in data["open"]
    assert _poll(web, url, data["token"]).status_code == 304


def test_waiting_and_turned_down_questions_reach_only_their_author_and_the_moderators(web, login, make, live):
    community, moderator, _, held = _world(make, live)
    asker = make.member(community, make.user("Asha Asker"))
    watcher = make.member(community, make.user("Wes Watcher"))
    url = f"/c/{community.slug}/live/{held.id}"
    login(watcher)
    watcher_token = _token(web, url)
    login(asker)
    asker_token = _token(web, url)

    waiting = live.ask(held, asker, "A secret waiting question")
    refused = live.ask(held, asker, "An abusive question")
    login(watcher)
    assert _poll(web, url, watcher_token).status_code == 304  # nothing public changed: not even a hint
    login(asker)
    mine = _poll(web, url, asker_token).get_json()
    assert "A secret waiting question" in mine["mine"]
    assert "Waiting" in mine["mine"]
    assert mine["items"].strip() == ""

    with transaction(live.session):
        from polka.live import moderating

        moderating.reject(
            live.session, live.session.merge(moderator), live.fresh(held), refused.id, "Not in a public forum"
        )
    login(watcher)
    assert _poll(web, url, watcher_token).status_code == 304
    whole = web.get(f"{url}/updates").get_json()["board"]  # a page with nothing to go on: the whole board
    assert "A secret waiting question" not in whole
    assert "An abusive question" not in whole
    assert "Not in a public forum" not in whole
    login(asker)
    mine = _poll(web, url, mine["token"]).get_json()
    assert "Not in a public forum" in mine["mine"]

    login(moderator)
    queue = web.get(f"{url}/updates?queue=1").get_json()["queue"]
    assert "A secret waiting question" in queue
    assert waiting.id


def test_a_question_withdrawn_after_approval_is_removed_from_every_page(web, login, make, live):
    community, moderator, _, held = _world(make, live)
    question = live.approved(held, make.member(community), moderator, "Approved, then withdrawn")
    url = f"/c/{community.slug}/live/{held.id}"
    login(make.member(community))
    token = _token(web, url)
    with transaction(live.session):
        from polka.live import moderating

        moderating.reject(
            live.session,
            live.session.merge(moderator),
            live.fresh(held),
            question.id,
            "Off topic",
            seen=Status.APPROVED,
        )
    data = _poll(web, url, token).get_json()
    assert data["removed"] == [question.id]
    assert question.id not in data["open"]
    assert "Approved, then withdrawn" not in data["items"]
    assert "Off topic" not in str(data)


def test_someone_removed_from_the_community_stops_receiving_at_once(web, login, make, live, session):
    community, _moderator, _, held = _world(make, live, visibility=Visibility.PRIVATE)
    member = login(make.member(community))
    url = f"/c/{community.slug}/live/{held.id}"
    token = _token(web, url)
    assert _poll(web, url, token).status_code == 304
    manager = make.member(community, make.user("Man Ager"), Role.MANAGER)
    with transaction(session):
        membership = session.query(Membership).filter_by(community_id=community.id, user_id=member.id).one()
        remove_member(session, session.merge(manager), session.merge(community), membership.id)
    assert _poll(web, url, token).status_code == 404


def test_new_powers_or_a_new_state_send_the_whole_board(web, login, make, live):
    community, moderator, _, held = _world(make, live)
    live.approved(held, make.member(community), moderator, "Asked while open")
    outsider = login(make.user("Reader from another force"))
    url = f"/c/{community.slug}/live/{held.id}"
    token = _token(web, url)
    assert "Vote for this question" not in web.get(url).get_data(as_text=True)  # not a member: no votes
    make.member(community, outsider)
    data = _poll(web, url, token).get_json()
    assert "Vote for this question" in data["board"]  # joined: the board comes with the buttons
    live.move(held, "closed")
    data = _poll(web, url, data["token"]).get_json()
    assert "Transcript" in data["board"]
    assert "Vote for this question" not in data["board"]


def test_the_queue_is_for_moderators_only(web, login, make, live):
    community, moderator, lead, held = _world(make, live)
    url = f"/c/{community.slug}/live/{held.id}"
    login(lead)
    assert web.get(f"{url}/updates?queue=1").status_code == 403
    login(moderator)
    first = web.get(f"{url}/updates?queue=1")
    token = first.headers["ETag"].strip('"')
    assert web.get(f"{url}/updates?queue=1", headers={"If-None-Match": f'"{token}"'}).status_code == 304
    live.ask(held, make.member(community), "New in the queue")
    again = web.get(f"{url}/updates?queue=1", headers={"If-None-Match": f'"{token}"'})
    assert again.status_code == 200
    assert "New in the queue" in again.get_json()["queue"]
    assert again.get_json()["waiting"] == 1


def test_moving_now_answering_to_another_question_updates_both_on_every_page(web, login, make, live, session):
    community, moderator, lead, held = _world(make, live)
    first = live.approved(held, make.member(community), moderator, "First question?")
    second = live.approved(held, make.member(community), moderator, "Second question?")
    url = f"/c/{community.slug}/live/{held.id}"
    from polka.live import answering

    with transaction(session):
        answering.set_answering(session, session.merge(lead), live.fresh(held), first.id)
    login(make.member(community))
    token = _token(web, url)
    with transaction(session):
        answering.set_answering(session, session.merge(lead), live.fresh(held), second.id)
    data = _poll(web, url, token).get_json()
    assert data["answering_id"] == second.id
    items = data["items"]
    first_item = items[items.index(f'id="question-{first.id}"') :]
    assert "Answering now" not in first_item.split("</li>")[0]  # its tag is taken away
    second_item = items[items.index(f'id="question-{second.id}"') :]
    assert "Answering now" in second_item.split("</li>")[0]
