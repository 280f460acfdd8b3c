"""The site-wide insights, for administrators: words only from the communities they may read (and
nothing marked sensitive from those they do not belong to), counts of every community."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from polka.communities.models import Community, Role, Visibility
from polka.content.writings import Writing
from polka.db import transaction, utcnow
from polka.insights.rebuild import rebuild_month
from polka.markings import Marking
from polka.months import Month
from tests.conftest import Factory, Login
from tests.insights.test_views import _rows
from tests.support import Web, text


def _count(session: Session, writings: list[Writing]) -> None:
    month = Month.of(utcnow())

    def source(_s: Session, start: datetime, end: datetime) -> Iterator[Writing]:
        return (w for w in writings if start <= w.written_at < end)

    with transaction(session):
        rebuild_month(session, month, [source])


def _two_wrote(community: Community, text_: str, *, sensitive: bool = False, first: int = 0) -> list[Writing]:
    at = utcnow() - timedelta(minutes=5)
    return [Writing("forum.post", first + n, community.id, first + n, at, sensitive, text_) for n in (1, 2)]


def test_an_administrator_sees_words_only_where_they_may_read_and_counts_everywhere(
    web: Web, login: Login, make: Factory, session: Session
) -> None:
    admin = login.as_admin()
    joined = make.community(
        "Roads Policing", visibility=Visibility.RESTRICTED, ceiling=Marking.OFFICIAL_SENSITIVE
    )
    make.member(joined, admin, Role.MEMBER)
    hidden = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    elsewhere = make.community("Custody Suites", ceiling=Marking.OFFICIAL_SENSITIVE)  # open, not joined
    _count(
        session,
        [
            *_two_wrote(joined, "Average speed cameras"),
            *_two_wrote(joined, "Informant payments", sensitive=True, first=10),
            *_two_wrote(hidden, "Undercover deployments", first=20),
            *_two_wrote(elsewhere, "Detention reviews", first=30),
            *_two_wrote(elsewhere, "Cell searches", sensitive=True, first=40),
        ],
    )

    page = web.get("/insights")

    assert page.status_code == 200
    body = page.get_data(as_text=True)
    discussed = [row[0] for row in _rows(body, "Terms most people used")]
    assert {"cameras", "informant", "detention"} <= set(discussed)
    assert not {"undercover", "deployments", "cell", "searches"} & set(discussed)
    counts = {row[0].split(" (")[0]: row[1:] for row in _rows(body, "Writings and writers in each community")}
    assert counts["Covert Tasking"][:2] == ["2", "2"]  # counted, never worded
    assert counts["Custody Suites"][:2] == ["4", "4"]
    assert counts["Roads Policing"][:2] == ["4", "4"]
    assert (
        "Counts — how many writings and how many people wrote them — are shown for every community"
        in text(page)
    )
    assert 'href="/search?q=cameras"' in body


def test_the_site_wide_view_is_for_administrators_only(web: Web, login: Login, make: Factory) -> None:
    community = make.community("Roads Policing")
    login.as_manager(community)
    assert web.get("/insights").status_code == 404
    login.as_admin()
    assert 'href="/insights"' in web.get("/admin/").get_data(as_text=True)
