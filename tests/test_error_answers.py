"""Every error answered from one place (``polka.error_pages``): a page for a browser, the same failure as
``{"error": "…"}`` with the same status for a client whose Accept header prefers JSON."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from polka.audit.models import AuditEntry
from polka.errors import ENROL_FIRST, Denial, Forbidden, NotFound, TwoFactorNeeded, ValidationError
from tests.support import text

JSON = {"Accept": "application/json"}
#: What a browser sends when it follows a link.
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

RAISED: dict[str, Exception] = {
    "not-found": NotFound("The page “Secret plans” is not here"),
    "forbidden": Forbidden("Only moderators may do that"),
    "denied": Forbidden("Only managers may do that"),
    "invalid": ValidationError("Enter a title", {"title": "Enter a title"}),
    "two-factor": TwoFactorNeeded(),
    "broken": RuntimeError("an unexpected failure"),
}
RAISED["denied"].denial = Denial(action="manage", target_type="community", target_id="7")


@pytest.fixture
def raising(app: Flask) -> Flask:
    """A test-only route, ``/test-only/raise/<what>``, that raises one of ``RAISED`` (GET or POST)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a 500 is answered as in production

    def raise_it(what: str) -> Any:
        raise RAISED[what]

    app.add_url_rule("/test-only/raise/<what>", "test_only_raise", raise_it, methods=["GET", "POST"])
    return app


@pytest.fixture
def signed_in(raising, login, make):
    return login(make.user())


def both(web, what: str) -> tuple[Any, Any]:
    """The answer to raising ``what`` for a browser (a page), then for a client asking for JSON."""
    url = f"/test-only/raise/{what}"
    return web.get(url, headers=BROWSER), web.get(url, headers=JSON)


def test_a_client_asking_for_json_gets_json_and_a_browser_a_page(signed_in, web):
    page, answer = both(web, "forbidden")
    assert page.status_code == answer.status_code == 403
    assert page.mimetype == "text/html"
    assert "Only moderators may do that" in text(page)
    assert answer.get_json() == {"error": "Only moderators may do that"}


@pytest.mark.parametrize("accept", ["*/*", "application/json;q=0.5, text/html", ""])
def test_only_a_preference_for_json_gets_json(signed_in, web, accept):
    response = web.get("/test-only/raise/forbidden", headers={"Accept": accept} if accept else {})
    assert response.mimetype == "text/html"


def test_not_found_never_says_more_than_not_found(signed_in, web):
    page, answer = both(web, "not-found")
    assert page.status_code == answer.status_code == 404
    assert "Page not found" in text(page)
    assert "Secret plans" not in text(page)
    assert answer.get_json() == {"error": "Page not found"}


def test_a_url_no_route_has_is_404_in_both(signed_in, web):
    assert "Page not found" in text(web.get("/no/such/page"))
    answer = web.get("/no/such/page", headers=JSON)
    assert answer.status_code == 404
    assert answer.get_json() == {"error": "Page not found"}


def test_a_method_a_route_does_not_take_is_405_in_both(signed_in, web):
    page = web.client.delete("/test-only/raise/forbidden")
    answer = web.client.delete("/test-only/raise/forbidden", headers=JSON)
    assert page.status_code == answer.status_code == 405
    assert "That action is not available here" in text(page)
    assert answer.get_json() == {"error": "That action is not available here"}


def test_refused_input_names_its_fields_in_json(signed_in, web):
    page = web.post("/test-only/raise/invalid", token_from="/account")
    assert page.status_code == 400
    assert "Enter a title" in text(page)
    answer = web.post("/test-only/raise/invalid", token_from="/account", headers=JSON)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "Enter a title", "fields": {"title": "Enter a title"}}


def test_a_form_without_its_csrf_token_is_400_in_both(signed_in, web):
    page = web.client.post("/test-only/raise/invalid", data={"title": "x"})
    answer = web.client.post("/test-only/raise/invalid", data={"title": "x"}, headers=JSON)
    assert page.status_code == answer.status_code == 400
    assert "The form had expired or was sent from elsewhere" in text(page)
    assert answer.get_json()["error"].startswith("The form had expired or was sent from elsewhere")


def test_a_stale_token_from_a_script_is_answered_in_json_not_kept(signed_in, web):
    answer = web.client.post(
        "/test-only/raise/invalid", data={"csrf_token": "stale", "title": "x"}, headers=JSON
    )
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": "The form had expired. Reload the page and try again.",
        "signed_in": True,
    }


def test_two_factor_needed_sends_a_person_to_set_it_up_and_tells_a_script(signed_in, web):
    page, answer = both(web, "two-factor")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/account/two-factor")
    assert answer.status_code == 403
    assert answer.get_json() == {"error": ENROL_FIRST}


def test_a_page_for_enrolled_users_only_tells_a_script_the_same(raising, web, login, make):
    login(make.user(admin=True, two_factor=False))
    answer = web.get("/admin/", headers=JSON)
    assert answer.status_code == 403
    assert answer.get_json() == {"error": ENROL_FIRST}


def test_a_denial_is_audited_whichever_way_it_is_answered(signed_in, web, session):
    assert web.get("/test-only/raise/denied").status_code == 403
    assert web.get("/test-only/raise/denied", headers=JSON).status_code == 403
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert len(entries) == 2
    assert {entry.target_id for entry in entries} == {"7"}


def test_an_unexpected_failure_is_500_in_both(signed_in, web):
    page, answer = both(web, "broken")
    assert page.status_code == answer.status_code == 500
    assert "Try again later. The problem has been logged." in text(page)
    assert "unexpected failure" not in text(page)
    assert answer.get_json() == {
        "error": "Sorry, there is a problem with the service. Try again later. The problem has been logged."
    }


@pytest.fixture
def small_requests(settings_overrides):
    settings_overrides["max_upload_mb"] = 1


def test_a_request_over_the_size_limit_is_413_in_both(small_requests, signed_in, web):
    body = {"title": "x" * (2 * 1024 * 1024)}
    page = web.post("/test-only/raise/invalid", body, token_from="/account")
    answer = web.post("/test-only/raise/invalid", body, token_from="/account", headers=JSON)
    assert page.status_code == answer.status_code == 413
    assert "larger than the 1 MB limit. Nothing was uploaded." in text(page)
    assert answer.get_json()["error"].startswith(
        "The request was larger than the 1 MB limit. Nothing was uploaded."
    )
