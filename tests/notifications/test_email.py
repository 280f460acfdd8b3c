"""Notification email through a real SMTP server (aiosmtpd): what arrives, its headers, what it never
says, and what happens when the server is down or refuses the address. Every message is parsed with
the standard library's parser in strict mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from polka.accounts.models import User
from polka.communities import membership
from polka.communities.models import Visibility
from polka.db import transaction, utcnow
from polka.forum.kinds import TOPIC_KIND
from polka.forum.models import TOPIC_TITLE_MAX
from polka.jobs.models import Job, JobStatus
from polka.markings import Marking
from polka.notifications.announce import EMAIL_JOB
from polka.notifications.letters import SUBJECT_MAX, one_line
from polka.notifications.preferences import pause
from tests.kernel.smtp import smtp_server
from tests.notifications.conftest import notifications_of, run_jobs
from tests.notifications.mail import (  # noqa: F401  (fixtures)
    html,
    plain,
    settings_overrides,
    strict,
)
from tests.support import text


def discussion(make, forum, *, title="Vehicle keeper checks", marking=Marking.OFFICIAL, **community):
    """A topic by its asker in a community with a member who will reply."""
    community = make.community(ceiling=Marking.OFFICIAL_SENSITIVE, **community)
    asker = make.member(community, make.user("Asha Asker", email="asha@met.police.uk"))
    replier = make.member(community, make.user("Reg Replier"))
    topic = forum.topic(forum.category(community), asker, title=title, marking=marking)
    return community, asker, replier, topic


def test_a_reply_is_emailed_at_once_as_multipart_with_its_headers(app, make, forum, smtp_port):
    community, _asker, replier, topic = discussion(make, forum)
    forum.reply(topic, replier, "We wait four weeks before chasing.")
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    [received] = inbox.received
    assert received.rcpt_tos == ["asha@met.police.uk"]
    message = strict(received)
    assert message["Subject"] == "Reg Replier replied to “Vehicle keeper checks”"
    assert message.get_content_type() == "multipart/alternative"
    assert message["Date"]
    assert message["Message-ID"].startswith("<polka-notification-")
    thread = f"<polka-{TOPIC_KIND}-{topic.id}@polka.police.uk>"
    assert (message["In-Reply-To"], message["References"]) == (thread, thread)
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Precedence"] is None, "an email about one thing is not bulk"
    assert message["List-Unsubscribe"].startswith("<https://polka.example/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = plain(message)
    assert "Reg Replier replied to “Vehicle keeper checks”" in body
    assert f"https://polka.example/c/{community.slug}/forum/" in body
    assert "https://polka.example/notifications/preferences" in body
    assert "We wait four weeks" not in body, "the email links to the reply; it does not carry it"
    assert "Reg Replier replied to “Vehicle keeper checks”" in html(message)


def test_an_official_sensitive_item_is_named_only_by_its_kind_and_community(app, make, forum, smtp_port):
    community, _asker, replier, topic = discussion(
        make, forum, title="Operation Nightjar suspects", marking=Marking.OFFICIAL_SENSITIVE
    )
    forum.reply(topic, replier, "The vehicle is registered to a garage in Luton.")
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    [received] = inbox.received
    message = strict(received)
    whole = message.as_string()
    for secret in ("Nightjar", "Luton", "Reg Replier"):
        assert secret not in whole
    assert message["Subject"] == f"OFFICIAL-SENSITIVE: a forum topic changed in {community.name}"
    assert f"An OFFICIAL-SENSITIVE forum topic in {community.name} has changed." in plain(message)
    assert "https://polka.example/c/" in plain(message)


@pytest.mark.parametrize(
    "title",
    [
        "Keeper checks\r\nBcc: everyone@example.com",
        "Keeper checks\nX-Injected: yes",
        ("Long " + "word " * 29)[
            :TOPIC_TITLE_MAX
        ],  # the longest a topic's title can be, and a name before it
    ],
)
def test_a_hostile_title_cannot_add_a_header_or_make_the_subject_run_on(app, make, forum, smtp_port, title):
    _community, _asker, replier, topic = discussion(make, forum)
    with transaction(forum.session):
        forum.fresh(topic).title = title  # as if written before titles were checked
    forum.reply(topic, replier)
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    [received] = inbox.received
    assert received.rcpt_tos == ["asha@met.police.uk"]
    message = strict(received)
    assert message["Bcc"] is None
    assert message["X-Injected"] is None
    subject = str(message["Subject"])
    assert "\n" not in subject
    assert "\r" not in subject
    assert len(subject) <= 150


def test_nobody_is_emailed_about_what_they_may_no_longer_see_when_the_mail_is_sent(
    app, session, make, forum, smtp_port
):
    community, asker, replier, topic = discussion(make, forum, visibility=Visibility.RESTRICTED)
    run_jobs(app)  # the topic's own notice
    forum.reply(topic, replier)
    app.extensions["polka.jobs"].run_once()  # the reply's fan-out: Asha is told, her email queued
    with transaction(session):
        membership.leave(session, session.merge(asker), session.merge(community))
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    assert inbox.received == []
    [told] = notifications_of(session, asker)
    assert told.emailed_at is not None, "done with: it is not tried again, nor put in a digest"


def test_with_the_server_down_the_email_waits_and_arrives_once_when_it_is_up(
    app, session, make, forum, smtp_port
):
    _community, asker, replier, topic = discussion(make, forum)
    forum.reply(topic, replier)
    runner = app.extensions["polka.jobs"]
    run_jobs(app)  # no server: the email job fails and waits for its back-off
    [job] = session.scalars(select(Job).where(Job.kind == EMAIL_JOB)).all()
    assert job.status is JobStatus.QUEUED
    assert "ConnectionRefusedError" in job.last_error
    with smtp_server(smtp_port) as (inbox, _):
        runner.clock = lambda: utcnow() + timedelta(minutes=5)
        run_jobs(app)
        run_jobs(app)
    assert [r.rcpt_tos for r in inbox.received] == [["asha@met.police.uk"]]
    [told] = notifications_of(session, asker)
    assert told.emailed_at is not None


def test_an_address_refused_for_good_is_flagged_and_gets_no_more_email(app, session, make, forum, smtp_port):
    _community, asker, replier, topic = discussion(make, forum)
    forum.reply(topic, replier)
    with smtp_server(smtp_port) as (inbox, _):
        inbox.refuse.add("asha@met.police.uk")
        run_jobs(app)
        forum.reply(topic, replier, "And another thing.")
        run_jobs(app)
    assert inbox.received == []
    session.rollback()
    flagged = session.get(User, asker.id, populate_existing=True)
    assert flagged.email_bounced_at is not None
    assert "550" in flagged.email_bounce
    assert len(notifications_of(session, asker)) == 2, "both told in the app"
    assert len(session.scalars(select(Job).where(Job.kind == EMAIL_JOB)).all()) == 1, "none queued after"


def test_a_paused_person_gets_no_email_but_the_notification(app, session, make, forum, smtp_port, web, login):
    _community, asker, replier, topic = discussion(make, forum)
    login(asker)
    assert web.post("/notifications/pause", {"days": "14"}).status_code == 302
    forum.reply(topic, replier)
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    assert inbox.received == []
    assert len(notifications_of(session, asker)) == 1


def test_an_administrator_sees_the_refused_address_and_can_try_it_again(
    app, session, make, forum, smtp_port, web, login
):
    _community, asker, replier, topic = discussion(make, forum)
    forum.reply(topic, replier)
    with smtp_server(smtp_port) as (inbox, _):
        inbox.refuse.add("asha@met.police.uk")
        run_jobs(app)
    login.as_admin()
    page = text(web.get(f"/admin/users/{asker.id}"))
    assert "Email delivery Refused since" in page
    assert "No such user here" in page
    response = web.post(f"/admin/users/{asker.id}/bounce/clear", token_from=f"/admin/users/{asker.id}")
    assert response.status_code == 302
    assert "Refused" not in text(web.get(f"/admin/users/{asker.id}"))
    forum.reply(topic, replier, "Are you there?")
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    assert [r.rcpt_tos for r in inbox.received] == [["asha@met.police.uk"]]


def test_a_worker_dying_between_sending_and_recording_sends_it_once_more_and_no_more(
    app, session, make, forum, smtp_port, monkeypatch
):
    _community, asker, replier, topic = discussion(make, forum)
    forum.reply(topic, replier)
    runner = app.extensions["polka.jobs"]
    run_jobs(app)  # without a server: the fan-out is done, the email waits to be sent

    def die(*_args, **_kwargs):
        raise SystemExit("the worker was killed")

    with smtp_server(smtp_port) as (inbox, _):
        runner.clock = lambda: utcnow() + timedelta(minutes=5)
        monkeypatch.setattr("polka.jobs.runner.complete", die)
        with pytest.raises(SystemExit):
            runner.run_once()  # sent, then killed before the job and the notification were recorded
        monkeypatch.undo()
        assert runner.run_until_idle() == 0, "the job is another worker's until it looks abandoned"
        runner.clock = lambda: utcnow() + timedelta(minutes=30)
        runner.run_until_idle()
        runner.run_until_idle()
    received = [r.message for r in inbox.received]
    assert len(received) == 2
    assert received[0]["Message-ID"] == received[1]["Message-ID"], "the repeat is recognisable"
    [told] = notifications_of(session, asker)
    assert told.emailed_at is not None


def test_an_email_queued_before_a_pause_is_not_sent_during_it(app, session, make, forum, smtp_port):
    _community, asker, replier, topic = discussion(make, forum)
    run_jobs(app)  # the topic's own notice
    forum.reply(topic, replier)
    app.extensions["polka.jobs"].run_once()  # the fan-out: Asha's email is queued
    with transaction(session):
        pause(session, session.merge(asker), 7)
    with smtp_server(smtp_port) as (inbox, _):
        run_jobs(app)
    assert inbox.received == []


@pytest.mark.parametrize(
    "text", ["x" * 2_000, "Keeper\r\nBcc: all@example.com " * 100, "tab\there\x00and\x1fthere"]
)
def test_a_subject_is_one_printable_line_of_at_most_150_characters_whatever_the_title(text):
    subject = one_line(text)
    assert len(subject) <= SUBJECT_MAX
    assert subject.isprintable()
