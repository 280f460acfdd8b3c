"""A question session through its pages, per role: a member schedules one, participants ask and vote,
a moderator approves, edits, merges and turns questions down, the panel answers, and after it closes
the page is its transcript. Every page works by reloading, without JavaScript."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.live.models import LiveQuestion, LiveSession, Status
from polka.markings import Marking
from tests.support import text


def _form(**fields):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    return {
        "title": "PNC changes in April",
        "description": "The national lead answers.",
        "date": tomorrow,
        "opens": "10:00",
        "closes": "11:30",
        "panel": "",
        "moderators": "",
        "event": "",
        "marking": "OFFICIAL",
        "advance_questions": "y",
        **fields,
    }


def test_a_member_schedules_a_session_naming_its_panel_and_moderators(web, login, make, session):
    community = make.community("PNC Operators")
    lead = make.member(community, make.user("Nia Lead"))
    organiser = login(make.member(community, make.user("Oli Organiser")))
    page = web.get(f"/c/{community.slug}/live/new")
    assert page.status_code == 200
    assert f'value="@{organiser.handle}"' in page.get_data(as_text=True)  # they moderate it unless they say
    response = web.post(
        f"/c/{community.slug}/live/new",
        _form(panel=f"@{lead.handle}", moderators=f"@{organiser.handle}", anonymous_allowed="y"),
    )
    assert response.status_code == 302
    live = session.scalars(select(LiveSession)).one()
    assert response.headers["Location"].endswith(f"/c/{community.slug}/live/{live.id}")
    shown = text(web.get(response.headers["Location"]))
    assert "PNC changes in April" in shown
    assert "Not started" in shown
    assert "Panel: Nia Lead" in shown
    assert "Ask a question" in shown  # questions are taken in advance
    assert "PNC changes in April" in text(web.get(f"/c/{community.slug}/live/"))


def test_a_refused_schedule_keeps_what_was_typed_and_says_why(web, login, make):
    community = make.community("PNC Operators")
    outsider = make.user("Out Sider")
    login(make.member(community))
    cases = [
        (_form(opens="11:00", closes="10:00"), "The end must be after the start"),
        (_form(opens="09:00", closes="23:00"), "A session can run for 12 hours at most"),
        (_form(date="2020-01-01"), "That time has passed"),
        (_form(panel=f"@{outsider.handle}"), f"@{outsider.handle} is not a member of PNC Operators"),
        (_form(panel="@nobody-at-all, @nor-this-one"), "are not members of PNC Operators"),
        (_form(event="https://example.org/whatever"), "Paste the address of one of this community’s events"),
        (_form(marking="OFFICIAL-SENSITIVE"), "This community holds material up to OFFICIAL only"),
        (_form(title=""), "Enter a title"),
    ]
    for fields, said in cases:
        response = web.post(f"/c/{community.slug}/live/new", fields)
        assert response.status_code == 400, said
        assert said in text(response), said
        assert 'value="The national lead answers."' not in response.get_data(as_text=True)  # a textarea
        assert "The national lead answers." in response.get_data(as_text=True)


def test_a_session_held_at_an_event_is_linked_from_the_event(web, login, make, session):
    from tests.events.conftest import EventsFactory

    community = make.community("PNC Operators")
    organiser = login(make.member(community))
    event = EventsFactory(session, make).event(community, organiser, "Regional PNC meeting")
    address = f"http://localhost/c/{community.slug}/events/{event.id}"
    response = web.post(f"/c/{community.slug}/live/new", _form(event=address))
    assert response.status_code == 302
    assert "Held at Regional PNC meeting" in text(web.get(response.headers["Location"]))
    assert "PNC changes in April" in text(web.get(f"/c/{community.slug}/events/{event.id}"))


def test_participants_ask_a_moderator_approves_and_everyone_sees_it(web, login, make, live, session):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    lead = make.member(community, make.user("Nia Lead"))
    organiser = make.member(community)
    asker = make.member(community, make.user("Asha Asker"))
    watcher = make.member(community, make.user("Wes Watcher"))
    held = live.session_in(community, organiser, panel=[lead])
    url = f"/c/{community.slug}/live/{held.id}"

    login(asker)
    response = web.post(f"{url}/questions", {"body": "Will the change need new training?"})
    assert response.status_code == 302
    shown = text(web.get(url))
    assert "Will the change need new training?" in shown
    assert "Waiting" in shown

    login(watcher)
    assert "Will the change need new training?" not in text(web.get(url))

    login(moderator)
    queue = text(web.get(f"{url}/moderate"))
    assert "Will the change need new training?" in queue
    assert "Asha Asker" in queue
    question = session.scalars(select(LiveQuestion)).one()
    assert web.post(f"{url}/questions/{question.id}/approve").status_code == 302
    assert "Another moderator has already approved this question." in text(
        web.post(f"{url}/questions/{question.id}/approve", follow_redirects=True)
    )

    login(watcher)
    shown = text(web.get(url))
    assert "Will the change need new training?" in shown
    assert "Asha Asker" in shown
    assert web.post(f"{url}/questions/{question.id}/vote", {"up": "yes"}).status_code == 302
    assert "1 vote" in text(web.get(url))
    assert "Take back your vote" in text(web.get(url))

    login(lead)
    page = web.get(f"{url}/questions/{question.id}/answer")
    assert page.status_code == 200
    response = web.post(
        f"{url}/questions/{question.id}/answer", {"body": "Yes: **one hour** online.", "answered": "y"}
    )
    assert response.status_code == 302

    login(watcher)
    page = web.get(url)
    assert "<strong>one hour</strong>" in page.get_data(as_text=True)
    assert "Answered (1)" in text(page)


def test_questions_wait_when_asked_anonymously_and_the_asker_is_named_to_moderators_only(
    web, login, make, live, session
):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    held = live.session_in(community, make.member(community), anonymous_allowed=True)
    asker = make.member(community, make.user("Asha Asker"))
    question = live.ask(held, asker, "Is overtime paid for the training?", anonymous=True)
    url = f"/c/{community.slug}/live/{held.id}"
    login(moderator)
    assert "Asha Asker (anonymous to participants)" in text(web.get(f"{url}/moderate"))
    web.post(f"{url}/questions/{question.id}/approve")
    login(make.member(community))
    shown = text(web.get(url))
    assert "Is overtime paid for the training?" in shown
    assert "Anonymous" in shown
    assert "Asha Asker" not in shown
    login(asker)
    assert "You (anonymous to other participants)" in text(web.get(url))


def test_a_moderator_edits_merges_turns_down_and_bars(web, login, make, live, session):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    held = live.session_in(community, make.member(community))
    first_asker, second_asker, rude = (make.member(community, make.user(n)) for n in ("Ann", "Ben", "Rud"))
    original = live.approved(held, first_asker, moderator, "When does it go live?")
    duplicate = live.ask(held, second_asker, "What is the go-live date?")
    typo = live.ask(held, second_asker, "Wil trainning be given?")
    abuse = live.ask(held, rude, "You lot are useless")
    url = f"/c/{community.slug}/live/{held.id}"
    login(moderator)
    response = web.post(f"{url}/questions/{typo.id}/wording", {"body": "Will training be given?"})
    assert response.status_code == 302
    response = web.post(f"{url}/questions/{duplicate.id}/merge", {"into": str(original.id)})
    assert response.status_code == 302
    response = web.post(f"{url}/questions/{abuse.id}/reject", {"reason": ""})
    assert response.status_code == 400
    assert "Enter a reason the author will see" in text(response)
    response = web.post(f"{url}/participants/{rude.id}/bar", {"reason": "Abusive questions"})
    assert response.status_code == 302
    assert "Rud: Abusive questions" in text(web.get(f"{url}/moderate"))

    login(second_asker)
    shown = text(web.get(url))
    assert "Will training be given?" in shown
    assert "edited by a moderator" in shown
    assert "Merged" in shown
    assert "Your vote counts for that one" in shown
    assert "1 vote" in shown  # the duplicate's author counts for the question it joined

    login(rude)
    shown = text(web.get(url))
    assert "A moderator has stopped you taking part in this session." in shown
    assert "Not accepted A moderator stopped you taking part in this session." in shown
    assert web.post(f"{url}/questions", {"body": "Again"}).status_code == 403

    login(make.member(community))
    shown = text(web.get(url))
    assert "You lot are useless" not in shown
    assert "What is the go-live date?" not in shown


def test_only_moderators_reach_the_queue_and_a_named_moderator_sets_up_two_factor_first(
    web, login, make, live
):
    community = make.community("PNC Operators")
    named = make.member(community, make.user("Nam Ed"))
    held = live.session_in(community, make.member(community), moderators=[named])
    url = f"/c/{community.slug}/live/{held.id}/moderate"
    login(make.member(community))
    assert web.get(url).status_code == 403
    login(make.user("Out Sider"))
    assert web.get(url).status_code == 403  # an open community: they see the session, not the queue
    login(named)
    response = web.get(url)
    assert response.status_code == 302
    assert "/account/two-factor" in response.headers["Location"]


def test_a_private_communitys_session_is_not_found_by_outsiders(web, login, make, live):
    community = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    held = live.session_in(community, make.member(community))
    login(make.user("Out Sider"))
    for path in ("", "/moderate", "/updates", "/edit"):
        assert web.get(f"/c/{community.slug}/live/{held.id}{path}").status_code == 404, path
    assert web.post(f"/c/{community.slug}/live/{held.id}/questions", {"body": "Hello?"}).status_code == 404


def test_a_sensitive_session_is_for_members_only(web, login, make, live):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    held = live.session_in(community, make.member(community), marking=Marking.OFFICIAL_SENSITIVE)
    login(make.user("Reader of an open community"))
    assert web.get(f"/c/{community.slug}/live/{held.id}").status_code == 404
    assert web.get(f"/c/{community.slug}/live/{held.id}/updates").status_code == 404
    assert held.title not in text(web.get(f"/c/{community.slug}/live/"))
    login(make.member(community))
    assert web.get(f"/c/{community.slug}/live/{held.id}").status_code == 200


def test_after_it_closes_the_page_is_its_transcript_and_the_panel_still_answers(
    web, login, make, live, session
):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    lead = make.member(community, make.user("Nia Lead"))
    held = live.session_in(community, make.member(community), panel=[lead])
    first = live.approved(held, make.member(community), moderator, "First question?")
    second = live.approved(held, make.member(community), moderator, "Second question?")
    live.approved(held, make.member(community), moderator, "Left for later?")
    live.answer(held, lead, second, "Answered second, first.")
    live.answer(held, lead, first, "Answered first, second.")
    live.move(held, "closed")
    url = f"/c/{community.slug}/live/{held.id}"
    login(make.member(community))
    page = text(web.get(url))
    assert "Closed" in page
    assert "Ask a question" not in page
    assert page.index("Second question?") < page.index("First question?")  # in the order answered
    assert "Not answered yet: for follow-up (1)" in page
    assert "Left for later?" in page
    assert web.post(f"{url}/questions", {"body": "Too late?"}).status_code == 403
    login(lead)
    later = session.scalars(select(LiveQuestion).where(LiveQuestion.body == "Left for later?")).one()
    assert later.status is Status.APPROVED
    response = web.post(
        f"{url}/questions/{later.id}/answer",
        {"body": "We undertook to respond: here it is.", "answered": "y"},
    )
    assert response.status_code == 302
    assert "Every question was answered." in text(web.get(url))


def test_the_organiser_changes_closes_and_deletes_and_a_manager_restores(web, login, make, live, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    manager = make.member(community, make.user("Man Ager"), Role.MANAGER)
    held = live.session_in(community, organiser)
    url = f"/c/{community.slug}/live/{held.id}"
    login(make.member(community))
    assert web.get(f"{url}/edit").status_code == 403
    login(organiser)
    page = web.get(f"{url}/edit")
    assert page.status_code == 200
    assert f'value="@{organiser.handle}"' in page.get_data(as_text=True)
    assert web.post(f"{url}/close").status_code == 302
    assert "Closed" in text(web.get(url))
    assert web.post(f"{url}/delete").status_code == 302
    assert web.get(url).status_code == 404
    login(manager)
    assert held.title in text(web.get(f"/c/{community.slug}/live/deleted"))
    assert web.post(f"/c/{community.slug}/live/deleted/{held.id}/restore").status_code == 302
    assert web.get(url).status_code == 200


def test_watched_words_and_silences_apply_to_questions(web, login, make, live, session):
    from polka.moderation import rules
    from polka.moderation.models import WordAction

    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    held = live.session_in(community, make.member(community))
    with transaction(session):
        rules.add_word(session, session.merge(moderator), session.merge(community), "scum", WordAction.BLOCK)
        rules.add_word(
            session, session.merge(moderator), session.merge(community), "useless", WordAction.FLAG
        )
    asker = make.member(community, make.user("Asha Asker"))
    url = f"/c/{community.slug}/live/{held.id}"
    login(asker)
    refused = web.post(f"{url}/questions", {"body": "Why are the scum let off?"})
    assert refused.status_code == 400
    assert "Your post contains “scum”, which is not allowed here." in text(refused)
    assert "Why are the scum let off?" in refused.get_data(as_text=True)  # kept to change
    assert web.post(f"{url}/questions", {"body": "Is the old form useless now?"}).status_code == 302
    login(moderator)
    assert "It contains “useless”" in text(web.get(f"{url}/moderate"))
    with transaction(session):
        rules.silence(
            session, session.merge(moderator), session.merge(community), session.merge(asker), 1, "Calm down"
        )
    login(asker)
    silenced = web.post(f"{url}/questions", {"body": "And another thing"})
    assert silenced.status_code == 403
    assert "A moderator has stopped you posting in this community" in text(silenced)
    assert "And another thing" in silenced.get_data(as_text=True)
