"""Daily and weekly digests, on a controlled clock, through a real SMTP server: one a period at the
person's hour (UK time), grouped by community, repeated changes collapsed, nothing when nothing is new,
and only what the reader may see when it is sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from polka.communities import membership
from polka.communities.models import Visibility
from polka.db import transaction
from polka.notifications.delivery import queue_due_digests
from polka.notifications.models import Notification
from polka.notifications.preferences import schedule_of, set_frequency
from polka.notifications.reasons import Frequency, Reason
from polka.wiki.kinds import PAGE_KIND
from tests.kernel.smtp import smtp_server
from tests.notifications.conftest import run_jobs
from tests.notifications.mail import (  # noqa: F401  (fixtures)
    plain,
    settings_overrides,
    strict,
)

#: Monday 7 December 2026 and the days after it, in UTC (UK time is UTC in December)
MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TUESDAY_0659 = datetime(2026, 12, 8, 6, 59, tzinfo=UTC)
TUESDAY_0700 = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
TUESDAY_0705 = datetime(2026, 12, 8, 7, 5, tzinfo=UTC)
WEDNESDAY_0700 = datetime(2026, 12, 9, 7, 0, tzinfo=UTC)
NEXT_MONDAY_0700 = datetime(2026, 12, 14, 7, 0, tzinfo=UTC)


@pytest.fixture
def manual(app, session, make, wiki, follows):
    """A member of the PNC community following its manual, which three people edit seven times on
    Monday (their notifications made at Monday noon)."""
    community = make.community("PNC Operators", visibility=Visibility.RESTRICTED)
    reader = make.member(community, make.user("Rita Reader", email="rita@met.police.uk"))
    editors = [make.member(community) for _ in range(3)]
    page = wiki.page(community, "PNC manual", author=editors[0])
    run_jobs(app)  # the page's creation is told before Rita follows it
    follows(reader, PAGE_KIND, page.id)
    for n in range(7):
        wiki.edit(page, editors[n % 3], f"Version {n + 2}\n")
    run_jobs(app)
    with transaction(session):
        session.execute(update(Notification).values(created_at=MONDAY_NOON))
    return community, reader, page


def sweep(app, session, now):
    """The worker's minute: queue the digests due at ``now``, then send them."""
    with transaction(session):
        queued = queue_due_digests(session, now)
    app.extensions["polka.jobs"].run_until_idle()
    return queued


def test_the_daily_digest_comes_at_seven_collapsing_repeated_changes(app, session, manual, smtp_port):
    community, _reader, page = manual
    with smtp_server(smtp_port) as (inbox, _):
        assert sweep(app, session, TUESDAY_0659) == 0, "not before 07:00"
        assert sweep(app, session, TUESDAY_0700) == 1
    [received] = inbox.received
    assert received.rcpt_tos == ["rita@met.police.uk"]
    message = strict(received)
    assert message["Subject"] == "POLKA daily digest: 1 thing new in your communities"
    assert message["Precedence"] == "bulk"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = plain(message)
    assert "PNC Operators\n-------------" in body
    assert "“PNC manual”: 7 edits by 3 people since Monday" in body
    assert f"https://polka.example/c/{community.slug}/wiki/{page.slug}/diff?from=1" in body, (
        "it leads to everything changed since the reader last heard"
    )


def test_there_is_never_more_than_one_digest_a_period_and_none_when_nothing_is_new(
    app, session, manual, smtp_port
):
    with smtp_server(smtp_port) as (inbox, _):
        sweep(app, session, TUESDAY_0700)
        assert sweep(app, session, TUESDAY_0700) == 0
        assert sweep(app, session, TUESDAY_0705) == 0
        sweep(app, session, WEDNESDAY_0700)
    assert len(inbox.received) == 1


def test_the_digest_comes_at_the_hour_the_reader_chose(app, session, manual, smtp_port):
    _community, reader, _page = manual
    with transaction(session):
        schedule_of(session, reader.id).digest_hour = 18
    with smtp_server(smtp_port) as (inbox, _):
        assert sweep(app, session, datetime(2026, 12, 7, 17, 59, tzinfo=UTC)) == 0
        assert sweep(app, session, datetime(2026, 12, 7, 18, 0, tzinfo=UTC)) == 1
        assert sweep(app, session, TUESDAY_0700) == 0
    assert len(inbox.received) == 1


def test_a_weekly_digest_comes_on_the_readers_day_instead_of_daily(app, session, manual, smtp_port):
    _community, reader, _page = manual
    with transaction(session):
        set_frequency(session, reader.id, [Reason.FOLLOWED], Frequency.WEEKLY)
    with smtp_server(smtp_port) as (inbox, _):
        assert sweep(app, session, TUESDAY_0700) == 0
        assert sweep(app, session, NEXT_MONDAY_0700) == 1
    [received] = inbox.received
    message = strict(received)
    assert message["Subject"].startswith("POLKA weekly digest")
    assert "7 edits by 3 people" in plain(message)


def test_a_reader_removed_before_the_digest_is_sent_is_sent_nothing_of_it(app, session, manual, smtp_port):
    community, reader, _page = manual
    with transaction(session):
        membership.leave(session, session.merge(reader), session.merge(community))
    with smtp_server(smtp_port) as (inbox, _):
        sweep(app, session, TUESDAY_0700)
    assert inbox.received == []


def test_one_click_unsubscribe_from_the_digest_stops_the_next_one(app, session, manual, smtp_port, client):
    with smtp_server(smtp_port) as (inbox, _):
        sweep(app, session, TUESDAY_0700)
    [received] = inbox.received
    address = received.message["List-Unsubscribe"].strip("<>").replace("https://polka.example", "")
    # RFC 8058: the mail client posts this body, without a session or a form token.
    response = client.post(address, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "no longer send you your daily digest" in response.get_data(as_text=True)
    with transaction(session):
        session.execute(update(Notification).values(emailed_at=None, created_at=TUESDAY_0705))
    with smtp_server(smtp_port) as (inbox, _):
        sweep(app, session, WEDNESDAY_0700)
    assert inbox.received == []
