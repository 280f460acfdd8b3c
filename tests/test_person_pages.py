"""Pages about a person other than the viewer show that person, and every form on them acts on that person.

The base template once set a variable named ``user`` that replaced the one a view passed, so the
administrator's page for someone else showed, and suspended, the administrator. These tests render each
page that shows another person and check the name shown and every form's target; the last one keeps the
base template from setting names a page's own variables could collide with.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment, nodes

from tests.support import text

TEMPLATES = Path(__file__).parent.parent / "polka" / "templates"
_FORM_ACTION = re.compile(r'<form[^>]*\baction="([^"]*)"')
_HEADING = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)


def _forms_with_ids(page: str) -> list[str]:
    """The form targets on a page that name a numbered object (search boxes and sign-out have none)."""
    return [action for action in _FORM_ACTION.findall(page) if re.search(r"/\d+(/|$)", action)]


@pytest.fixture
def other(login, make):
    """Someone else, with a site administrator signed in."""
    login.as_admin()
    return make.user("Priya Ferris", email="priya.ferris@kent.police.uk")


def test_the_admin_user_page_shows_the_person_asked_for(web, other):
    page = web.get(f"/admin/users/{other.id}").get_data(as_text=True)
    assert _HEADING.search(page).group(1).strip() == "Priya Ferris"
    assert "priya.ferris@kent.police.uk" in page
    assert "This is your own account" not in page


def test_every_form_on_the_admin_user_page_acts_on_the_person_shown(web, other):
    page = web.get(f"/admin/users/{other.id}").get_data(as_text=True)
    targets = _forms_with_ids(page)
    assert {f"/admin/users/{other.id}/suspend", f"/admin/users/{other.id}/grant-admin"} <= set(targets)
    assert all(f"/users/{other.id}/" in target for target in targets), targets


def test_every_form_on_another_administrators_page_acts_on_them(web, make, other):
    colleague = make.admin("Dev Okafor")
    page = web.get(f"/admin/users/{colleague.id}").get_data(as_text=True)
    assert _HEADING.search(page).group(1).strip() == "Dev Okafor"
    targets = _forms_with_ids(page)
    assert f"/admin/users/{colleague.id}/revoke-admin" in targets
    assert all(f"/users/{colleague.id}/" in target for target in targets), targets


def test_suspending_someone_else_from_their_page_suspends_them(web, other):
    response = web.post(
        f"/admin/users/{other.id}/suspend",
        {"suspend-reason": "Left the force"},
        token_from=f"/admin/users/{other.id}",
        follow_redirects=True,
    )
    assert "Priya Ferris is suspended" in text(response)
    assert "Suspended: Left the force" in text(response)


def test_a_profile_shows_the_person_asked_for(web, login, make):
    login.as_new_user(name="Viewing Person")
    other = make.user("Sam Osei")
    page = web.get(f"/people/{other.id}").get_data(as_text=True)
    assert _HEADING.search(page).group(1).strip() == "Sam Osei"
    assert "Edit your profile" not in page
    assert _forms_with_ids(page) == []


def _assigned_names(template: nodes.Template) -> set[str]:
    return {
        target.name
        for node in template.find_all((nodes.Assign, nodes.AssignBlock))
        for target in node.find_all(nodes.Name)
        if target.ctx == "store"
    }


def test_the_base_template_sets_no_names_a_page_could_collide_with():
    # A name set at the top of base.html replaces the variable of the same name a view passed, in
    # every page that extends it. The base template reads what it needs through calls instead.
    env = Environment(autoescape=True, extensions=["jinja2.ext.do"])
    source = (TEMPLATES / "base.html").read_text()
    assert _assigned_names(env.parse(source)) == set()
