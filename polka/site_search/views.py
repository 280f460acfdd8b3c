"""The search pages: ``/search`` over everything and ``/c/<slug>/search`` within one community.

Both read the query string, hand it to the search service (which decides what this user may find)
and render one template. A query string with a value that cannot be used shows the form with its
errors and status 400 and runs no search; an empty one shows the form with help on what to type.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from polka.accounts.web import current_user
from polka.communities.models import Community
from polka.communities.services import get_community
from polka.db import transaction
from polka.http import db, safe_next
from polka.permissions import Action
from polka.search.applier import OutboxApplier
from polka.search.backend import SearchBackend
from polka.site_search.forms import FIELDS, as_query, read_params
from polka.site_search.log import mark_opened, record_search
from polka.site_search.params import SearchParams
from polka.site_search.service import search

bp = Blueprint("search", __name__)


@bp.get("/search")
def search_everything() -> Any:
    return _search_page(None)


@bp.get("/c/<slug>/search")
def search_community(slug: str) -> Any:
    # Outsiders of a private community get 404 from the policy, non-members of a restricted one 403.
    return _search_page(get_community(db(), current_user(), slug, Action.READ))


def _engine() -> SearchBackend:
    """The search engine the app's outbox applier keeps up to date."""
    applier: OutboxApplier = current_app.extensions["polka.search"]
    return applier.backend


def _search_page(community: Community | None) -> Any:
    params, errors = read_params(request.args)
    if community is not None:
        # The address says where to search: a community filter in the query string cannot widen it.
        params = replace(params, communities=frozenset({community.id}), mine=False)
        errors.pop("community", None)
    # Filters narrow a search; without words there is nothing to narrow, so the page shows its help.
    asked = bool(params.q)
    outcome = None
    logged = None
    if asked and not errors:
        outcome = search(db(), current_user(), params, _engine())
        params = outcome.params
        if params.page == 1:
            logged = _record(params, community, outcome.total)
    search_url = _url_maker(community, params)
    context = {
        "community": community,
        "params": params,
        "asked": asked or bool(errors),
        "outcome": outcome,
        "fields": FIELDS,
        "errors": [(field.id, errors[name]) for name, field in FIELDS.items() if name in errors],
        "field_errors": errors,
        "typed": {name: request.args.get(name, "")[:100] for name in ("from", "to")},
        "chosen": _chosen(_unscoped(params, community)),
        "search_url": search_url,
        "logged": logged,
        "clear_url": search_url(
            **{name: None for name in FIELDS if name != "q"}, mine=None, sort=None, page=None
        ),
        "section": "communities" if community else None,
        "page_title": _title(params, community, bool(errors)),
    }
    return render_template("search/results.html", **context), 400 if errors else 200


def _record(params: SearchParams, community: Community | None, total: int) -> int:
    """Log the search, without who ran it (``polka.site_search.log``); return its entry's id."""
    kept_to = community.id if community is not None else None
    if kept_to is None and len(params.communities) == 1:
        (kept_to,) = params.communities
    session = db()
    with transaction(session):
        return record_search(session, params.q, kept_to, total)


@bp.get("/search/opened/<int:entry>")
def opened(entry: int) -> Any:
    """A result of a logged search was followed: note it, then go there (on this site only)."""
    session = db()
    with transaction(session):
        mark_opened(session, entry)
    return redirect(safe_next(request.args.get("to"), "search.search_everything"), 303)


def _url_maker(community: Community | None, params: SearchParams) -> Any:
    """``search_url(**changes)`` for the template: this search's address with ``changes`` made (a
    page number, a suggested query), every filter kept."""
    if community is None:
        return lambda **changes: url_for("search.search_everything", **as_query(params, **changes))
    scoped = _unscoped(params, community)
    return lambda **changes: url_for(
        "search.search_community", slug=community.slug, **as_query(scoped, **changes)
    )


def _chosen(params: SearchParams) -> dict[str, list[str]]:
    """The values each filter already holds, as its checkboxes carry them."""
    return {
        "kind": sorted(params.kinds),
        "community": [str(i) for i in sorted(params.communities)],
        "organisation": [str(i) for i in sorted(params.organisations)],
        "tag": sorted(params.tags),
    }


def _unscoped(params: SearchParams, community: Community | None) -> SearchParams:
    """``params`` without the community the address already names (it is no filter the user chose)."""
    return params if community is None else replace(params, communities=frozenset())


def _title(params: SearchParams, community: Community | None, failed: bool) -> str:
    title = f"Search results for ‘{params.q[:80]}’" if params.q else "Search"
    if community is not None:
        title = f"{title} – {community.name}"
    return f"Error: {title}" if failed else title
