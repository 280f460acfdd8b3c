"""The wiki's long forms that keep drafts (``polka.drafts``): editing a page and writing a new one.

A draft of an edit keeps the revision and marking it started from, so resuming it later merges with
what others saved meanwhile, or shows the clash, exactly as if it had been saved then.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.models import Community
from polka.communities.services import get_community
from polka.drafts.services import DraftKind
from polka.errors import NotFound
from polka.markup import MAX_SOURCE_CHARS
from polka.permissions import Action
from polka.wiki import access
from polka.wiki.models import SUMMARY_MAX, TITLE_MAX, WikiPage
from polka.wiki.web import page_url

_TEXT = {"body": MAX_SOURCE_CHARS, "summary": SUMMARY_MAX, "marking": 40}


def _page_editor(session: Session, user: User, page_id: int) -> str:
    found = session.get(WikiPage, page_id)
    if found is None:
        raise NotFound()
    page = access.get_page(session, user, found.community, found.slug)
    access.require_edit(user, page)
    return page_url(page, "wiki.edit_page")


def _new_page_form(session: Session, user: User, community_id: int) -> str:
    found = session.get(Community, community_id)
    if found is None:
        raise NotFound()
    community = get_community(session, user, found.slug, Action.CONTRIBUTE)
    return url_for("wiki.new_page", slug=community.slug)


#: Editing a page (the object is the page).
EDIT = DraftKind(
    "wiki.edit",
    {**_TEXT, "base": 20, "base_marking": 40},
    _page_editor,
    multiline=frozenset({"body"}),
)
#: Writing a new page (the object is the community).
NEW = DraftKind(
    "wiki.new", {"title": TITLE_MAX, "parent": 20, **_TEXT}, _new_page_form, multiline=frozenset({"body"})
)
KINDS = (EDIT, NEW)
