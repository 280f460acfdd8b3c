"""Hostile identifiers in URLs: every integer segment of every route, filled with values that cannot be
a database id, answers 404 before its view runs (never 500)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.routing import Rule

from tests.conftest import Factory, Login
from tests.support import Web
from tests.test_routes import STATE_CHANGING, rules
from tests.wiki.conftest import WikiFactory

#: Numbers no id can be (beyond 64 bits, beyond a PostgreSQL integer, zero, negative), and text that
#: only looks like a number.
HOSTILE_IDS = [
    str(2**63),
    str(2**63 - 1),
    str(2**64),
    "99999999999999999999999",
    str(2**31),
    "0",
    "-1",
    "1e5",
    "0x10",
    "+1",
    "\u0661",  # ARABIC-INDIC DIGIT ONE: a digit to Python, not an id
]
_SEGMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def integer_segments(rule: Rule) -> list[str]:
    return [name for converter, name in _SEGMENT.findall(rule.rule) if converter == "int"]


def path_with(rule: Rule, values: dict[str, str]) -> str:
    """``rule``'s path with each placeholder replaced by ``values[name]`` ("x" when absent)."""
    return _SEGMENT.sub(lambda m: values.get(m.group(2), "x"), rule.rule)


def answer(web: Web, method: str, path: str, token: str) -> int | str:
    """The status ``path`` answers, or the exception it raised (the test app lets them through)."""
    try:
        return int(web.client.open(path, method=method, data={"csrf_token": token}).status_code)
    except Exception as exc:  # any exception is the failure being looked for
        return f"{type(exc).__name__}: {str(exc)[:80]}"


def test_every_integer_segment_of_every_route_is_404_for_a_number_that_cannot_be_an_id(
    app: Flask, web: Web, login: Login, make: Factory, session
):
    """Signed in as an administrator with two-factor who manages the community, so that no route
    stops at "sign in" or "not allowed" before it parses its ids."""
    admin = make.admin()
    community = make.community("Hostile Ids", managers=[admin])
    page = WikiFactory(session, make).page(community, "Some page", author=admin)
    login(admin)
    token = web.token("/account")
    base = {"slug": community.slug, "community": community.slug, "page": page.slug, "kind": "doc"}
    walked = 0
    failures: list[str] = []
    for rule in rules(app):
        names = integer_segments(rule)
        methods = sorted((rule.methods or set()) & ({"GET"} | STATE_CHANGING))
        for name in names:
            for value in HOSTILE_IDS:
                values = {**base, **dict.fromkeys(names, "1"), name: value}
                path = path_with(rule, values)
                for method in methods:
                    status = answer(web, method, path, token)
                    if status != 404:
                        failures.append(f"{method} {path} answered {status}")
                    walked += 1
    assert walked > 500, walked
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("value", HOSTILE_IDS)
def test_a_hostile_id_is_page_not_found(web: Web, login: Login, value: str):
    login.as_admin()
    response = web.get(f"/people/{value}")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
