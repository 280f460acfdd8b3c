"""``polka wiki``: the rendering cache and link table are derived data, rebuilt from the revisions (and
not served once ``polka.markup``'s rendering has changed); pages past their 30-day restore window are
purged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from polka import markup
from polka.db import transaction, utcnow
from polka.wiki import pages
from polka.wiki.models import WikiLink, WikiPage, WikiRendering, WikiRevision
from polka.wiki.rendering import cache_version
from tests.support import statements_run


def test_rerender_rebuilds_the_cache_and_links_exactly(runner, session, world, wiki):
    wiki.edit(world.page, world.member, "See [[Rota]] and **this**.\n")
    session.rollback()
    before = {r.revision_id: r.html for r in session.scalars(select(WikiRendering))}
    links_before = session.scalars(select(WikiLink.target_slug)).all()
    with transaction(session):
        session.execute(delete(WikiRendering))
        session.execute(delete(WikiLink))

    result = runner.invoke(args=["wiki", "rerender"])

    assert result.exit_code == 0, result.output
    assert "Rendered 2 revisions" in result.output
    session.rollback()
    assert {r.revision_id: r.html for r in session.scalars(select(WikiRendering))} == before
    assert session.scalars(select(WikiLink.target_slug)).all() == links_before


def test_a_markup_change_makes_cached_renderings_stale_until_rerendered(
    runner, session, world, web, login, app, monkeypatch
):
    """Bumping ``MARKDOWN_VERSION`` (a sanitiser fix, say) reaches wiki pages too: their cached HTML is
    not served (rendered afresh, nothing written on the GET) until ``polka wiki rerender``."""
    with transaction(session):
        session.execute(update(WikiRendering).values(html="<p>Kept</p>"))
    page_url = f"/c/{world.community.slug}/wiki/{world.page.slug}"
    login(world.reader)
    assert "<p>Kept</p>" in web.get(page_url).get_data(as_text=True)  # served from the cache until …

    monkeypatch.setattr(markup, "MARKDOWN_VERSION", markup.MARKDOWN_VERSION + 1)
    with statements_run(app) as seen:
        body = web.get(page_url).get_data(as_text=True)
    assert "Run the checks." in body
    assert "Kept" not in body
    assert [s for s in seen if "wiki_renderings" in s and not s.lstrip().upper().startswith("SELECT")] == []

    assert runner.invoke(args=["wiki", "rerender"]).exit_code == 0
    session.rollback()
    assert set(session.scalars(select(WikiRendering.renderer_version))) == {cache_version()}
    assert "Kept" not in "".join(session.scalars(select(WikiRendering.html)))


def test_purge_removes_only_pages_deleted_more_than_30_days_ago(runner, session, world, wiki):
    old = wiki.page(world.community, "Old page")
    with transaction(session):
        pages.delete_page(session, session.merge(world.moderator), session.merge(old))
        pages.delete_page(session, session.merge(world.moderator), session.merge(world.page))
        session.execute(
            update(WikiPage).where(WikiPage.id == old.id).values(deleted_at=utcnow() - timedelta(days=31))
        )

    result = runner.invoke(args=["wiki", "purge-deleted"])

    assert result.exit_code == 0, result.output
    assert "Removed 1 deleted pages" in result.output
    session.rollback()
    assert session.scalar(select(WikiPage.id).where(WikiPage.id == old.id)) is None
    assert session.scalars(select(WikiRevision).where(WikiRevision.page_id == old.id)).all() == []
    assert session.get(WikiPage, world.page.id) is not None
