"""A community's insights page, per role: its moderators and managers see what rose and what was most
discussed, everyone else is refused as the policy says, and bad periods are told plainly."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from polka.communities.models import Community, Role, Visibility
from polka.content.writings import Writing
from polka.db import transaction, utcnow
from polka.insights.rebuild import rebuild_month
from polka.months import Month
from polka.site_search.log import mark_opened, record_search
from tests.conftest import Factory, Login
from tests.support import Web, text


def _rows(page: str, caption: str) -> list[list[str]]:
    """The rows of the table whose caption starts with ``caption``: each cell's visible text."""
    table = page.split(f">{caption}", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tbody.*", table, flags=re.S)[0]
    return [
        [
            re.sub(
                r"\s+", " ", re.sub(r"<span class=\"govuk-visually-hidden\">.*?</span>|<[^>]+>", "", cell)
            ).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", rows, flags=re.S)
    ]


def _counted(
    session: Session, community: Community, this: list[tuple[int, str]], before: list[tuple[int, str]]
) -> Month:
    """Count writings (author, text) in ``community`` this month and the month before."""
    month = Month.of(utcnow())

    def at(when: Month, rows: list[tuple[int, str]]) -> list[Writing]:
        moment = when.start + timedelta(days=1)
        return [
            Writing("forum.post", n, community.id, author, moment, False, body)
            for n, (author, body) in enumerate(rows)
        ]

    for when, rows in ((month, this), (month.plus(-1), before)):
        writings = at(when, rows)

        def source(
            _s: Session, start: datetime, end: datetime, writings: list[Writing] = writings
        ) -> Iterator[Writing]:
            return (w for w in writings if start <= w.written_at < end)

        with transaction(session):
            rebuild_month(session, when, [source])
    return month


def _busy(session: Session, community: Community) -> Month:
    return _counted(
        session,
        community,
        [(n, "Drones at collisions on the motorway") for n in range(1, 9)]
        + [(9, "Custody custody custody")] * 5
        + [(n, "Shift rota") for n in range(10, 14)],
        [(n, "Shift rota changes") for n in range(1, 12)] + [(12, "Drones once"), (13, "Drones again")],
    )


def test_a_manager_sees_what_rose_with_a_chart_a_table_and_a_search_for_each_term(
    web: Web, login: Login, make: Factory, session: Session
) -> None:
    community = make.community("Roads Policing")
    month = _busy(session, community)
    login.as_manager(community)

    page = web.get(f"/c/{community.slug}/insights")

    assert page.status_code == 200
    said = text(page)
    assert f"Rising since {month.plus(-1).label}" in said
    body = page.get_data(as_text=True)
    assert '<svg class="polka-chart"' in body
    assert 'role="img"' in body
    assert f'<title id="rising-chart-title">Terms used by more people in {month.label}' in body
    assert f'href="/c/{community.slug}/search?q=drones"' in body
    assert ">under 2</text>" in body  # the chart says what the table says of a term rare before
    # drones rose (8 people of 13, against 2 of 13); custody is one person's; the rota did not rise
    rising = {row[0]: row[1:] for row in _rows(body, "Rising terms")}
    assert rising["drones"][:3] == ["8", "2", "8"]
    assert "custody" not in rising
    assert "rota" not in rising
    assert "17 writings by 13 people" in said
    most = [row[0] for row in _rows(body, "Terms most people used")]
    assert most.index("drones") < most.index("rota")


def test_moderators_see_the_page_members_and_outsiders_are_refused(
    web: Web, login: Login, make: Factory
) -> None:
    community = make.community("Roads Policing")
    private = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    login.as_role(community, Role.MODERATOR)
    assert web.get(f"/c/{community.slug}/insights").status_code == 200
    assert web.get(f"/c/{private.slug}/insights").status_code == 404

    login.as_member(community)
    refused = web.get(f"/c/{community.slug}/insights")
    assert refused.status_code == 403
    assert "Rising" not in text(refused)
    home = text(web.get(f"/c/{community.slug}/"))
    assert "What this community writes about" not in home

    login.as_admin()  # an administrator who is not a member: the site-wide view is theirs, not this
    assert web.get(f"/c/{community.slug}/insights").status_code == 403


def test_the_community_page_links_its_managers_to_the_insights(web: Web, login: Login, make: Factory) -> None:
    community = make.community("Roads Policing")
    login.as_manager(community)
    home = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert f'href="/c/{community.slug}/insights"' in home


def test_an_empty_community_and_a_quiet_period_say_so(web: Web, login: Login, make: Factory) -> None:
    community = make.community("Quiet Lane")
    login.as_manager(community)

    said = text(web.get(f"/c/{community.slug}/insights?months=12"))

    assert "0 writings by 0 people" in said
    assert "Nobody wrote here in" in said
    assert "No word or tag was used by two people or more in this period" in said


def test_a_period_that_is_not_offered_is_refused_plainly_and_kept_as_typed(
    web: Web, login: Login, make: Factory
) -> None:
    community = make.community("Roads Policing")
    login.as_manager(community)

    for query, message, kept in (
        ("months=7", "Choose a period of 1, 3 or 12 months", None),
        ("months=x", "Choose a period of 1, 3 or 12 months", None),
        ("months=3&until=November", "Give the month as year and month, like 2026-11", 'value="November"'),
        ("months=3&until=2026-13", "Give the month as year and month, like 2026-11", 'value="2026-13"'),
    ):
        page = web.get(f"/c/{community.slug}/insights?{query}")
        assert page.status_code == 400, query
        said = text(page)
        assert f"There is a problem {message}" in said  # the summary at the top, linked to the field
        assert "Rising since" in said  # the page itself, with the defaults' figures, not an error page
        if kept:
            assert kept in page.get_data(as_text=True)


def test_a_chosen_period_ending_in_an_earlier_month(
    web: Web, login: Login, make: Factory, session: Session
) -> None:
    community = make.community("Roads Policing")
    month = _busy(session, community)
    login.as_manager(community)

    page = web.get(f"/c/{community.slug}/insights?months=1&until={month.plus(-1)}")

    said = text(page)
    assert f"Rising since {month.plus(-2).label}" in said
    assert "13 writings by 13 people" in said
    assert f"Nobody wrote here in {month.plus(-2).label}, so nothing can have risen since" in said
    most = {row[0]: row[1:] for row in _rows(page.get_data(as_text=True), "Terms most people used")}
    assert most["rota"] == ["11", "11"]


def _searched(
    session: Session, community: Community | None, words: str, results: int, *, opened: bool = False
) -> None:
    with transaction(session):
        entry = record_search(session, words, community.id if community else None, results)
        if opened:
            mark_opened(session, entry)


def test_searches_that_led_nowhere_in_the_community_are_listed_by_their_words(
    web: Web, login: Login, make: Factory, session: Session
) -> None:
    community = make.community("Roads Policing")
    other = make.community("Custody Suites")
    for _ in range(3):
        _searched(session, community, "ULEZ exemptions", 0)
    _searched(session, community, "ulez  exemptions", 0)  # case and spacing aside, the same words
    _searched(session, community, "tachograph", 4)  # found things, none opened
    _searched(session, community, "speed awareness", 7, opened=True)  # led somewhere
    _searched(session, other, "custody only words", 0)  # another community's
    _searched(session, None, "site wide words", 0)  # no community's
    login.as_manager(community)

    page = web.get(f"/c/{community.slug}/insights")

    rows = _rows(page.get_data(as_text=True), "Searches that found nothing")
    assert [row[:3] for row in rows] == [["ULEZ exemptions", "4", "0"], ["tachograph", "0", "1"]]
    said = text(page)
    assert "never who searched" in said
    assert "Add a synonym" not in said  # a manager is not an administrator


def test_an_administrator_who_manages_the_community_is_offered_a_synonym_for_each(
    web: Web, login: Login, make: Factory, session: Session
) -> None:
    community = make.community("Roads Policing")
    _searched(session, community, "ULEZ exemptions", 0)
    admin = login.as_admin()
    make.member(community, admin, Role.MANAGER)

    body = web.get(f"/c/{community.slug}/insights").get_data(as_text=True)

    assert 'href="/admin/search/synonyms?terms=ULEZ+exemptions"' in body


def test_the_privacy_notice_is_open_to_everyone_and_linked_from_every_page(web: Web) -> None:
    notice = web.get("/help/privacy")
    assert notice.status_code == 200
    assert "never who searched" in text(notice)
    assert 'href="/help/privacy"' in web.get("/login").get_data(as_text=True)
