"""``polka wiki``: the rendering cache and link table are derived data, rebuilt from the revisions;
pages past their 30-day restore window are purged."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select, update

from polka.db import transaction, utcnow
from polka.wiki import pages
from polka.wiki.models import WikiLink, WikiPage, WikiRendering, WikiRevision


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
