"""Every form of the site, sent after the session ended, keeps what was typed.

The route walker (as in ``test_routes.py``) sends each POST route typed values with an expired session
and checks that the answer shows them; each page holding a form (GET and POST) is then filled in as a
person would, sent after the session ended, and after signing in again shows every typed value in its
form, with nothing sent.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from polka.db import transaction
from polka.markings import Marking
from polka.moderation import rules as moderation_rules
from polka.moderation.models import WordAction
from polka.organisations.models import Organisation
from polka.recurrence import Repeat
from polka.site_search.synonyms import add_group
from tests.blog.conftest import BlogFactory
from tests.conftest import Factory, Login
from tests.docs.conftest import DocsFactory
from tests.events.conftest import EventsFactory
from tests.forum.conftest import ForumFactory
from tests.live.conftest import LiveFactory
from tests.support import Web, csrf_from, text
from tests.test_expired_forms import continue_link, end_sessions, field_value, sign_in_from, wiki_page
from tests.test_routes import rules

#: Typed into every POST route: names of fields that forms across the site have.
TYPED = {
    "title": "Typed title for the walk",
    "body": "Typed body line one\nand line two",
    "summary": "Typed summary of the change",
    "reason": "Typed reason: left the force",
    "name": "Typed name of the thing",
}


def is_public(app: Flask, rule: Rule) -> bool:
    return bool(getattr(app.view_functions[rule.endpoint], "polka_public", False))


def post_rules(app: Flask) -> list[Rule]:
    return [r for r in rules(app) if "POST" in (r.methods or set()) and not is_public(app, r)]


def form_pages(app: Flask) -> list[Rule]:
    return [r for r in post_rules(app) if "GET" in (r.methods or set())]


@pytest.fixture
def world(app: Flask, make: Factory, session: Session) -> dict[str, Any]:
    """An administrator who manages a community holding a wiki page and a document."""
    admin = make.admin("Ada Admin")
    community = make.community("PNC Operators", managers=[admin], ceiling=Marking.OFFICIAL_SENSITIVE)
    page = wiki_page(session, admin, community)
    document = DocsFactory(app, session, make).document(community, author=admin)
    organisation = session.scalars(select(Organisation).order_by(Organisation.id)).first()
    assert organisation is not None
    with transaction(session):
        synonyms = add_group(session, session.merge(admin), "PACT\npolice and communities together")
    forum = ForumFactory(session, make)
    category = forum.category(community, "Questions", manager=admin)
    topic = forum.topic(category, admin)
    replier = make.member(community)
    reply = forum.reply(topic, replier, "A reply someone may report")
    with transaction(session):
        word = moderation_rules.add_word(
            session, session.merge(admin), session.merge(community), "scum", WordAction.FLAG
        )
        silenced = moderation_rules.silence(
            session, session.merge(admin), session.merge(community), session.merge(replier), 1, "Calm"
        )
    series = EventsFactory(session, make).event(
        community, admin, start_date="2027-04-13", repeat=Repeat.WEEKLY, count=10
    )
    post = BlogFactory(session, make).post(community, admin, "Weekly update")
    open_post = BlogFactory(session, make).post(None, admin, "Open to everyone")
    live = LiveFactory(session, make)
    question_session = live.session_in(community, admin, panel=[admin])
    question = live.approved(question_session, make.member(community), admin)
    answer = live.answer(question_session, admin, question)
    return {
        "admin": admin,
        "values": {
            "post": post.id,
            "user_id": admin.id,
            "event": series.id,
            "key": "20270420T1000",
            "slug": community.slug,
            "page": page.slug,
            "document_id": document.id,
            "organisation_id": organisation.id,
            "group_id": synonyms.id,
            "category": category.slug,
            "category_id": category.id,
            "topic": topic.id,
            "kind": "forum.post",
            "target_id": reply.id,
            "number": 1,
            "word_id": word.id,
            "silence_id": silenced.id,
            "live": question_session.id,
            "question": question.id,
            "answer": answer.id,
        },
        # a post in a person's own blog is one open to everyone signed in
        "under": {"/people/<int:user_id>/blog/<int:post>": {"post": open_post.id}},
    }


def path_for(rule: Rule, values: dict[str, Any], *, strict: bool, under: dict[str, Any] | None = None) -> str:
    """A concrete path for ``rule`` with the world's objects (``under``: other objects for the paths
    starting so); other numbers are 1 unless ``strict``."""
    for start, objects in (under or {}).items():
        if rule.rule.startswith(start):
            values = {**values, **objects}
    arguments = {}
    for name in rule.arguments:
        if name in values:
            arguments[name] = values[name]
        elif strict:
            raise AssertionError(f"the walk has no object for <{name}> in {rule.rule}: add one to `world`")
        else:
            arguments[name] = 1
    path = rule.rule
    for name, value in arguments.items():
        path = re.sub(r"<(?:\w+(?:\([^)]*\))?:)?" + name + ">", str(value), path)
    return path


def test_every_post_route_shows_what_was_typed_after_the_session_ended(app, web, login, world, session):
    admin = world["admin"]
    walked = []
    for rule in post_rules(app):
        path = path_for(rule, world["values"], strict=False, under=world["under"])
        login(admin)
        token = csrf_from(web.get("/account").get_data(as_text=True))
        end_sessions(session)
        response = web.client.post(path, data={"csrf_token": token, **TYPED})
        assert response.status_code == 401, f"POST {path} answered {response.status_code}"
        shown = text(response)
        assert "Nothing was saved" in shown, path
        for value in TYPED.values():
            assert " ".join(value.split()) in shown, f"POST {path} lost {value!r}"
        walked.append(path)
    assert len(walked) >= 40


class Forms(HTMLParser):
    """The POST forms of a page with each field: its kind, and its value as the page shows it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": []}
            )
        elif not self.forms or "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"} and "checked" not in a:
                return
            self.forms[-1]["fields"].append(
                (a["name"], kind, a.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "textarea":
            self._textarea = a["name"]
            self.forms[-1]["fields"].append((a["name"], "textarea", ""))
        elif tag == "select":
            self.forms[-1]["fields"].append((a["name"], "select", None))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, kind, value = self.forms[-1]["fields"][-1]
            self.forms[-1]["fields"][-1] = (name, kind, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


_OPTION = re.compile(r"<option([^>]*)>", re.S)


def selected_option(page: str, name: str) -> str:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert select_html
    options = _OPTION.findall(select_html.group(1))
    chosen = next((o for o in options if "selected" in o), options[0] if options else "")
    value = re.search(r'value="([^"]*)"', chosen)
    return html.unescape(value.group(1)) if value else ""


def the_form(page: str, path: str) -> list[tuple[str, str, str]]:
    finder = Forms()
    finder.feed(page)
    for form in finder.forms:
        if form["method"] == "post" and form["action"] in {"", path}:
            return [
                (name, kind, selected_option(page, name) if kind == "select" else value)
                for name, kind, value in form["fields"]
            ]
    raise AssertionError(f"{path} shows no form sending to itself")


TEXT_KINDS = {"text", "textarea", "email", "search", "url", "tel"}


def fill_in(
    fields: list[tuple[str, str, str]], page_path: str
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The form as sent, with text typed into every text box; and what was typed, by field."""
    data: dict[str, list[str]] = {}
    typed: dict[str, str] = {}
    for name, kind, value in fields:
        if kind in TEXT_KINDS:
            value = f"Typed into {name} on {page_path}" + ("\nsecond line" if kind == "textarea" else "")
            typed[name] = value
        if kind in {"file", "password", "submit"}:
            continue
        data.setdefault(name, []).append(value)
    return data, typed


def test_every_form_page_shows_what_was_typed_after_signing_in_again(
    app, web: Web, login: Login, world, session
):
    admin = world["admin"]
    walked = []
    for rule in form_pages(app):
        path = path_for(rule, world["values"], strict=True, under=world["under"])
        login(admin)
        page = web.get(path)
        assert page.status_code == 200, f"GET {path} answered {page.status_code}"
        body = page.get_data(as_text=True)
        data, typed = fill_in(the_form(body, path), path)
        end_sessions(session)
        response = web.client.post(path, data=data, headers={"Referer": f"http://localhost{path}"})
        assert response.status_code == 401, f"POST {path} answered {response.status_code}"
        back = sign_in_from(web, continue_link(response), admin, login).headers["Location"]
        assert back.startswith(path + "?kept="), back
        again = web.get(back)
        assert again.status_code == 200
        restored = again.get_data(as_text=True)
        for name, value in typed.items():
            assert field_value(restored, name) == value, (
                f"{path}: {name} came back as {field_value(restored, name)!r}"
            )
        walked.append((path, len(typed)))
    assert len(walked) >= 10
    assert sum(1 for _path, count in walked if count) >= 10, walked
