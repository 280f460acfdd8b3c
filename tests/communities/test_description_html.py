"""A community's description, kept rendered to HTML on its row: the home page shows it without rendering
Markdown, it changes with the description in the same transaction, and it is rebuilt on demand."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from polka.communities import services
from polka.communities.models import Community, Visibility
from polka.communities.rendering import rerender_descriptions
from polka.communities.requests import request_community
from polka.db import transaction
from polka.markings import Marking
from polka.markup import MARKDOWN_VERSION
from tests.support import fail_after, statements_run


def _kept(session, community_id):
    """The HTML kept on the community's row, read afresh."""
    session.rollback()
    return session.scalar(select(Community.description_html).where(Community.id == community_id))


def _stale(session, community_id, html, version):
    """Keep ``html`` as of renderer ``version`` (None: nothing kept, as the upgrade left every row)."""
    with transaction(session):
        session.execute(
            update(Community)
            .where(Community.id == community_id)
            .values(description_html=html, description_renderer_version=version)
        )


def _writes(statements, table):
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE")) and table in s]


def _settings(community, description):
    return {
        "name": community.name,
        "summary": community.summary,
        "description": description,
        "visibility": community.visibility.value,
        "marking_ceiling": community.marking_ceiling.value,
        "region": "",
        "parent": "",
    }


def _save(session, manager, community, description):
    services.update_settings(
        session,
        manager,
        community,
        name=community.name,
        summary=community.summary,
        description=description,
        visibility=community.visibility,
        marking_ceiling=Marking(community.marking_ceiling),
        region=None,
        parent_id=None,
    )


@pytest.fixture
def managed(make):
    manager = make.user(two_factor=True)
    community = make.community("Team", managers=[manager], description="The **first** words.")
    return community, manager


def test_a_new_community_keeps_its_description_rendered(session, managed):
    community, _ = managed
    assert _kept(session, community.id) == "<p>The <strong>first</strong> words.</p>\n"


def test_the_home_page_shows_the_kept_html(web, login, session, managed):
    community, _ = managed
    with transaction(session):
        session.execute(
            update(Community).where(Community.id == community.id).values(description_html="<p>Kept</p>")
        )
    login.as_new_user()
    body = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert "<p>Kept</p>" in body  # read from the row, not rendered again
    assert "<strong>first</strong>" not in body


@pytest.mark.parametrize(
    ("html", "version"),
    [("<p>Kept</p>", MARKDOWN_VERSION - 1), (None, None)],
    ids=["kept by an older renderer", "nothing kept since the upgrade"],
)
def test_html_not_kept_by_this_renderer_is_rendered_afresh_without_a_write(
    web, login, session, managed, app, html, version
):
    community, _ = managed
    _stale(session, community.id, html, version)
    login.as_new_user()
    with statements_run(app) as seen:
        body = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert "<p>The <strong>first</strong> words.</p>" in body
    assert "Kept" not in body
    assert _writes(seen, "community_communities") == []  # a page view never writes …
    assert _kept(session, community.id) == html  # … so the row is as it was until rerendered


def test_an_edited_description_shows_on_the_very_next_request(web, login, managed):
    community, manager = managed
    login(manager)
    response = web.post(f"/c/{community.slug}/settings", _settings(community, "Now *second* words."))
    assert response.status_code == 302
    body = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert "<p>Now <em>second</em> words.</p>" in body
    assert "first" not in body


def test_an_emptied_description_leaves_no_html(web, login, session, managed):
    community, manager = managed
    login(manager)
    web.post(f"/c/{community.slug}/settings", _settings(community, ""))
    assert _kept(session, community.id) == ""
    assert "About this community" not in web.get(f"/c/{community.slug}/").get_data(as_text=True)


def test_a_rolled_back_edit_leaves_the_html_as_it_was(session, managed):
    community, manager = managed
    inside: list[str] = []

    def edit():
        _save(session, manager, community, "Rolled *back*.")
        inside.append(session.scalar(select(Community.description_html).where(Community.id == community.id)))

    with pytest.raises(RuntimeError):
        fail_after(session, edit)
    assert inside == ["<p>Rolled <em>back</em>.</p>\n"]  # written inside the transaction …
    assert _kept(session, community.id) == "<p>The <strong>first</strong> words.</p>\n"  # … and back


def test_a_requested_community_keeps_its_description_rendered(session, make):
    with transaction(session):
        asked = request_community(
            session,
            make.user(),
            name="Asked For",
            summary="",
            description="- one",
            visibility=Visibility.OPEN,
            marking_ceiling=Marking.OFFICIAL,
            region=None,
            parent_id=None,
            reason="Because",
        )
    assert _kept(session, asked.id) == "<ul>\n<li>one</li>\n</ul>\n"


def test_rerender_restores_a_wrongly_stored_html(session, managed, make, runner):
    community, _ = managed
    plain = make.community("Plain")
    with transaction(session):
        session.execute(update(Community).values(description_html="<p>wrong</p>"))
    result = runner.invoke(args=["communities", "rerender"])
    assert result.exit_code == 0, result.output
    assert "2 were wrong" in result.output
    assert _kept(session, community.id) == "<p>The <strong>first</strong> words.</p>\n"
    assert _kept(session, plain.id) == ""


def test_rerender_of_right_html_changes_nothing(session, managed):
    with transaction(session):
        assert rerender_descriptions(session) == 0


def test_rerender_keeps_html_not_kept_by_this_renderer(session, managed, runner):
    community, _ = managed
    right = "<p>The <strong>first</strong> words.</p>\n"
    _stale(session, community.id, right, MARKDOWN_VERSION - 1)  # the same HTML, by an older renderer
    result = runner.invoke(args=["communities", "rerender"])
    assert "1 was wrong" in result.output
    session.rollback()
    kept = session.execute(
        select(Community.description_html, Community.description_renderer_version).where(
            Community.id == community.id
        )
    ).one()
    assert tuple(kept) == (right, MARKDOWN_VERSION)


def test_rerender_keeps_the_html_of_communities_from_before_the_upgrade(session, managed):
    community, _ = managed
    _stale(session, community.id, None, None)
    with transaction(session):
        assert rerender_descriptions(session) == 1
    assert _kept(session, community.id) == "<p>The <strong>first</strong> words.</p>\n"
