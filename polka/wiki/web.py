"""Request helpers shared by the wiki's view modules: reaching the community and page named in the
URL through the access functions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import url_for

from polka.accounts.web import current_user
from polka.communities.models import Community
from polka.communities.web import community_for
from polka.errors import Forbidden
from polka.http import db
from polka.wiki import access
from polka.wiki.models import WikiPage


def page_for(slug: str, page_slug: str) -> tuple[Community, WikiPage]:
    """The community and page in the URL, through the policy (404 for anything the user cannot see)."""
    community = community_for(slug)
    return community, access.get_page(db(), current_user(), community, page_slug)


def page_url(page: WikiPage, endpoint: str = "wiki.view_page", **values: Any) -> str:
    return url_for(endpoint, slug=page.community.slug, page=page.slug, **values)


@contextmanager
def clearly_refused(message: str) -> Iterator[None]:
    """Word a refusal by the permission policy for this page (its denial is still audited).

    Only the policy's generic refusals are reworded: a service's own ``Forbidden`` already says why.
    """
    try:
        yield
    except Forbidden as refused:
        if refused.denial is None:
            raise
        clearer = Forbidden(message)
        clearer.denial = refused.denial
        raise clearer from refused
