"""Counting a month's words from every feature's writings: what is counted, what is not, in which
scope, and that a month counted again gives the same rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.communities.models import Role, Visibility
from polka.content.writings import Writing
from polka.db import transaction, utcnow
from polka.insights.models import InsightsMonth, InsightsTerm, Scope
from polka.insights.rebuild import months_to_refresh, rebuild_month
from polka.markings import Marking
from polka.months import Month
from polka.wiki import pages
from tests.blog.conftest import BlogFactory
from tests.conftest import Factory
from tests.forum.conftest import ForumFactory
from tests.live.conftest import LiveFactory
from tests.support import writing_as_a_request
from tests.wiki.conftest import WikiFactory


def _terms(session: Session, month: Month, scope: Scope = Scope.EVERYTHING) -> dict[str, tuple[int, int]]:
    session.rollback()
    rows = session.execute(
        select(InsightsTerm.shown, InsightsTerm.authors, InsightsTerm.uses).where(
            InsightsTerm.month == month.key, InsightsTerm.scope == scope
        )
    )
    return {shown: (authors, uses) for shown, authors, uses in rows}


def _count(session: Session, month: Month | None = None) -> Month:
    month = month or Month.of(utcnow())
    with transaction(session):
        rebuild_month(session, month)
    return month


def test_every_features_published_writings_are_counted_by_author(
    session: Session,
    make: Factory,
    forum: ForumFactory,
    blog: BlogFactory,
    live: LiveFactory,
    wiki: WikiFactory,
) -> None:
    community = make.community("Roads Policing", ceiling=Marking.OFFICIAL_SENSITIVE)
    ann, ben, cat = (make.member(community, make.user(name)) for name in ("Ann", "Ben", "Cat"))
    moderator = make.member(community, make.user("Mo"), Role.MODERATOR)
    category = forum.category(community)
    topic = forum.topic(category, ann, "Drones over motorways", "Who flies drones at collisions?", tags="uav")
    forum.reply(topic, ben, "Our drones unit does, with the motorway patrols.")
    blog.post(community, cat, "Drones at collisions", body="A year of motorway drones.", tags="uav")
    session_ = live.session_in(community, moderator, moderators=[moderator], panel=[moderator])
    question = live.approved(session_, ann, moderator, "Will tachograph training change?")
    live.answer(session_, moderator, question, "Tachograph training changes in March.")
    wiki.page(community, "Tachograph checks", "How tachograph checks are done.", author=ben)

    month = _count(session)

    counted = _terms(session, month)
    assert counted["drones"] == (3, 3)  # Ann's topic, Ben's reply, Cat's post
    assert counted["motorway"][0] == 3
    assert counted["tachograph"] == (3, 3)  # Ann's question, the answer, Ben's page
    assert counted["#uav"] == (2, 2)
    summary = session.scalars(
        select(InsightsMonth).where(InsightsMonth.month == month.key, InsightsMonth.scope == Scope.EVERYTHING)
    ).one()
    assert (summary.community_id, summary.writings, summary.authors) == (community.id, 6, 4)


def test_what_others_may_not_read_is_not_counted(
    session: Session,
    make: Factory,
    forum: ForumFactory,
    blog: BlogFactory,
    live: LiveFactory,
    wiki: WikiFactory,
) -> None:
    community = make.community("Custody Suites")
    ann, ben = (make.member(community, make.user(name)) for name in ("Ann", "Ben"))
    moderator = make.member(community, make.user("Mo"), Role.MODERATOR)
    # the same unusual word in everything nobody else may read, by two people each time
    held = forum.category(community, "Held", premoderated=True)
    for author in (ann, ben):
        forum.topic(held, author, "Zeppelin sightings", "A zeppelin over the custody suite?")
        blog.post(community, author, "Zeppelin draft", body="Zeppelin notes.", publish=False)
        live.ask(live.session_in(community, moderator), author, "Zeppelin question waiting?")
        page = wiki.page(community, f"Zeppelin page {author.name}", "Zeppelin.", author=author)
        with writing_as_a_request(session):
            pages.delete_page(session, session.merge(moderator), wiki.fresh(page))
    gone = blog.post(community, ann, "Zeppelin gone", body="Zeppelin.")
    blog.post(community, ben, "Zeppelin gone too", body="Zeppelin.")
    from polka.blog import services as blog_services

    with writing_as_a_request(session):
        blog_services.delete_post(session, session.merge(ann), blog.fresh(gone))

    month = _count(session)

    assert "zeppelin" not in _terms(session, month)


def test_sensitive_writings_count_for_members_only(
    session: Session, make: Factory, blog: BlogFactory
) -> None:
    community = make.community("Covert Tasking", ceiling=Marking.OFFICIAL_SENSITIVE)
    ann, ben = (make.member(community, make.user(name)) for name in ("Ann", "Ben"))
    for author in (ann, ben):
        blog.post(
            community,
            author,
            "Informant handling",
            body="Informant rewards.",
            marking=Marking.OFFICIAL_SENSITIVE,
        )
        blog.post(community, author, "Rota changes", body="The rota for December.")

    month = _count(session)

    everything, open_part = _terms(session, month), _terms(session, month, Scope.OPEN)
    assert everything["informant"] == (2, 2)
    assert everything["rota"] == (2, 2)
    assert "informant" not in open_part
    assert open_part["rota"] == (2, 2)


def _source(*writings: Writing) -> object:
    def listed(_session: Session, start: datetime, end: datetime) -> Iterator[Writing]:
        return (w for w in writings if start <= w.written_at < end)

    return listed


def _writing(n: int, author: int | None, at: datetime, text: str, community: int) -> Writing:
    return Writing("forum.post", n, community, author, at, False, text)


def test_a_month_is_the_uk_calendar_month_and_counting_again_gives_the_same_rows(
    session: Session, make: Factory
) -> None:
    community = make.community("Neighbourhoods", visibility=Visibility.RESTRICTED)
    june_first = datetime(2026, 5, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 June in the UK
    may_last = datetime(2026, 5, 31, 22, 30, tzinfo=UTC)
    source = _source(
        _writing(1, 1, june_first, "Speed cameras on the bypass", community.id),
        _writing(2, 2, june_first, "Speed cameras again", community.id),
        _writing(3, 3, may_last, "Speed cameras in May", community.id),
        _writing(4, None, june_first, "Speed cameras by a removed account", community.id),
        _writing(5, 1, june_first, "Lonely word: aardvark", community.id),
    )
    june = Month(2026, 6)
    for _ in range(2):
        with transaction(session):
            rebuilt = rebuild_month(session, june, [source])  # type: ignore[list-item]
        assert (rebuilt.writings, rebuilt.communities) == (4, 1)
        counted = _terms(session, june)
        assert counted["speed"] == (
            2,
            3,
        )  # three writings, two known authors (a removed one counts no author)
        assert "aardvark" not in counted  # one person's word that month: not kept
    summary = session.scalars(select(InsightsMonth).where(InsightsMonth.month == june.key)).all()
    assert {(s.scope, s.writings, s.authors) for s in summary} == {
        (Scope.EVERYTHING, 4, 2),
        (Scope.OPEN, 4, 2),
    }


def test_the_nightly_count_counts_the_month_before_again_early_in_a_month() -> None:
    assert months_to_refresh(datetime(2026, 12, 2, 3, tzinfo=UTC)) == [Month(2026, 11), Month(2026, 12)]
    assert months_to_refresh(datetime(2026, 12, 20, 3, tzinfo=UTC)) == [Month(2026, 12)]


def test_the_command_counts_a_month_and_refuses_what_is_no_month(
    app: Flask, session: Session, make: Factory, blog: BlogFactory
) -> None:
    community = make.community("Roads")
    for name in ("Ann", "Ben"):
        blog.post(community, make.member(community, make.user(name)), "Average speed cameras")
    runner = app.test_cli_runner()

    done = runner.invoke(args=["insights", "rebuild", "--month", str(Month.of(utcnow()))])

    assert done.exit_code == 0, done.output
    assert "2 writings in 1 community" in done.output
    assert _terms(session, Month.of(utcnow()))["cameras"] == (2, 2)
    refused = runner.invoke(args=["insights", "rebuild", "--month", "November"])
    assert refused.exit_code == 2
    assert "like 2026-11" in refused.output
