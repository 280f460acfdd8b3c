"""Every other way a session leaves POLKA: search finds its transcript (approved questions and answers,
never a question waiting or turned down), the community's activity shows it scheduled and answered,
its followers are told when it opens and the asker when their question is answered — through the one
permission policy — and its moderators publish the transcript as a wiki page."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from polka.communities.models import Role, Visibility
from polka.db import transaction, utcnow
from polka.live import transcript
from polka.live.models import LiveSession
from polka.live.notices import tell_opened
from polka.notifications.models import Notification
from polka.subscriptions.services import follow
from polka.wiki.models import WikiPage
from tests.support import text


def _told(session, user):
    session.rollback()
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_search_finds_the_transcript_and_never_a_question_waiting_or_turned_down(app, web, login, make, live):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    lead = make.member(community, make.user("Nia Lead"))
    held = live.session_in(community, lead, "Custody changes: questions", panel=[lead])
    question = live.approved(held, make.member(community), moderator, "Does the zebrafish rule apply?")
    live.answer(held, lead, question, "Only to kestrel-class vehicles.")
    live.ask(held, make.member(community), "A waiting platypus question")
    refused = live.ask(held, make.member(community), "A refused wombat question")
    with transaction(live.session):
        from polka.live import moderating

        moderating.reject(live.session, live.session.merge(moderator), live.fresh(held), refused.id, "No")
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Reader from another force"))
    assert "Custody changes: questions" in text(web.get("/search?q=zebrafish"))
    assert "Custody changes: questions" in text(web.get("/search?q=kestrel"))
    assert "Custody changes" not in text(web.get("/search?q=platypus"))
    assert "Custody changes" not in text(web.get("/search?q=wombat"))
    community_page = text(web.get(f"/c/{community.slug}/"))
    assert "scheduled Custody changes: questions" in community_page
    assert "answered a question in Custody changes: questions" in community_page


def test_followers_hear_when_it_opens_and_askers_when_they_are_answered(app, make, live, session):
    community = make.community("PNC Operators", visibility=Visibility.RESTRICTED)
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    lead = make.member(community, make.user("Nia Lead"))
    follower, asker = make.member(community, make.user("Fay Follower")), make.member(community)
    outsider = make.user("Out Sider")
    held = live.session_in(community, lead, "PNC data quality", panel=[lead], state="scheduled")
    leaver = make.member(community, make.user("Lee Leaver"))
    with app.test_request_context(), transaction(session):
        follow(session, session.merge(follower), "live.session", held.id)
        follow(session, session.merge(leaver), "live.session", held.id)
    manager = make.member(community, make.user("Man Ager"), Role.MANAGER)
    with transaction(session):
        from polka.communities.membership import remove_member
        from polka.communities.models import Membership

        membership = session.scalars(
            select(Membership).where(Membership.community_id == community.id, Membership.user_id == leaver.id)
        ).one()
        remove_member(session, session.merge(manager), session.merge(community), membership.id)
    with transaction(session):
        assert tell_opened(session) == 0  # not open yet
    live.move(held, "open")
    with transaction(session):
        assert tell_opened(session) == 1
    with transaction(session):
        assert tell_opened(session) == 0  # once
    question = live.approved(held, asker, moderator, "Why did the figure drop?")
    live.answer(held, lead, question, "A new counting rule in March.")
    app.extensions["polka.jobs"].run_until_idle()
    assert [n.verb for n in _told(session, follower)] == ["opened", "answered"]
    assert [(n.verb, n.reason.value) for n in _told(session, asker)] == [("answered", "answer")]
    assert _told(session, leaver) == []  # left the community: no longer sees it, never told
    assert _told(session, outsider) == []


def test_moving_a_session_later_tells_its_followers_again_when_it_opens(make, live, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    held = live.session_in(community, organiser)
    with transaction(session):
        assert tell_opened(session) == 1
    found = live.fresh(held)
    assert found.opening_told_at is not None
    from polka.live import services

    with transaction(session):
        services.edit_session(
            session,
            session.merge(organiser),
            live.fresh(held),
            services.SessionFields(
                title=found.title,
                date=(utcnow() + timedelta(days=2)).date().isoformat(),
                opens="10:00",
                closes="11:00",
                moderators=f"@{organiser.handle}",
            ),
        )
    assert live.fresh(held).opening_told_at is None


def test_moderators_publish_the_transcript_as_a_wiki_page(web, login, make, live, session):
    community = make.community("PNC Operators")
    moderator = make.member(community, make.user("Mo Derator"), Role.MODERATOR)
    lead = make.member(community, make.user("Nia Lead"))
    held = live.session_in(community, lead, "PNC changes in April", panel=[lead], anonymous_allowed=True)
    first = live.approved(held, make.member(community, make.user("Ann Asker")), moderator, "Training *when*?")
    second = live.ask(
        held, make.member(community, make.user("Ben Anon")), "Is [[Secret page]] safe?", anonymous=True
    )
    with transaction(session):
        from polka.live import moderating

        moderating.approve(session, session.merge(moderator), live.fresh(held), second.id)
    live.ask(held, make.member(community), "A question still waiting")
    live.answer(held, lead, first, "In **March**.")
    url = f"/c/{community.slug}/live/{held.id}"
    login(moderator)
    assert "Publish the transcript in the wiki" not in text(web.get(url))  # not while it is open
    assert "published once the session has closed" in text(
        web.post(f"{url}/transcript", follow_redirects=True)
    )
    live.move(held, "closed")
    response = web.post(f"{url}/transcript")
    assert response.status_code == 302
    page = session.scalars(select(WikiPage)).one()
    assert page.title.startswith("Transcript: PNC changes in April")
    shown = text(web.get(f"/c/{community.slug}/wiki/{page.slug}"))
    assert "Training *when*?" in shown  # the participant's words as typed, not as markup
    assert "Nia Lead: In March" in shown
    assert "Ann Asker" in shown
    assert "Is [[Secret page]] safe?" in shown
    assert "asked anonymously" in shown
    assert "Ben Anon" not in shown
    assert "A question still waiting" not in shown
    assert "The transcript is in the wiki" in text(web.get(url))
    assert "already published" in text(web.post(f"{url}/transcript", follow_redirects=True))
    login(make.member(community))
    assert web.post(f"{url}/transcript").status_code == 403


def test_the_transcript_writes_participants_words_as_typed():
    assert transcript.plain("Is *this* [a link](x) or # a heading?") == (
        "Is \\*this\\* \\[a link\\]\\(x\\) or \\# a heading?"
    )


def test_a_deleted_session_leaves_search_and_its_page(app, web, login, make, live, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    held = live.session_in(community, organiser, "Quokka briefing")
    app.extensions["polka.jobs"].run_until_idle()
    login(make.user("Reader"))
    assert "Quokka briefing" in text(web.get("/search?q=quokka"))
    login(organiser)
    assert web.post(f"/c/{community.slug}/live/{held.id}/delete").status_code == 302
    app.extensions["polka.jobs"].run_until_idle()
    assert "No results for ‘quokka’" in text(web.get("/search?q=quokka"))
    assert session.get(LiveSession, held.id) is not None  # restorable
