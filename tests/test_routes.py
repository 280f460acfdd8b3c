"""Walk every route in the URL map: CSRF on every state change, 404 for outsiders of a private
community on every community route, and no 500 for hostile form input anywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from polka.communities.models import Role, Visibility
from tests.conftest import Factory, Login
from tests.support import text

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
#: Routes that are the same for everyone and hold no community content.
NOT_COMMUNITY_CONTENT = {"static"}
#: State-changing routes without a CSRF token, because a signed token in their address is their whole
#: authority: one-click unsubscribe (RFC 8058) is a POST from a mail client, which has no session.
SIGNED_ADDRESS = {"notifications.unsubscribe"}


def rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def fill(rule: Rule, slug: str, number: int = 1) -> str:
    """A concrete path for ``rule``: ``slug`` for community slugs, ``number`` for ids, "x" otherwise."""
    path = rule.rule
    for converter, name in re.findall(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", path):
        if converter in {"int", "float"}:
            value = str(number)
        elif name in {"slug", "community"}:
            value = slug
        else:
            value = "x"
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?" + name + ">", value, path, count=1)
    return path


def community_rules(app: Flask) -> list[Rule]:
    return [r for r in rules(app) if r.rule.startswith("/c/<") and r.endpoint not in NOT_COMMUNITY_CONTENT]


def state_changing_rules(app: Flask) -> list[Rule]:
    return [
        r for r in rules(app) if (r.methods or set()) & STATE_CHANGING and r.endpoint not in SIGNED_ADDRESS
    ]


def test_a_route_without_csrf_refuses_an_address_not_signed_by_polka(app, web):
    for rule in rules(app):
        if rule.endpoint in SIGNED_ADDRESS:
            response = web.client.post(fill(rule, "x"), data={"List-Unsubscribe": "One-Click"})
            assert response.status_code == 404, (
                f"POST {rule.rule} with a forged token: {response.status_code}"
            )


@pytest.fixture
def private_world(make: Factory) -> dict[str, Any]:
    manager = make.user("Private Manager", two_factor=True)
    private = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    insider = make.member(private, make.user("Insider"), Role.MEMBER)
    return {"community": private, "manager": manager, "insider": insider}


def test_there_are_community_routes_to_walk(app):
    assert len(community_rules(app)) >= 2


def test_every_state_changing_route_refuses_a_request_without_csrf_token(app, web, login, private_world):
    login(private_world["manager"])
    checked = []
    for rule in state_changing_rules(app):
        path = fill(rule, private_world["community"].slug)
        for method in sorted((rule.methods or set()) & STATE_CHANGING):
            response = web.client.open(path, method=method, data={"anything": "1"})
            assert response.status_code == 400, (
                f"{method} {path} answered {response.status_code} without a token"
            )
            checked.append(path)
    assert checked, "no state-changing routes found"


def test_state_changing_routes_refuse_anonymous_requests_without_token(app, web, private_world):
    for rule in state_changing_rules(app):
        path = fill(rule, private_world["community"].slug)
        response = web.client.post(path, data={"anything": "1"})
        assert response.status_code == 400, f"POST {path} answered {response.status_code} without a token"


def test_every_community_route_is_404_to_an_outsider_of_a_private_community(app, web, login, private_world):
    login.as_new_user(name="Outsider")
    slug = private_world["community"].slug
    for rule in community_rules(app):
        path = fill(rule, slug)
        if "GET" in (rule.methods or set()):
            assert web.get(path).status_code == 404, f"GET {path} is not 404 to an outsider"
        if "POST" in (rule.methods or set()):
            assert web.post(path, {}).status_code == 404, f"POST {path} is not 404 to an outsider"


def test_the_same_community_routes_answer_a_member(app, web, login, private_world):
    """The twin of the outsider test: the 404s above come from the policy, not from broken URLs."""
    login(private_world["insider"])
    slug = private_world["community"].slug
    plain = [
        r for r in community_rules(app) if set(r.arguments) == {"slug"} and "GET" in (r.methods or set())
    ]
    assert plain
    answered = {fill(r, slug): web.get(fill(r, slug)).status_code for r in plain}
    assert 200 in answered.values(), answered
    assert all(status in {200, 302, 403} for status in answered.values()), answered


class FormFinder(HTMLParser):
    """Collects each POST form on a page: its action and the names of its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and (values.get("method") or "").lower() == "post":
            self.forms.append({"action": values.get("action") or "", "fields": []})
        elif (
            tag in {"input", "textarea", "select"}
            and self.forms
            and values.get("name") not in {None, "csrf_token"}
        ):
            self.forms[-1]["fields"].append(values["name"])


HOSTILE = [
    "a" * 100_000,
    "nul\x00byte",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\u202eevil",
    "",
]


def get_pages(app: Flask, slug: str) -> list[str]:
    pages = []
    for rule in rules(app):
        is_page = (
            "GET" in (rule.methods or set()) and rule.endpoint != "static" and not rule.rule.endswith(".csv")
        )
        if is_page and set(rule.arguments) <= {"slug"}:
            pages.append(fill(rule, slug))
    return pages


def test_hostile_input_in_every_form_never_causes_a_server_error(app, web, login, private_world, make):
    """As an administrator who manages a community, submit every form found with hostile values."""
    admin = make.admin()
    make.member(private_world["community"], admin, Role.MANAGER)
    login(admin)
    slug = private_world["community"].slug
    submitted = 0
    for page in get_pages(app, slug):
        response = web.get(page)
        if response.status_code != 200:
            continue
        finder = FormFinder()
        finder.feed(response.get_data(as_text=True))
        for form in finder.forms:
            action = form["action"] or page
            if action.endswith("/logout"):
                continue
            for value in HOSTILE:
                data = {name: value for name in form["fields"] if name != "csrf_token"}
                result = web.post(action, data, token_from=page)
                assert result.status_code < 500, f"{action} with {value[:20]!r} → {result.status_code}"
                submitted += 1
            login(admin)  # a form may have signed us out or changed our session
    assert submitted > 0


def test_invalid_utf8_in_a_form_is_a_clear_error(web):
    token = web.token()
    body = b"csrf_token=" + token.encode() + b"&email=\xff\xfe%00&password=\xc3\x28"
    response = web.client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "There is a problem" in text(response)


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(web, make, next_url):
    user = make.user()
    response = web.post(
        f"/login?next={next_url}", {"email": user.email, "password": "lantern-quietly-harbour-91"}
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith("//")
    assert "evil" not in location


def test_sign_in_follows_an_on_site_next(web, make):
    user = make.user()
    response = web.post("/login?next=/c/", {"email": user.email, "password": "lantern-quietly-harbour-91"})
    assert response.headers["Location"] == "/c/"


def test_unknown_community_is_404(web, login: Login):
    login.as_new_user()
    assert web.get("/c/no-such-community/").status_code == 404
