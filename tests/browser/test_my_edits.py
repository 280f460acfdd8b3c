"""An author's list of their proposed edits in Chromium: the moderators' decisions, names and comments
readable at desktop and phone widths, axe-core clean, reached from the wiki's own navigation."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from polka.communities.models import Role
from polka.db import transaction
from polka.markings import Marking
from polka.wiki import pages, review, services
from polka.wiki.services import Edit
from tests.browser.conftest import Tab, check_page
from tests.conftest import Factory

pytestmark = pytest.mark.browser

APPROVAL = "Thank you, the reason codes are clearer now."
REJECTION = "Please link the force policy before we publish this."


@pytest.fixture
def author_with_decisions(make: Factory, session: Session):
    manager = make.user("Sandra Okafor", email="sandra.okafor@met.police.uk", two_factor=True)
    moderator = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk", two_factor=True)
    member = make.user("Priya Shah", email="priya.shah@met.police.uk")
    community = make.community("PNC Operators", managers=[manager], ceiling=Marking.OFFICIAL_SENSITIVE)
    make.member(community, moderator, Role.MODERATOR)
    make.member(community, member, Role.MEMBER)
    with transaction(session):
        community = session.merge(community)
        moderator, member, manager = session.merge(moderator), session.merge(member), session.merge(manager)
        manual = services.create_page(
            session, moderator, community, title="PNC manual", edit=Edit("Reason codes.\n", "First version")
        ).revision.page
        pages.set_review_required(session, manager, community, True)

        def propose(body: str, summary: str):
            return services.save_edit(
                session, member, manual, Edit(body, summary, base_number=manual.head_number)
            ).revision

        review.approve(session, moderator, propose("Reason codes, with examples.\n", "Examples"), APPROVAL)
        review.reject(session, moderator, propose("Reason codes, shortened.\n", "Shorter"), REJECTION)
        propose("Reason codes, with examples and a table.\n", "A table of codes")
    return community, member


def test_the_authors_list_of_proposed_edits_is_accessible_and_shows_the_decisions(
    tab: Tab, author_with_decisions
) -> None:
    community, member = author_with_decisions
    tab.sign_in(member)
    tab.visit(f"/c/{community.slug}/wiki/")
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="Your proposed edits").click()
    assert tab.path() == f"/c/{community.slug}/wiki/my-edits"
    shown = tab.page.inner_text("main")
    assert "A table of codes" in shown
    assert "Approved by\tGareth Hughes" in shown
    assert APPROVAL in shown
    assert REJECTION in shown
    check_page(tab, "your proposed edits")
