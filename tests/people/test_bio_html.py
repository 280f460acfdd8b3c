"""A bio, kept rendered to HTML: the profile shows it without rendering Markdown, it changes with the
bio in the same transaction, it is never shown for a bio it was not rendered from, and it is rebuilt on
demand."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from polka.db import transaction
from polka.markup import MARKDOWN_VERSION
from polka.people.models import BioRendering
from polka.people.rendering import rerender_bios
from polka.people.services import ProfileChanges, update_profile
from tests.support import fail_after, statements_run


def _kept(session, user_id):
    """(source, html) kept for the user's bio, read afresh, or None."""
    session.rollback()
    row = session.execute(
        select(BioRendering.source, BioRendering.html).where(BioRendering.user_id == user_id)
    ).first()
    return tuple(row) if row is not None else None


def _edit(bio):
    return {"job_title": "Analyst", "bio": bio}


@pytest.fixture
def sandra(make, session):
    user = make.user("Sandra Okafor")
    with transaction(session):
        update_profile(session, user, ProfileChanges(bio="I chair the **national** group."))
    return user


def test_saving_a_bio_keeps_its_html(session, sandra):
    assert _kept(session, sandra.id) == (
        "I chair the **national** group.",
        "<p>I chair the <strong>national</strong> group.</p>\n",
    )


def test_the_profile_shows_the_kept_html(web, login, session, sandra):
    with transaction(session):
        session.execute(
            update(BioRendering).where(BioRendering.user_id == sandra.id).values(html="<p>Kept</p>")
        )
    login.as_new_user()
    body = web.get(f"/people/{sandra.id}").get_data(as_text=True)
    assert "<p>Kept</p>" in body  # read with the profile, not rendered again
    assert "<strong>national</strong>" not in body


def test_an_edited_bio_shows_on_the_very_next_request(web, login, sandra):
    login(sandra)
    response = web.post("/people/me/edit", _edit("Now *analysing*."), token_from="/people/me/edit")
    assert response.status_code == 302
    body = web.get(f"/people/{sandra.id}").get_data(as_text=True)
    assert "<p>Now <em>analysing</em>.</p>" in body
    assert "national" not in body


def test_an_emptied_bio_keeps_no_html(web, login, session, sandra):
    login(sandra)
    web.post("/people/me/edit", _edit(""), token_from="/people/me/edit")
    assert _kept(session, sandra.id) is None
    assert "You have not written anything about yourself yet." in web.get(f"/people/{sandra.id}").get_data(
        as_text=True
    )


def test_a_rolled_back_edit_leaves_the_html_as_it_was(session, sandra):
    before = _kept(session, sandra.id)
    inside = []

    def edit():
        update_profile(session, sandra, ProfileChanges(bio="Rolled *back*."))
        inside.append(session.scalar(select(BioRendering.html).where(BioRendering.user_id == sandra.id)))

    with pytest.raises(RuntimeError):
        fail_after(session, edit)
    assert inside == ["<p>Rolled <em>back</em>.</p>\n"]  # written inside the transaction …
    assert _kept(session, sandra.id) == before  # … and back with it


def test_html_of_another_text_is_never_shown(web, login, session, sandra):
    """A bio changed without its HTML (by a path that forgot it) is rendered afresh, not shown stale."""
    with transaction(session):
        sandra.bio = "Changed *elsewhere*."
    login.as_new_user()
    body = web.get(f"/people/{sandra.id}").get_data(as_text=True)
    assert "<p>Changed <em>elsewhere</em>.</p>" in body
    assert "national" not in body


def test_html_of_an_older_renderer_is_rendered_afresh_without_a_write(web, login, session, sandra, app):
    with transaction(session):
        session.execute(
            update(BioRendering)
            .where(BioRendering.user_id == sandra.id)
            .values(html="<p>Kept</p>", renderer_version=MARKDOWN_VERSION - 1)
        )
    login.as_new_user()
    with statements_run(app) as seen:
        body = web.get(f"/people/{sandra.id}").get_data(as_text=True)
    assert "<p>I chair the <strong>national</strong> group.</p>" in body
    assert "Kept" not in body
    writes = [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert [s for s in writes if "people_bio_renderings" in s] == []  # a page view never writes …
    assert _kept(session, sandra.id) == ("I chair the **national** group.", "<p>Kept</p>")  # … so it stays


def test_rerender_keeps_html_of_an_older_renderer_again(session, sandra, runner):
    right = "<p>I chair the <strong>national</strong> group.</p>\n"
    with transaction(session):
        session.execute(
            update(BioRendering)
            .where(BioRendering.user_id == sandra.id)
            .values(renderer_version=MARKDOWN_VERSION - 1)  # the same HTML, by an older renderer
        )
    result = runner.invoke(args=["people", "rerender"])
    assert "1 was wrong" in result.output
    session.rollback()
    assert (
        session.scalar(select(BioRendering.renderer_version).where(BioRendering.user_id == sandra.id))
        == MARKDOWN_VERSION
    )
    assert _kept(session, sandra.id) == ("I chair the **national** group.", right)


def test_a_bio_from_before_the_upgrade_is_rendered_until_rerender_keeps_it(web, login, session, make, runner):
    """The upgrade keeps no bio's HTML: profiles render it until ``polka people rerender``."""
    person = make.user()
    with transaction(session):
        person.bio = "Written *before*."  # as a bio saved before the HTML was kept
    login.as_new_user()
    assert "<p>Written <em>before</em>.</p>" in web.get(f"/people/{person.id}").get_data(as_text=True)
    assert _kept(session, person.id) is None
    assert "1 was wrong" in runner.invoke(args=["people", "rerender"]).output
    assert _kept(session, person.id) == ("Written *before*.", "<p>Written <em>before</em>.</p>\n")


def test_rerender_restores_wrong_missing_and_orphaned_html(session, make, sandra, runner):
    missing = make.user()
    emptied = make.user()
    with transaction(session):
        missing.bio = "No *html* kept."
        session.add(
            BioRendering(
                user_id=emptied.id, source="Old", html="<p>Old</p>", renderer_version=MARKDOWN_VERSION
            )
        )
        session.execute(
            update(BioRendering).where(BioRendering.user_id == sandra.id).values(html="<p>wrong</p>")
        )
    result = runner.invoke(args=["people", "rerender"])
    assert result.exit_code == 0, result.output
    assert "3 were wrong" in result.output
    assert _kept(session, sandra.id) == (
        "I chair the **national** group.",
        "<p>I chair the <strong>national</strong> group.</p>\n",
    )
    assert _kept(session, missing.id) == ("No *html* kept.", "<p>No <em>html</em> kept.</p>\n")
    assert _kept(session, emptied.id) is None


def test_rerender_of_right_html_changes_nothing(session, sandra):
    with transaction(session):
        assert rerender_bios(session) == 0


def test_the_profile_reads_the_html_in_the_statement_that_finds_the_person(web, login, sandra, app):
    """Keeping the HTML adds no statement to the profile page."""
    login.as_new_user()
    with statements_run(app) as seen:
        web.get(f"/people/{sandra.id}")
    [reading] = [s for s in seen if "people_bio_renderings" in s]
    assert "FROM account_users" in reading
