"""Reaching the community named in a URL, through the permission policy (404 to outsiders of private
ones), for every feature's views."""

from __future__ import annotations

from polka.accounts.web import current_user
from polka.communities.models import Community
from polka.communities.services import get_community
from polka.http import db
from polka.permissions import Action


def community_for(slug: str, action: Action = Action.READ) -> Community:
    """The community in the URL, if the user may do ``action`` there (by default: read its content)."""
    return get_community(db(), current_user(), slug, action)
