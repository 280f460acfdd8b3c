"""The home address for a visitor who is not signed in: what POLKA is, who may join and how."""

from __future__ import annotations

import re

import pytest

from polka.communities.models import Visibility
from tests.support import text


def main(response) -> str:
    """The visible text of the page's main content."""
    body = response.get_data(as_text=True)
    found = re.search(r"<main\b.*?</main>", body, flags=re.S)
    assert found, "no <main> on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def test_a_visitor_sees_what_polka_is_and_how_to_join(web):
    response = web.get("/")
    assert response.status_code == 200
    page = text(response)
    assert "POLKA is where people from police forces across the UK work together" in page
    assert "Who can join" in page
    assert "work email address ends in police.uk" in page
    assert "Register with your work email address" in page
    assert "An administrator approves your account" in page


def test_the_welcome_page_links_to_registration_and_sign_in(web):
    body = web.get("/").get_data(as_text=True)
    assert re.search(r'<a [^>]*href="/register"[^>]*>Register for an account</a>', body)
    assert re.search(r'<a [^>]*href="/login"[^>]*>Sign in</a>', body)


@pytest.fixture
def approval_for_everyone(settings_overrides):
    settings_overrides.update(allowed_email_domains=("police.uk", "nca.gov.uk"), require_approval=True)


def test_the_welcome_page_follows_the_allowed_domains_and_approval_settings(approval_for_everyone, web):
    page = text(web.get("/"))
    assert "ends in police.uk or nca.gov.uk" in page
    assert "ready as soon as you confirm" not in page


@pytest.mark.parametrize("visibility", list(Visibility))
def test_the_welcome_page_shows_nothing_from_inside(web, make, session, visibility, wiki):
    community = make.community("Covert Tasking Unit", visibility=visibility, summary="Handlers only")
    wiki.page(community, "Safe houses")  # its activity: the author joined, and created the page
    content = main(web.get("/"))
    for secret in ("Covert Tasking Unit", "Handlers only", "Safe houses"):
        assert secret not in content
    assert not re.search(r"\d", content), f"a number (a count?) on the welcome page: {content}"


def test_a_signed_in_user_still_gets_their_home_page(web, login):
    login.as_new_user(name="Priya Shah")
    page = text(web.get("/"))
    assert "Welcome, Priya Shah" in page
    assert "Who can join" not in page
