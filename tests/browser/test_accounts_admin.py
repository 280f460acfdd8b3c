"""Accounts and administration in Chromium: the recovery-code pages and the audit log, at 1280 and 375 px
with axe-core clean, and the audit table fitting its page with long values in every column."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from polka.audit.models import AuditEntry
from polka.db import transaction
from tests.browser.conftest import DESKTOP, MOBILE, Tab, check_page
from tests.conftest import PASSWORD, Factory

pytestmark = pytest.mark.browser

#: Set to a folder to keep screenshots of the pages checked here (to look at them).
SHOTS = os.environ.get("POLKA_SCREENSHOTS", "")


def _shoot(tab: Tab, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        tab.page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_recovery_codes_pages_are_accessible(tab: Tab, make: Factory) -> None:
    user = make.user("Priya Shah", two_factor=True)
    tab.sign_in(user)
    tab.visit("/account/two-factor")
    assert "You have 10 of 10 recovery codes left" in tab.page.inner_text("main")
    check_page(tab, "/account/two-factor with recovery codes")
    tab.page.set_viewport_size(DESKTOP)
    tab.page.fill("#codes-password", PASSWORD)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Get new recovery codes").click()
    assert tab.page.locator("main ul code").count() == 10
    for size, name in ((DESKTOP, "recovery-codes-1280"), (MOBILE, "recovery-codes-375")):
        tab.page.set_viewport_size(size)
        _shoot(tab, name)
    check_page(tab, "the new recovery codes")


def test_signing_in_with_a_recovery_code_is_accessible(tab: Tab, make: Factory) -> None:
    user = make.user("Gareth Hughes", two_factor=True)
    tab.visit("/login")
    tab.page.fill("#email", user.email)
    tab.page.fill("#password", PASSWORD)
    tab.submit()
    with tab.page.expect_navigation():
        tab.page.get_by_role("link", name="use a recovery code").click()
    assert tab.path() == "/login/recovery-code"
    check_page(tab, "/login/recovery-code")
    tab.page.set_viewport_size(DESKTOP)
    tab.page.fill("#code", "wxyz-wxyz-wxyz-wxyz")
    tab.submit()
    assert tab.page.locator(".govuk-error-summary").count() == 1
    check_page(tab, "/login/recovery-code with an error")


def test_the_unconfirmed_address_message_is_accessible(tab: Tab, make: Factory, session: Session) -> None:
    user = make.user("Sam Contractor")
    with transaction(session):
        session.get(type(user), user.id).email_verified_at = None  # type: ignore[union-attr]
    tab.visit("/login")
    tab.page.fill("#email", user.email)
    tab.page.fill("#password", PASSWORD)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Sign in").click()
    assert "You need to confirm your email address" in tab.page.inner_text("main")
    check_page(tab, "/login for an unconfirmed address")
    tab.page.set_viewport_size(DESKTOP)
    with tab.page.expect_navigation():
        tab.page.get_by_role("button", name="Send me a new confirmation link").click()
    assert tab.path() == "/verify/resend/sent"


LONG_EMAIL = "a.very.long.name.of.somebody.in.a.department.with.a.long.name@metropolitan.police.uk"


@pytest.fixture
def long_audit_entries(session: Session) -> None:
    """Entries with the longest values each column can hold, unbroken by spaces."""
    with transaction(session):
        for n in range(3):
            session.add(
                AuditEntry(
                    at=datetime(2026, 4, 1 + n, 10, tzinfo=UTC),
                    actor_label=LONG_EMAIL,
                    action="membership.role_changed_by_a_community_manager",
                    target_type="organisation_membership_request",
                    target_id="9" * 64,
                    target_label="x" * 300,
                    ip="2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                    detail='{"filters": {"action": "' + "y" * 400 + '"}, "reason": "' + "z" * 200 + '"}',
                )
            )


def _table_fits(tab: Tab) -> bool:
    return bool(
        tab.page.evaluate(
            """() => {
                const table = document.querySelector("main table");
                const region = table.closest(".polka-table-scroll") || table.parentElement;
                const main = document.querySelector("main").getBoundingClientRect();
                const box = table.getBoundingClientRect();
                return region.scrollWidth <= region.clientWidth + 1 && box.right <= main.right + 1
                    && document.documentElement.scrollWidth <= window.innerWidth + 1;
            }"""
        )
    )


def test_the_audit_table_fits_its_page(tab: Tab, make: Factory, long_audit_entries: None) -> None:
    tab.sign_in(make.admin("Alex Admin"))
    tab.visit("/admin/audit")
    headers = tab.page.locator("main table thead th")
    assert headers.all_inner_texts() == ["Time", "Actor", "Action", "Target", "Address", "Detail"]
    for size, name in ((DESKTOP, "audit-1280"), (MOBILE, "audit-375")):
        tab.page.set_viewport_size(size)
        _shoot(tab, name)
        assert _table_fits(tab), f"the audit table is wider than its page at {size['width']} px"
        assert tab.page.locator("main table td:visible", has_text=LONG_EMAIL[:20]).count() >= 3
    check_page(tab, "/admin/audit with long values")
