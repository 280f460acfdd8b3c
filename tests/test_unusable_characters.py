"""Characters no text may hold (U+FFFF and the like, ``polka.characters``): refused on every form field
with a clear message, and never written into a feed or an email whatever the database holds."""

from __future__ import annotations

import importlib
import pkgutil
import xml.etree.ElementTree as ET
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField

import polka
from polka.accounts.models import User
from polka.characters import clean_output, first_refused_character
from polka.communities.models import Community
from polka.config import load_settings
from polka.db import transaction
from polka.forms import PolkaForm
from polka.mail import build_message
from polka.wiki.models import WikiPage, WikiRendering, WikiRevision
from tests.accounts.conftest import register
from tests.conftest import Factory, Login
from tests.support import Web, text
from tests.wiki.conftest import WikiFactory

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    "character",
    [
        *("\x00", "\x08", "\x0b", "\x1f", "\x7f", "\x85", "\x9f"),  # controls but tab, LF, CR
        *("\ud800", "\udfff"),  # surrogates
        *("\uffff", "\ufffe", "\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff"),  # noncharacters
    ],
)
def test_characters_xml_cannot_carry_and_noncharacters_are_refused_and_cleaned(character):
    assert first_refused_character(f"Ann{character}Smith") == character
    assert clean_output(f"Ann{character}Smith") == "Ann\ufffdSmith"


@pytest.mark.parametrize(
    "character", ["\t", "\n", "\r", " ", "é", "\u202e", "\ue000", "\ufffd", "\U0001f600"]
)
def test_ordinary_text_line_breaks_and_private_use_characters_are_allowed(character):
    assert first_refused_character(f"Ann{character}Smith") is None
    assert clean_output(f"Ann{character}Smith") == f"Ann{character}Smith"


def test_registering_with_a_display_name_holding_u_ffff_is_refused_with_a_clear_message(web: Web, session):
    response = register(web, name="Ann\uffffSmith", email="ann.smith@met.police.uk")
    assert response.status_code == 400
    shown = text(response)
    assert "Full name contains a character that cannot be used (U+FFFF). Remove it and try again." in shown
    assert "ann.smith@met.police.uk" in response.get_data(as_text=True)  # what was typed is kept
    assert session.scalar(select(User).where(User.email == "ann.smith@met.police.uk")) is None


def test_editing_a_profile_with_u_ffff_is_refused_with_a_clear_message(web: Web, login: Login):
    user = login.as_new_user(name="Pat Profile")
    data = {"job_title": "Analyst\uffff", "bio": "Twenty years in custody.", "organisation_id": ""}
    response = web.post("/people/me/edit", data, token_from="/people/me/edit")
    assert response.status_code == 400
    assert "Job title contains a character that cannot be used (U+FFFF)" in text(response)
    assert "Twenty years in custody." in response.get_data(as_text=True)
    assert "Analyst" not in text(web.get(f"/people/{user.id}"))


def test_a_wiki_page_titled_with_u_fffe_is_refused(web: Web, login: Login, make: Factory):
    community = make.community("Feeds")
    login.as_member(community)
    url = f"/c/{community.slug}/wiki/new"
    response = web.post(url, {"title": "Best\ufffe practice", "body": "Text.", "parent": ""}, token_from=url)
    assert response.status_code == 400
    assert "Title contains a character that cannot be used (U+FFFE)" in text(response)


def _every_form_class() -> list[type[Any]]:
    for module in pkgutil.walk_packages(polka.__path__, "polka."):
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        form = todo.pop()
        found.append(form)
        todo.extend(form.__subclasses__())
    return [f for f in found if f.__module__.startswith("polka.")]


def test_every_form_in_polka_is_a_polka_form():
    """A form added later cannot forget the check: it must derive from PolkaForm."""
    forms = _every_form_class()
    assert len(forms) > 20
    assert [f.__qualname__ for f in forms if not issubclass(f, PolkaForm)] == []


def test_every_text_field_of_every_form_refuses_u_ffff(app: Flask):
    checked = []
    for form_class in _every_form_class():
        with app.test_request_context(method="POST"):
            app.config["WTF_CSRF_ENABLED"] = False
            blank = form_class(formdata=MultiDict())
            names = [
                name
                for name, field in blank._fields.items()
                if field.type in {"StringField", "TextAreaField", "EmailField", "SearchField", "HiddenField"}
                and not isinstance(field, PasswordField)
            ]
            for name in names:
                form = form_class(formdata=MultiDict({name: "Ann\uffffSmith"}))
                form.validate()
                # refused: by the check, or by the field's own rules first (one message a field)
                assert form._fields[name].errors, (form_class, name)
                checked.append((form_class.__qualname__, name))
    assert len(checked) > 30


def _feed(web: Web, community: Community) -> bytes:
    response = web.get(f"/c/{community.slug}/wiki/changes.atom")
    assert response.status_code == 200
    return bytes(response.get_data())


def test_a_feed_stays_well_formed_when_the_database_already_holds_u_ffff(
    app: Flask, web: Web, login: Login, make: Factory, session: Session
):
    """Rows written before the check (or by hand) hold U+FFFF and controls: the feed still parses, in
    an XML parser and in a feed reader, with U+FFFD in their place."""
    community = make.community("Open Feeds")
    author = make.member(community, make.user("Ann Smith"))
    page = WikiFactory(session, make).page(community, "Best practice", "Body text.\n", author=author)
    with transaction(session):
        session.execute(update(User).where(User.id == author.id).values(name="Ann\uffffSmith"))
        session.execute(
            update(WikiPage).where(WikiPage.id == page.id).values(title="Best\ufffe practice\x01")
        )
        session.execute(
            update(WikiRevision)
            .where(WikiRevision.page_id == page.id)
            .values(summary="First\uffff draft\x0b", body="Body\uffff text \U0010ffff.\n")
        )
        session.execute(delete(WikiRendering))  # a cache: rebuilt from the body on the next read
    login.as_new_user()
    body = _feed(web, community)
    root = ET.fromstring(body)  # noqa: S314  (POLKA's own output, in a test)
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ann\ufffdSmith"
    assert entry.findtext(f"{ATOM}summary") == "First\ufffd draft\ufffd"
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.entries[0].title.startswith("Best\ufffd practice\ufffd")
    assert "Body\ufffd text \ufffd." in parsed.entries[0].content[0].value


def test_an_email_never_carries_u_ffff(tmp_path):
    settings = load_settings(data_dir=tmp_path, secret_key="x", smtp_url="")
    message = build_message(settings, "ann@met.police.uk", "Best\uffff practice", "Hello\uffff Ann\x00")
    assert message["Subject"] == "Best\ufffd practice"
    assert message.get_content() == "Hello\ufffd Ann\ufffd\n"
