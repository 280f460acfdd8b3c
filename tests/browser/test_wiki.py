"""The wiki in Chromium: every wiki page passes axe-core at desktop and phone widths, and a person can
create a page, edit it, hit a conflict without losing their text, compare revisions and revert."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community, Role
from polka.db import transaction
from polka.markings import Marking
from polka.storage import FileStore
from polka.wiki import attachments, pages, services
from polka.wiki.models import WikiPage, WikiRevision
from polka.wiki.services import Edit
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser

MANUAL = """\
The working manual for PNC operators.

## Before you start

- You need a PNC account. See [[Vehicle checks]] and [[Contact list]].
- [x] Read the release notes
- [ ] Book the refresher course

## Person checks

Confirm two identifiers.[^1]

| Check | Reason code |
|-------|:-----------:|
| Person | P1 |
| Vehicle | V1 |

## Recording

Every check needs a reason code.

[^1]: Name and date of birth at least.
"""


@dataclass
class WikiSite:
    manager: User
    moderator: User
    member: User
    community: Community
    manual: WikiPage
    sensitive: WikiPage
    pending: WikiRevision
    deleted: WikiPage


@pytest.fixture
def wiki_site(app: Flask, make: Factory, session: Session) -> WikiSite:
    manager = make.user("Sandra Okafor", email="sandra.okafor@met.police.uk", two_factor=True)
    moderator = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk", two_factor=True)
    member = make.user("Priya Shah", email="priya.shah@met.police.uk")
    community = make.community(
        "PNC Operators", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE, summary="PNC operators"
    )
    make.member(community, moderator, Role.MODERATOR)
    make.member(community, member, Role.MEMBER)
    with transaction(session):
        community = session.merge(community)
        moderator, member, manager = session.merge(moderator), session.merge(member), session.merge(manager)

        def create(title: str, body: str, **kwargs: object) -> WikiPage:
            edit = Edit(body, "First version", kwargs.pop("marking", Marking.OFFICIAL))  # type: ignore[arg-type]
            return services.create_page(
                session, moderator, community, title=title, edit=edit, **kwargs
            ).revision.page  # type: ignore[arg-type]

        manual = create("PNC manual", MANUAL)
        create("Vehicle checks", "Keeper history now shows five years.\n", parent=manual)
        template = create("Case study", "## Problem\n\n## Approach\n\n## Outcome\n")
        pages.set_template(session, moderator, template, True)
        sensitive = create("Bureau contacts", "Desk: 0161 000 0000\n", marking=Marking.OFFICIAL_SENSITIVE)
        services.save_edit(
            session,
            member,
            manual,
            Edit(MANUAL.replace("two identifiers", "at least two identifiers"), "Clearer", base_number=1),
        )
        store: FileStore = app.extensions["polka.files"]
        attachments.attach_file(
            session, moderator, manual, store, _Bytes(b"Reason codes\n"), "reason-codes.txt", 10_000
        )
        doomed = create("Old rota", "Out of date.\n")
        pages.delete_page(session, moderator, doomed)
        pages.set_review_required(session, manager, community, True)
        pending = services.save_edit(
            session, member, manual, Edit(MANUAL + "\nA proposed extra line.\n", "Proposal", base_number=2)
        ).revision
    return WikiSite(manager, moderator, member, community, manual, sensitive, pending, doomed)


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return chunk


# (name, path under /c/<community>/wiki/, who)
WIKI_PAGES = [
    ("wiki-index", "", "member"),
    ("page", "pnc-manual", "member"),
    ("page-sensitive", "bureau-contacts", "member"),
    ("page-template", "case-study", "moderator"),
    ("new-page", "new", "member"),
    ("new-from-template", "new?template=case-study&title=Farm+watch", "member"),
    ("edit", "pnc-manual/edit", "moderator"),
    ("history", "pnc-manual/history", "member"),
    ("diff-side-by-side", "pnc-manual/diff?from=1&to=2&view=side", "member"),
    ("diff-inline", "pnc-manual/diff?from=1&to=2&view=inline", "member"),
    ("old-revision", "pnc-manual/revisions/1", "member"),
    ("proposed-edit", "pnc-manual/proposed/{pending}", "moderator"),
    ("recent-changes", "changes", "member"),
    ("pending-edits", "pending", "moderator"),
    ("move", "pnc-manual/move", "moderator"),
    ("delete", "pnc-manual/delete", "moderator"),
    ("deleted-pages", "deleted", "manager"),
    ("wiki-settings", "settings", "manager"),
]


@pytest.mark.parametrize(("name", "path", "who"), WIKI_PAGES, ids=[p[0] for p in WIKI_PAGES])
def test_wiki_page_is_accessible(tab: Tab, wiki_site: WikiSite, name: str, path: str, who: str) -> None:
    tab.sign_in(getattr(wiki_site, who))
    url = f"/c/{wiki_site.community.slug}/wiki/{path.format(pending=wiki_site.pending.id)}"
    tab.visit(url)
    check_page(tab, f"{url} (as {who})")


def test_the_edit_page_with_a_preview_and_errors_is_accessible(tab: Tab, wiki_site: WikiSite) -> None:
    tab.sign_in(wiki_site.moderator)
    tab.visit(f"/c/{wiki_site.community.slug}/wiki/pnc-manual/edit")
    tab.page.click("button[value=preview]")
    tab.page.wait_for_selector(".polka-preview")
    check_page(tab, "edit with a preview")
    tab.visit(f"/c/{wiki_site.community.slug}/wiki/new")
    tab.page.fill("#title", "PNC manual")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert tab.page.locator(".govuk-error-summary").count() == 1
    check_page(tab, "new page with errors")


def test_create_edit_conflict_diff_and_revert(
    tab: Tab, app: Flask, session: Session, wiki_site: WikiSite
) -> None:
    base = f"/c/{wiki_site.community.slug}/wiki"
    tab.sign_in(wiki_site.moderator)

    # Create a page.
    tab.visit(f"{base}/new")
    tab.page.fill("#title", "Liaison letters")
    tab.page.fill("#body", "Letters go out on Mondays.\n\nCopies to the region.\n")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert tab.path() == f"{base}/liaison-letters"
    assert "Letters go out on Mondays." in tab.page.inner_text("main")

    # Edit it.
    tab.visit(f"{base}/liaison-letters/edit")
    tab.page.fill("#body", "Letters go out on Tuesdays.\n\nCopies to the region.\n")
    tab.page.fill("#summary", "Moved to Tuesdays")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert "Letters go out on Tuesdays." in tab.page.inner_text("main")

    # Start editing; someone else saves the same line meanwhile; saving shows the conflict page.
    tab.visit(f"{base}/liaison-letters/edit")
    tab.page.fill("#body", "Letters go out on Wednesdays.\n\nCopies to the region.\n")
    with transaction(session):
        page = session.get(WikiPage, _page_id(session, "liaison-letters"))
        assert page is not None
        services.save_edit(
            session,
            session.merge(wiki_site.manager),
            page,
            Edit("Letters go out on Fridays.\n\nCopies to the region.\n", "Fridays", base_number=2),
        )
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")
    assert "clashes with a newer change" in tab.page.inner_text("main")
    assert "Wednesdays" in tab.page.input_value("#body")  # nothing lost
    check_page(tab, "the conflict page")
    with tab.page.expect_navigation():
        tab.page.click("button[value=save]")  # saving again from the conflict page, knowingly
    assert "Letters go out on Wednesdays." in tab.page.inner_text("main")

    # Compare revisions 1 and 4, then revert to 1.
    tab.visit(f"{base}/liaison-letters/history")
    assert tab.page.locator("main").get_by_text("Moved to Tuesdays").count() == 1
    tab.visit(f"{base}/liaison-letters/diff?from=1&to=4")
    diff_text = tab.page.inner_text("main")
    assert "Mondays" in diff_text
    assert "Wednesdays" in diff_text
    tab.visit(f"{base}/liaison-letters/revisions/1")
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Revert to this version").click()
    assert "Letters go out on Mondays." in tab.page.inner_text("main")
    tab.visit(f"{base}/liaison-letters/history")
    assert "Reverted to revision 1" in tab.page.inner_text("main")


def _page_id(session: Session, slug: str) -> int:
    from sqlalchemy import select

    session.rollback()
    page_id = session.scalar(select(WikiPage.id).where(WikiPage.slug == slug))
    assert page_id is not None
    return page_id
