"""Every page of the foundation, in Chromium, passes axe-core's WCAG 2.2 AA rules at desktop and phone
widths, fits a 375 px screen without sideways scrolling, and logs no console error or CSP violation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.accounts.services import Registration, register
from polka.communities.membership import invite, request_to_join
from polka.communities.models import Community, Role, Visibility
from polka.communities.requests import request_community
from polka.db import transaction
from polka.markings import Marking
from tests.browser.conftest import Tab, check_page
from tests.conftest import PASSWORD, Factory, Mailbox
from tests.support import csrf_from

pytestmark = pytest.mark.browser


@dataclass
class Site:
    """A small site with something on every page: members, a sub-community, things waiting."""

    admin: User
    manager: User
    member: User
    pending: User
    open: Community
    restricted: Community
    regional: Community
    sensitive: Community

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)  # type: ignore[no-any-return]


@pytest.fixture
def site(app: Flask, make: Factory, session: Session, mailbox: Mailbox) -> Site:
    admin = make.admin("Alex Admin")
    manager = make.user("Sandra Okafor", email="sandra.okafor@met.police.uk", two_factor=True)
    member = make.user("Priya Shah", email="priya.shah@met.police.uk")
    colleague = make.user("Gareth Hughes", email="gareth.hughes@gmp.police.uk")
    open_community = make.community(
        "Digital and Social Media Engagement",
        managers=[manager],
        summary="Engaging the public on social media",
        description="## Welcome\n\nShare **what worked** in your force, and what did not.",
    )
    make.member(open_community, member, Role.MEMBER)
    make.member(open_community, colleague, Role.MODERATOR)
    restricted = make.community(
        "PNC Operators",
        visibility=Visibility.RESTRICTED,
        managers=[manager],
        summary="For Police National Computer operators",
    )
    regional = make.community(
        "PNC Operators – North West",
        visibility=Visibility.RESTRICTED,
        managers=[manager],
        parent=restricted,
        region="North West",
    )
    sensitive = make.community(
        "Forensics Practitioners",
        visibility=Visibility.PRIVATE,
        ceiling=Marking.OFFICIAL_SENSITIVE,
        managers=[manager],
    )
    settings = app.extensions["polka.settings"]
    with transaction(session):
        register(
            session,
            app.extensions["polka.passwords"],
            Registration(
                name="Sam Contractor",
                email="sam@example.com",
                password="a-long-enough-passphrase-for-sam",
                sponsor_email=member.email,
                reason="Supporting the PNC replacement programme",
            ),
            settings,
        )
        request_community(
            session,
            member,
            name="Rural Crime",
            summary="Farm, wildlife and heritage crime",
            description="A place for rural crime officers.",
            visibility=Visibility.OPEN,
            marking_ceiling=Marking.OFFICIAL,
            region=None,
            parent_id=None,
            reason="There is no community for rural crime officers yet.",
        )
        request_to_join(session, member, restricted, "I run the PNC desk in Lambeth.")
        invite(session, manager, sensitive, member.email, Role.MEMBER, "Join us", base_url=settings.base_url)
    # Verify the outside registration so it waits for an administrator.
    [verification] = mailbox.to("sam@example.com")
    client = app.test_client()
    link = mailbox.link(verification, "verify")
    token_page = client.get(link).get_data(as_text=True)
    client.post(link, data={"csrf_token": csrf_from(token_page)})
    pending = session.scalars(select(User).where(User.email == "sam@example.com")).one()
    return Site(admin, manager, member, pending, open_community, restricted, regional, sensitive)


# (name, path, who sees it, status). Paths are formatted with the site: {open}, {restricted}, {member_id}…
PAGES = [
    ("welcome", "/", "anonymous", 200),
    ("sign-in", "/login", "anonymous", 200),
    ("register", "/register", "anonymous", 200),
    ("register-sent", "/register/check-your-email", "anonymous", 200),
    ("resend-verification", "/verify/resend", "anonymous", 200),
    ("resend-verification-sent", "/verify/resend/sent", "anonymous", 200),
    ("reset-request", "/reset", "anonymous", 200),
    ("reset-sent", "/reset/sent", "anonymous", 200),
    ("privacy-notice", "/help/privacy", "anonymous", 200),
    ("home", "/", "member", 200),
    ("home-manager", "/", "manager", 200),
    ("home-admin", "/", "admin", 200),
    ("communities", "/c/", "member", 200),
    ("communities-search", "/c/?q=PNC", "member", 200),
    ("community-open", "/c/{open}/", "member", 200),
    ("community-restricted-outsider", "/c/{restricted}/", "member", 200),
    ("community-restricted-manager", "/c/{restricted}/", "manager", 200),
    ("community-regional", "/c/{regional}/", "manager", 200),
    ("community-private-manager", "/c/{sensitive}/", "manager", 200),
    ("community-request", "/c/request", "member", 200),
    ("invitations", "/c/invitations", "member", 200),
    ("members", "/c/{open}/members", "member", 200),
    ("members-manager", "/c/{restricted}/members", "manager", 200),
    ("join-requests", "/c/{restricted}/requests", "manager", 200),
    ("invite", "/c/{sensitive}/invite", "manager", 200),
    ("community-settings", "/c/{restricted}/settings", "manager", 200),
    ("community-insights", "/c/{restricted}/insights", "manager", 200),
    ("people", "/people/", "member", 200),
    ("people-search", "/people/?q=Priya", "member", 200),
    ("search", "/search?q=social+media", "member", 200),
    ("profile", "/people/{member_id}", "member", 200),
    ("profile-edit", "/people/me/edit", "member", 200),
    ("account", "/account", "member", 200),
    ("two-factor-enrolment", "/account/two-factor", "member", 200),
    ("admin", "/admin/", "admin", 200),
    ("admin-pending-accounts", "/admin/accounts/pending", "admin", 200),
    ("admin-users", "/admin/users", "admin", 200),
    ("admin-user", "/admin/users/{member_id}", "admin", 200),
    ("admin-user-pending", "/admin/users/{pending_id}", "admin", 200),
    ("admin-communities", "/admin/communities", "admin", 200),
    ("admin-community-requests", "/admin/communities/requests", "admin", 200),
    ("admin-audit", "/admin/audit", "admin", 200),
    ("admin-organisations", "/admin/organisations", "admin", 200),
    ("admin-organisation", "/admin/organisations/{organisation_id}", "admin", 200),
    ("admin-organisation-new", "/admin/organisations/new", "admin", 200),
    ("admin-searches", "/admin/search", "admin", 200),
    ("admin-synonyms", "/admin/search/synonyms", "admin", 200),
    ("admin-insights", "/insights", "admin", 200),
    ("not-found", "/c/no-such-community/", "member", 404),
]


def _path(template: str, site: Site) -> str:
    return template.format(
        open=site.open.slug,
        restricted=site.restricted.slug,
        regional=site.regional.slug,
        sensitive=site.sensitive.slug,
        member_id=site.member.id,
        pending_id=site.pending.id,
        organisation_id=site.member.organisation_id,
    )


@pytest.mark.parametrize(("name", "path", "who", "status"), PAGES, ids=[p[0] for p in PAGES])
def test_page_is_accessible(tab: Tab, site: Site, name: str, path: str, who: str, status: int) -> None:
    user = site.user(who)
    if user is not None:
        tab.sign_in(user)
    url = _path(path, site)
    tab.visit(url, status=status)
    check_page(tab, f"{url} (as {who})")


def test_two_factor_enrolment_with_qr_code_is_accessible(tab: Tab, site: Site) -> None:
    tab.sign_in(site.member)
    tab.visit("/account/two-factor")
    tab.submit()
    assert tab.page.locator("main svg, main img").count() >= 1, "the QR code is shown"
    check_page(tab, "/account/two-factor after starting enrolment")


def test_form_with_errors_is_accessible(tab: Tab, site: Site) -> None:
    tab.visit("/register")
    tab.page.fill("#email", "not-an-address")
    tab.submit()
    assert tab.page.locator(".govuk-error-summary").count() == 1
    check_page(tab, "/register with errors")


def test_two_factor_sign_in_step_is_accessible(tab: Tab, site: Site) -> None:
    tab.visit("/login")
    tab.page.fill("#email", site.admin.email)
    tab.page.fill("#password", PASSWORD)
    tab.submit()
    assert tab.path() == "/login/two-factor"
    check_page(tab, "/login/two-factor")


def test_new_password_page_is_accessible(tab: Tab, site: Site, app: Flask, mailbox: Mailbox) -> None:
    tab.visit("/reset")
    tab.page.fill("#email", site.member.email)
    tab.submit()
    [message] = [m for m in mailbox.to(site.member.email) if "/reset/" in mailbox.body(m)]
    tab.visit(mailbox.link(message, "/reset/"))
    check_page(tab, "/reset/<token>")


def test_axe_reports_what_it_should(tab: Tab) -> None:
    """The harness can fail: an input without a label is a violation axe must report."""
    tab.visit("/login")
    tab.page.evaluate(
        "() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=\"text\">')"
    )
    assert "label" in {violation["id"] for violation in tab.axe()}
