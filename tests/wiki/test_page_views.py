"""Reading, creating and editing wiki pages through the browser's eyes: what each page shows,
previews without saving, conflicts that keep the text, links, templates and the 404 rule."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from polka.audit.models import AuditEntry
from polka.communities.models import Visibility
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import services
from polka.wiki.models import WikiPage, WikiRendering, WikiRevision
from tests.support import statements_run, text


def url(world, suffix=""):
    return f"/c/{world.community.slug}/wiki/{suffix}"


def edit_form(body, base, **extra):
    return {"body": body, "summary": "", "marking": "OFFICIAL", "base": str(base),
            "base_marking": "OFFICIAL", "action": "save", **extra}  # fmt: skip


def new_form(title, body="Some text", **extra):
    return {"title": title, "body": body, "summary": "", "marking": "OFFICIAL", "parent": "",
            "action": "save", **extra}  # fmt: skip


# Reading ---------------------------------------------------------------------------------------------------


def test_a_page_shows_its_text_breadcrumbs_marking_and_who_changed_it(web, login, world, wiki):
    child = wiki.page(
        world.community, "Vehicle checks", "Check the keeper.", parent=world.page, author=world.moderator
    )
    login(world.reader)
    page = text(web.get(url(world, child.slug)))
    assert "Check the keeper." in page
    assert "PNC Operators Wiki PNC manual" in page  # breadcrumbs through the parent
    assert page.count("OFFICIAL") >= 2  # banner top and bottom
    assert "Moe Moderator" in page


def test_a_page_last_changed_by_someone_else_names_them_without_asking_again(
    app, web, login, session, world, wiki
):
    """The page says who changed it last, who need not be the current revision's author (a moderator's
    move, say): they come with the page, so reading it asks no more than when they are the author."""
    authored = wiki.page(world.community, "Vehicle checks", "Check the keeper.", author=world.moderator)
    changed = wiki.page(world.community, "Stolen plates", "Check the plate.", author=world.moderator)
    with transaction(session):
        session.execute(
            update(WikiPage).where(WikiPage.id == changed.id).values(updated_by_id=world.manager.id)
        )
    login(world.reader)
    counts = []
    for page in (authored, changed):
        web.get(url(world, page.slug))  # the first view of a process may warm caches
        with statements_run(app) as seen:
            body = text(web.get(url(world, page.slug)))
        counts.append(len(seen))
    assert "by Moe Moderator" in text(web.get(url(world, authored.slug)))
    assert f"by {world.manager.name}" in body
    assert counts[1] == counts[0]


def test_a_page_without_a_kept_rendering_is_rendered_without_asking_for_it_twice(
    app, web, login, session, world, wiki
):
    """A revision whose kept rendering is gone (dropped, or never made by an import) is rendered on the
    spot: the page view has already asked for the rendering with the revision, and does not ask again."""
    kept = wiki.page(world.community, "Vehicle checks", "Check the **keeper**.", author=world.moderator)
    lost = wiki.page(world.community, "Stolen plates", "Check the **plate**.", author=world.moderator)
    with transaction(session):
        revisions = select(WikiRevision.id).where(WikiRevision.page_id == lost.id)
        session.execute(delete(WikiRendering).where(WikiRendering.revision_id.in_(revisions)))
    login(world.reader)
    counts = []
    for page in (kept, lost):
        web.get(url(world, page.slug))
        with statements_run(app) as seen:
            body = web.get(url(world, page.slug)).get_data(as_text=True)
        counts.append(len(seen))
    assert "<strong>plate</strong>" in body
    assert counts[1] == counts[0]


def test_links_to_missing_pages_offer_to_create_them_and_existing_ones_do_not(web, login, world, wiki):
    wiki.page(world.community, "Rota", "The rota.")
    wiki.edit(world.page, world.moderator, "See [[Rota]] and [[Contact list|the contacts]].\n")
    login(world.member)
    html = web.get(url(world, "pnc-manual")).get_data(as_text=True)
    assert f'href="/c/{world.community.slug}/wiki/rota"' in html
    assert "/wiki/new?title=Contact%20list" in html
    assert "page not written yet" in html


def test_backlinks_list_pages_that_link_here_and_a_rename_keeps_them(web, login, world, wiki):
    wiki.page(world.community, "Rota", "See the [[PNC manual]].")
    login(world.member)
    assert "Rota" in text(web.get(url(world, "pnc-manual"))).split("What links here")[1]


def test_long_pages_get_a_table_of_contents(web, login, world, wiki):
    wiki.edit(world.page, world.moderator, "## One\n\nx\n\n## Two\n\ny\n\n### Two a\n\nz\n")
    login(world.member)
    html = web.get(url(world, "pnc-manual")).get_data(as_text=True)
    assert 'class="polka-toc"' in html
    assert "Contents" in text(web.get(url(world, "pnc-manual")))


def test_an_old_address_redirects_to_the_renamed_page(web, login, session, world, wiki):
    from polka.db import transaction
    from polka.wiki import pages

    with transaction(session):
        pages.move_page(
            session, session.merge(world.moderator), session.merge(world.page), title="PNC guide", parent=None
        )
    login(world.member)
    response = web.get(url(world, "pnc-manual"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/wiki/pnc-guide")


def test_reading_a_sensitive_page_is_written_to_the_audit_log(web, login, session, world, wiki):
    page = wiki.page(world.community, "Operation notes", marking=Marking.OFFICIAL_SENSITIVE)
    login(world.reader)
    assert web.get(url(world, page.slug)).status_code == 200
    session.rollback()
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "wiki.page_read")).all()
    assert [(r.actor_id, r.target_label) for r in reads] == [(world.reader.id, "Operation notes")]


def test_a_sensitive_page_in_an_open_community_is_404_to_non_members(web, login, world, wiki):
    page = wiki.page(world.community, "Operation notes", marking=Marking.OFFICIAL_SENSITIVE)
    login.as_new_user()
    assert web.get(url(world, page.slug)).status_code == 404
    assert "Operation notes" not in text(web.get(url(world)))


def test_every_page_route_of_a_private_community_is_404_to_outsiders(web, login, make, wiki):
    community = make.community("Hidden Unit", visibility=Visibility.PRIVATE)
    page = wiki.page(community, "Hidden page")
    login.as_new_user()
    base = f"/c/{community.slug}/wiki/"
    for path in (base, f"{base}{page.slug}", f"{base}{page.slug}/edit", f"{base}new"):
        assert web.get(path).status_code == 404, path
    assert web.post(f"{base}{page.slug}/edit", edit_form("x", 1), token_from="/account").status_code == 404
    assert web.post(f"{base}new", new_form("Sneaky"), token_from="/account").status_code == 404


def test_markdown_in_a_page_cannot_run_script(web, login, world, wiki):
    wiki.edit(
        world.page,
        world.moderator,
        "<script>alert(1)</script>\n\n[x](javascript:alert(1)) [[<img src=x onerror=alert(1)>]]\n",
    )
    login(world.member)
    html = web.get(url(world, "pnc-manual")).get_data(as_text=True)
    assert "<script>alert" not in html
    assert 'href="javascript' not in html
    assert "<img src=x" not in html


# Creating ------------------------------------------------------------------------------------------------


def test_a_member_creates_a_page_under_a_parent(web, login, session, world, wiki):
    login(world.member)
    response = web.post(
        url(world, "new"),
        new_form("Vehicle checks", "Keeper first.", parent=str(world.page.id)),
        token_from=url(world, "new"),
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/wiki/vehicle-checks")
    created = session.scalar(select(WikiPage).where(WikiPage.slug == "vehicle-checks"))
    assert created.parent_id == world.page.id


def test_a_failed_create_keeps_everything_typed(web, login, world, wiki):
    login(world.member)
    response = web.post(
        url(world, "new"), new_form("PNC manual", "My long careful text"), token_from=url(world, "new")
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is already a page called" in text(response)
    assert "My long careful text" in page


def test_preview_renders_without_saving(web, login, session, world, wiki):
    login(world.member)
    response = web.post(
        url(world, "new"), new_form("Draft", "**bold idea**", action="preview"), token_from=url(world, "new")
    )
    assert response.status_code == 200
    assert "<strong>bold idea</strong>" in response.get_data(as_text=True)
    assert session.scalar(select(WikiPage).where(WikiPage.slug == "draft")) is None


def test_readers_cannot_open_the_new_page_form(web, login, world):
    login(world.reader)
    assert web.get(url(world, "new")).status_code == 403


def test_a_new_page_from_a_template_starts_with_its_text(web, login, session, world, wiki):
    from polka.db import transaction
    from polka.wiki import pages

    template = wiki.page(world.community, "Case study", "## Problem\n\n## Approach\n")
    with transaction(session):
        pages.set_template(session, session.merge(world.moderator), session.merge(template), True)
    login(world.member)
    html = web.get(url(world, "new?template=case-study&title=Farm+watch")).get_data(as_text=True)
    assert "## Problem" in html
    assert 'value="Farm watch"' in html


def test_a_page_that_is_not_a_template_does_not_prefill(web, login, world, wiki):
    login(world.member)
    assert "Intro." not in web.get(url(world, "new?template=pnc-manual")).get_data(as_text=True)


# Editing ---------------------------------------------------------------------------------------------------


def test_saving_an_edit_publishes_it(web, login, world, wiki):
    login(world.member)
    response = web.post(
        url(world, "pnc-manual/edit"), edit_form("Fresh text", 1), token_from=url(world, "pnc-manual/edit")
    )
    assert response.status_code == 302
    assert "Fresh text" in text(web.get(url(world, "pnc-manual")))


def test_a_clashing_save_shows_the_conflict_page_with_the_text_kept(web, login, world, wiki):
    wiki.edit(world.page, world.moderator, "Someone else's version\n")
    login(world.member)
    response = web.post(
        url(world, "pnc-manual/edit"),
        edit_form("My version of the page", 1),
        token_from=url(world, "pnc-manual/edit"),
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "My version of the page" in page  # in the editor
    assert "clashes with a newer change" in text(response)
    assert 'name="base" type="hidden" value="2"' in page or 'value="2"' in page
    assert wiki.fresh(world.page).head_number == 2


def test_saving_again_from_the_conflict_page_succeeds(web, login, session, world, wiki):
    wiki.edit(world.page, world.moderator, "Someone else's version\n")
    login(world.member)
    web.post(url(world, "pnc-manual/edit"), edit_form("Mine", 1), token_from=url(world, "pnc-manual/edit"))
    response = web.post(
        url(world, "pnc-manual/edit"),
        edit_form("Mine, merged by hand", 2),
        token_from=url(world, "pnc-manual/edit"),
    )
    assert response.status_code == 302
    assert services.current_revision(session, wiki.fresh(world.page)).body == "Mine, merged by hand\n"


def test_an_edit_to_another_section_is_merged_and_the_user_told(web, login, session, world, wiki):
    body = services.current_revision(session, wiki.fresh(world.page)).body
    wiki.edit(world.page, world.moderator, body.replace("Intro.", "Introduction."))
    login(world.member)
    response = web.post(
        url(world, "pnc-manual/edit"),
        edit_form(body.replace("Run the checks.", "Run every check."), 1),
        token_from=url(world, "pnc-manual/edit"),
    )
    assert response.status_code == 302
    assert "Both changes have been kept" in text(web.get(response.headers["Location"]))


def test_a_failed_edit_keeps_the_text(web, login, world):
    login(world.member)
    response = web.post(
        url(world, "pnc-manual/edit"),
        edit_form("Careful words", 1, marking="SECRET"),
        token_from=url(world, "pnc-manual/edit"),
    )
    assert response.status_code == 400
    assert "Careful words" in response.get_data(as_text=True)


def test_readers_cannot_edit(web, login, world):
    login(world.reader)
    assert web.get(url(world, "pnc-manual/edit")).status_code == 403


def test_with_review_on_a_members_edit_is_pending_and_readers_see_the_old_text(web, login, world, wiki):
    wiki.require_review(world.community, world.manager)
    login(world.member)
    response = web.post(
        url(world, "pnc-manual/edit"), edit_form("Proposed text", 1), token_from=url(world, "pnc-manual/edit")
    )
    assert "sent to the moderators" in text(web.get(response.headers["Location"]))
    assert "waiting for a moderator" in text(web.get(url(world, "pnc-manual")))
    login(world.reader)
    page = text(web.get(url(world, "pnc-manual")))
    assert "Proposed text" not in page
    assert "Run the checks." in page


def test_a_page_linking_to_the_old_title_still_shows_in_backlinks_after_a_rename(
    web, login, session, world, wiki
):
    from polka.db import transaction
    from polka.wiki import pages

    wiki.page(world.community, "Rota", "See the [[PNC manual]].")
    with transaction(session):
        pages.move_page(
            session, session.merge(world.moderator), session.merge(world.page), title="PNC guide", parent=None
        )
    login(world.member)
    assert "Rota" in text(web.get(url(world, "pnc-guide"))).split("What links here")[1]


def test_moderators_can_read_a_members_new_page_waiting_for_review(web, login, world, wiki):
    wiki.require_review(world.community, world.manager)
    page = wiki.page(world.community, "Waiting page", "Draft words.", author=world.member)
    login(world.moderator)
    response = web.get(url(world, page.slug))
    assert response.status_code == 200
    assert "Draft words." in text(response)
    assert "has not been published" in text(response)


def test_the_author_of_a_rejected_new_page_can_still_read_why(web, login, session, world, wiki):
    from polka.db import transaction
    from polka.wiki import review

    wiki.require_review(world.community, world.manager)
    page = wiki.page(world.community, "Waiting page", "Draft words.", author=world.member)
    with transaction(session):
        pending = review.latest_proposal(session, session.merge(world.moderator), session.merge(page))
        review.reject(session, session.merge(world.moderator), pending, "Please cite the circular")
    login(world.member)
    response = web.get(url(world, page.slug))
    assert response.status_code == 200
    assert "was rejected" in text(response)
    login(world.reader)
    assert web.get(url(world, page.slug)).status_code == 404
