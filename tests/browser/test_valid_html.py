"""The Nu HTML Checker that every browser test runs on the pages it visits, and what it found."""

from __future__ import annotations

import pytest

from polka.communities.models import Role
from tests.browser.conftest import DESKTOP, MOBILE, Tab, check_page
from tests.browser.html_checker import HtmlChecker, describe_findings
from tests.conftest import Factory

pytestmark = pytest.mark.browser

INVALID = """<!DOCTYPE html>
<html lang="en-GB">
<head><title>Invalid</title></head>
<body>
<p>Saved <time datetime="2026-12-04T23:25:50.123456+00:00">at 11:25pm</time></p>
<form action=""><input type="hidden" name="base" value="3" min="0" required></form>
<table role="table"><tr><td>A role restated</td></tr></table>
</body>
</html>
"""


def test_the_checker_reports_each_error_with_its_line_and_source(html_checker: HtmlChecker) -> None:
    findings = html_checker.check(INVALID)
    messages = [finding.message for finding in findings]
    assert any("fraction of a second" in message for message in messages), messages
    assert any("“min” not allowed" in message for message in messages), messages
    assert any("“required” not allowed" in message for message in messages), messages
    assert any("“action”" in message for message in messages), messages
    assert any(f.kind == "warning" and "“table” role is unnecessary" in f.message for f in findings), messages
    report = describe_findings(findings, "GET /example (as served)")
    assert "GET /example (as served)" in report
    assert "line 5" in report
    assert 'datetime="2026-12-04T23:25:50.123456+00:00"' in report


def test_a_valid_page_passes(html_checker: HtmlChecker) -> None:
    valid = (
        INVALID.replace(".123456+00:00", "Z")
        .replace(' action=""', "")
        .replace(' min="0" required', "")
        .replace(' role="table"', "")
    )
    assert html_checker.check(valid) == []


def test_the_welcome_page_is_valid_and_accessible(tab: Tab) -> None:
    tab.visit("/")
    check_page(tab, "/ (not signed in)")
    tab.page.get_by_role("link", name="Register for an account").click()
    tab.page.wait_for_url("**/register")
    tab.check_html()


def test_a_table_keeps_its_meaning_as_cards_on_a_phone_and_is_plain_html_on_a_desktop(
    tab: Tab, make: Factory
) -> None:
    community = make.community("PNC Operators")
    member = make.member(community, make.user("Priya Shah"), Role.MEMBER)
    tab.sign_in(member)
    tab.visit(f"/c/{community.slug}/members")
    cells = tab.page.locator("main table.govuk-table tbody td")
    assert cells.count() > 0
    assert cells.first.get_attribute("role") is None  # HTML forbids restating a table cell's role
    tab.page.set_viewport_size(MOBILE)
    tab.page.wait_for_function(
        "() => document.querySelector('main table tbody td').getAttribute('role') === 'cell'"
    )
    assert tab.page.locator("main table.govuk-table").first.get_attribute("role") == "table"
    tab.page.set_viewport_size(DESKTOP)
    tab.page.wait_for_function("() => !document.querySelector('main table tbody td').hasAttribute('role')")
    check_page(tab, "the members page after a phone-sized view")
