"""Hostile identifiers in forms and query strings: a value that cannot be an id, where a form or a query
names a parent page, a folder, a replacement document, a revision, an organisation or a page of a list,
is a form error (400, with what was typed kept), a 404 or the list's first page; never a 500."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.docs.models import Document
from polka.wiki.models import WikiPage
from tests.conftest import Factory, Login
from tests.docs.conftest import DocsFactory
from tests.support import Web, text
from tests.test_hostile_ids import HOSTILE_IDS, path_with
from tests.test_routes import FormFinder, get_pages, rules
from tests.wiki.conftest import WikiFactory

#: Typed by the user: a refused form shows it again.
TYPED_TITLE = "Custody handover checklist"
#: Values of a revision-number field (a number from 0, not an id) that are no number at all.
NOT_NUMBERS = [str(2**63), str(2**64), "99999999999999999999999", str(2**31), "-1", "1e5", "0x10"]


@dataclass
class World:
    admin: User
    community: Community
    page: WikiPage
    document: Document
    other: Document


@pytest.fixture
def world(app: Flask, session: Session, make: Factory, login: Login) -> World:
    """A community managed by an administrator with two-factor, with a page and two documents."""
    admin = make.admin()
    community = make.community("Hostile Forms", managers=[admin])
    page = WikiFactory(session, make).page(community, "Some page", author=admin)
    docs = DocsFactory(app, session, make)
    document = docs.document(community, "Minutes", author=admin)
    other = docs.document(community, "Agenda", b"Agenda for March.\n", filename="agenda.txt", author=admin)
    login(admin)
    return World(admin, community, page, document, other)


def post(web: Web, url: str, data: dict[str, Any], token_from: str) -> Any:
    """Submit a form as a browser would, multipart so that file fields can ride along."""
    fields = {"csrf_token": web.token(token_from), **data}
    return web.client.post(url, data=fields, content_type="multipart/form-data")


def answer(request: Callable[[], Any]) -> int | str:
    """The status a request answers, or the exception it raised (the test app lets them through)."""
    try:
        response = request()
    except Exception as exc:  # any exception is the failure being looked for
        return f"{type(exc).__name__}: {str(exc)[:80]}"
    response.close()  # a download holds its file open until then
    return int(response.status_code)


def assert_form_error(response: Any, message: str, *typed: str) -> None:
    assert response.status_code == 400, response.status_code
    page = text(response)
    assert "There is a problem" in page
    assert message in page
    for value in typed:
        assert value in response.get_data(as_text=True)


def test_a_new_wiki_page_with_a_hostile_parent_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        url = f"/c/{world.community.slug}/wiki/new"
        response = post(web, url, {"title": TYPED_TITLE, "body": "Check the cell.", "parent": value}, url)
        assert_form_error(response, "Choose a parent page from the list", TYPED_TITLE, "Check the cell.")


def test_an_upload_into_a_hostile_folder_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        url = f"/c/{world.community.slug}/docs/upload"
        data = {
            "files": [(io.BytesIO(b"Notes of the meeting.\n"), "notes.txt")],
            "title": TYPED_TITLE,
            "marking": "OFFICIAL",
            "folder": value,
        }
        assert_form_error(post(web, url, data, url), "Choose a folder from the list", TYPED_TITLE)


def test_a_new_folder_in_a_hostile_parent_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        library = f"/c/{world.community.slug}/docs/"
        response = post(
            web, f"/c/{world.community.slug}/docs/folders", {"name": "Rotas", "parent": value}, library
        )
        assert_form_error(response, "The folder this one goes in was not sent as expected", "Rotas")


def test_superseding_by_a_hostile_document_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        url = f"/c/{world.community.slug}/docs/{world.document.id}/supersede"
        response = post(web, url, {"replacement": value}, url)
        assert_form_error(response, "Choose the document that replaces this one from the list")


def test_moving_a_document_to_a_hostile_place_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        url = f"/c/{world.community.slug}/docs/{world.document.id}/move"
        for destination in (f"{value}:", f"{world.community.id}:{value}"):
            response = post(web, url, {"destination": destination}, url)
            assert response.status_code == 400, (destination, response.status_code)


def test_moving_a_page_under_a_hostile_parent_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        url = f"/c/{world.community.slug}/wiki/{world.page.slug}/move"
        response = post(web, url, {"title": TYPED_TITLE, "parent": value}, url)
        assert_form_error(response, "Choose a parent page from the list", TYPED_TITLE)


def test_a_revision_number_in_a_form_that_cannot_be_one_is_refused(web: Web, world: World):
    """The revision or version an editor started from, and the head a revert was decided on (these
    are numbers from 0, not ids: only what cannot be a number at all is tried)."""
    slug, page, document = world.community.slug, world.page.slug, world.document.id
    edit = f"/c/{slug}/wiki/{page}/edit"
    revert = f"/c/{slug}/wiki/{page}/revisions/1/revert"
    new_version = f"/c/{slug}/docs/{document}/versions/new"
    restore = f"/c/{slug}/docs/{document}/versions/1/restore"
    for value in NOT_NUMBERS:
        response = post(web, edit, {"body": "Typed text", "summary": "Typed summary", "base": value}, edit)
        assert response.status_code == 400, value
        assert "Typed text" in response.get_data(as_text=True)
        response = post(web, revert, {"head": value}, f"/c/{slug}/wiki/{page}/revisions/1")
        assert response.status_code == 400, value
        data = {"files": [(io.BytesIO(b"v2\n"), "schedule.txt")], "note": "Typed note", "base": value}
        response = post(web, new_version, data, new_version)
        assert response.status_code == 400, value
        assert "Typed note" in response.get_data(as_text=True)
        # a button with a hidden field: refused back on the versions page, with why
        versions = f"/c/{slug}/docs/{document}/versions"
        assert post(web, restore, {"base": value}, versions).status_code == 302, value
        assert "The version was not restored" in text(web.get(versions))


def test_a_hostile_organisation_or_parent_community_is_a_form_error(web: Web, world: World):
    for value in HOSTILE_IDS:
        response = post(
            web, "/people/me/edit", {"name": "Site Admin", "organisation_id": value}, "/people/me/edit"
        )
        assert response.status_code == 400
        settings = f"/c/{world.community.slug}/settings"
        data = {"name": "Hostile Forms", "summary": "Typed summary", "parent": value}
        response = post(web, settings, data, settings)
        assert response.status_code == 400
        assert "Typed summary" in response.get_data(as_text=True)


def test_registering_with_a_hostile_organisation_is_a_form_error(web: Web):
    for value in HOSTILE_IDS:
        data = {
            "name": "Nia New",
            "email": "nia@met.police.uk",
            "password": "lantern-quietly-harbour-91",
            "organisation": value,
        }
        response = post(web, "/register", data, "/register")
        assert response.status_code == 400
        assert "Nia New" in response.get_data(as_text=True)


#: Every query value the code reads as an id or a number (request.args and GET forms).
ID_QUERIES = ["page", "folder", "parent", "to", "from", "organisation", "community", "template"]


def test_every_page_answers_a_hostile_id_in_any_query_value_without_a_server_error(
    app: Flask, web: Web, world: World
):
    """Lists show a page of their items (a page number that cannot be one shows the first page), and
    pages that read an id from the query answer it with a form error or a 404."""
    values = {
        "slug": world.community.slug,
        "page": world.page.slug,
        "document_id": str(world.document.id),
        "folder_id": "1",
        "kind": "doc",
        "number": "1",
    }
    failures = []
    for rule in rules(app):
        if "GET" not in (rule.methods or set()) or rule.endpoint == "static":
            continue
        if not set(rule.arguments) <= set(values):
            continue
        path = path_with(rule, values)
        for name in ID_QUERIES:
            for value in (str(2**63), "99999999999999999999999", "-1", "1e5"):
                status = answer(partial(web.get, path, query_string={name: value, "q": "minutes"}))
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{path}?{name}={value} → {status}")
    assert not failures, "\n".join(failures)


def test_a_page_number_that_cannot_be_one_shows_the_first_page_of_a_list(web: Web, world: World):
    slug = world.community.slug
    lists = {
        "/people/": "Site Admin",
        "/admin/users": "Site Admin",
        "/admin/audit": "Audit log",
        f"/c/{slug}/members": "Site Admin",
        f"/c/{slug}/docs/": "Minutes",
        f"/c/{slug}/wiki/{world.page.slug}/history": "revision 1",
        "/search": "Minutes",
    }
    for value in [str(2**63), "99999999999999999999999", "-1", "1e5", "0"]:
        for path, first_item in lists.items():
            response = web.get(path, query_string={"page": value, "q": "minutes"})
            assert response.status_code == 200, (path, value, response.status_code)
            assert first_item in text(response), (path, value)


def test_every_id_field_on_every_form_refuses_a_hostile_id_without_a_server_error(
    app: Flask, web: Web, world: World
):
    """Each POST form on the pages an administrator and manager sees, each of its fields in turn set
    to a number that cannot be an id (the others left as the page offers them)."""
    slug = world.community.slug
    pages = [
        *get_pages(app, slug),
        f"/c/{slug}/wiki/{world.page.slug}",
        f"/c/{slug}/wiki/{world.page.slug}/edit",
        f"/c/{slug}/wiki/{world.page.slug}/move",
        f"/c/{slug}/wiki/{world.page.slug}/revisions/1",
        f"/c/{slug}/docs/{world.document.id}",
        f"/c/{slug}/docs/{world.document.id}/edit",
        f"/c/{slug}/docs/{world.document.id}/move",
        f"/c/{slug}/docs/{world.document.id}/supersede",
        f"/c/{slug}/docs/{world.document.id}/versions",
        f"/c/{slug}/docs/{world.document.id}/versions/new",
        f"/admin/users/{world.admin.id}",
    ]
    failures, submitted = [], 0
    for page, action, fields in forms_on(web, pages):
        if action.endswith("/logout") or "/account/" in action:
            continue
        for field in fields:
            for value in (str(2**63), "99999999999999999999999"):
                status = answer(partial(post, web, action, dict.fromkeys(fields, "1") | {field: value}, page))
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{action} {field}={value} → {status}")
                submitted += 1
    assert submitted > 50, submitted
    assert not failures, "\n".join(failures)


def forms_on(web: Web, pages: list[str]) -> Iterator[tuple[str, str, list[str]]]:
    """Each POST form on these pages: the page, where the form goes and the names of its fields."""
    for page in pages:
        response = web.get(page)
        finder = FormFinder()
        finder.feed(response.get_data(as_text=True) if response.status_code == 200 else "")
        yield from ((page, form["action"] or page, form["fields"]) for form in finder.forms)
