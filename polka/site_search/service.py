"""Searching for one user: permission trimming from the database, the engine's answer, and a re-check
of every hit through its content kind's resolver (``polka.content.kinds``) before anything is shown.

Trimming happens at query time from the database (the communities the user may read now, and among
them those where they are a member, for OFFICIAL-SENSITIVE items), so a removed membership or a
community made private changes the very next search. Totals, facet counts and spelling suggestions
come from the trimmed set only, so none of them can reveal what the user may not see.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from markupsafe import Markup
from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.communities.kinds import COMMUNITY_KIND
from polka.communities.models import Community, Membership
from polka.content.kinds import Shown, kind_named, resolve_all
from polka.ids import parse_id
from polka.organisations.models import Organisation
from polka.pagination import Page, page_count
from polka.people.kinds import PERSON_KIND
from polka.people.services import may_see_directory
from polka.permissions import READER, readable_to_reader, reader_params, visible_to_reader
from polka.search.backend import Access, Hit, SearchBackend, SearchRequest, SearchResults
from polka.search.query import Query, format_query, parse_query
from polka.search.registry import adapter_for
from polka.search.thesaurus import Thesaurus
from polka.site_search.params import PER_PAGE, SearchParams
from polka.site_search.results import Facet, FacetValue, Outcome, Result
from polka.site_search.synonyms import thesaurus

#: A "Did you mean …?" is looked for only when a search finds fewer results than this.
SUGGEST_BELOW = 3
FACET_LABELS = {
    "kind": "Type",
    "community": "Community",
    "organisation": "Organisation",  # an item's author's, a person's own
    "tag": "Tag",
}
#: At most this many values are shown per facet (the most frequent).
FACET_VALUES = 12


class Named(NamedTuple):
    """A community as results and facets name it."""

    name: str
    slug: str


@dataclass(frozen=True)
class Readable:
    """What a user may find, read from the database now, and the names of the communities it spans."""

    access: Access
    names: dict[int, Named]


def readable(session: Session, user: User | None) -> Readable:
    """What ``user`` may find: the communities they may see exist (their community entries), those whose
    content they may read, those they belong to (for OFFICIAL-SENSITIVE items), whether they may see
    the people directory (and what is open to everyone signed in), and the names of those communities. One statement, built once
    (``_readable``), which also names every community a result or facet can show."""
    params = reader_params(user)
    if params is None:
        return Readable(Access(frozenset(), frozenset()), {})
    rows = session.execute(_readable(), params).all()
    return Readable(
        Access(
            communities=frozenset(row.id for row in rows if row.readable),
            sensitive_communities=frozenset(row.id for row in rows if row.readable and row.member),
            listed=frozenset(row.id for row in rows),
            directory=may_see_directory(user),
            signed_in=True,  # an active account (``reader_params`` said so)
        ),
        {row.id: Named(row.name, row.slug) for row in rows},
    )


@cache
def _readable() -> Select[int, str, str, bool, bool]:
    mine = and_(Membership.community_id == Community.id, Membership.user_id == bindparam(READER))
    return (
        select(
            Community.id,
            Community.name,
            Community.slug,
            Membership.id.is_not(None).label("member"),
            readable_to_reader().label("readable"),
        )
        .outerjoin(Membership, mine)
        .where(visible_to_reader(Community))
    )


def search(session: Session, user: User | None, params: SearchParams, engine: SearchBackend) -> Outcome:
    """One page of results for ``params`` from ``engine``, with facets and perhaps a suggestion; each
    term of the thesaurus in the query is searched with its synonyms."""
    query = parse_query(params.q)
    found = readable(session, user)
    access = found.access
    communities = params.communities
    if params.mine:  # the communities the user belongs to (and may read)
        communities = (
            communities & access.sensitive_communities if communities else access.sensitive_communities
        )
    if query.is_empty or access.is_empty or (params.mine and not communities):
        return Outcome(params, Page([], 1, PER_PAGE, 0), [], None)
    words = thesaurus(session)
    expanded = words.expand(query)
    request = _request(expanded.query, access, replace(params, communities=communities))
    results = engine.search(request)
    last = page_count(results.total, PER_PAGE)
    if params.page > last:  # past the end: show the last page, as every other list does
        request = replace(request, offset=(last - 1) * PER_PAGE)
        results = engine.search(request)
    page = min(params.page, last)
    shown = recheck(session, user, results.hits)
    # Chosen filter values are named even when nothing matches them now (so they can be unticked),
    # but a community only if the user may read it.
    names = _names(session, results, shown, found.names, chosen_organisations=params.organisations)
    items = [
        _result(hit, shown[(hit.kind, hit.object_id)], names)
        for hit in results.hits
        if (hit.kind, hit.object_id) in shown
    ]
    return Outcome(
        replace(params, page=page),
        Page(items, page, PER_PAGE, results.total),
        _facets(results, names, params),
        _suggestion(
            engine, request, query, words, results.total if results.complete is None else results.complete
        ),
        results.complete,
        expanded.used,
        expanded.capped,
    )


def _request(query: Query, access: Access, params: SearchParams) -> SearchRequest:
    return SearchRequest(
        query=query,
        access=access,
        kinds=params.kinds,
        communities=params.communities,
        organisations=params.organisations,
        tags=params.tags,
        updated_from=_start_of(params.updated_from) if params.updated_from else None,
        updated_to=_start_of(params.updated_to + timedelta(days=1)) - timedelta(microseconds=1)
        if params.updated_to
        else None,
        sort=params.sort,
        offset=(params.page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )


def _start_of(day: date) -> datetime:
    """Midnight UTC at the start of ``day``."""
    return datetime.combine(day, time(), tzinfo=UTC)


def recheck(session: Session, user: User | None, hits: Sequence[Hit]) -> dict[tuple[str, int], Shown]:
    """The hits ``user`` may see now, each as its kind shows it (the index may be a moment behind)."""
    return resolve_all(session, user, ((hit.kind, hit.object_id) for hit in hits))


@dataclass(frozen=True)
class _Names:
    """Display names for the ids a page of results mentions."""

    communities: dict[int, Named]
    users: dict[int, str]
    organisations: dict[int, str]


def _ids(values: Iterable[str]) -> set[int]:
    return {number for v in values if (number := parse_id(v)) is not None}


def _names(
    session: Session,
    results: SearchResults,
    shown: dict[tuple[str, int], Shown],
    communities: dict[int, Named],
    *,
    chosen_organisations: frozenset[int],
) -> _Names:
    """Names of the authors and organisations shown; the communities' come with what the user may read
    (a chosen community the user may not read is not named, so it is not offered)."""
    user_ids = {s.author_id for s in shown.values() if s.author_id is not None}
    organisation_ids = _ids(results.facets.get("organisation", {})) | chosen_organisations
    users = {
        row.id: row.name for row in session.execute(select(User.id, User.name).where(User.id.in_(user_ids)))
    }
    organisations = {
        row.id: row.name
        for row in session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(organisation_ids))
        )
    }
    return _Names(communities, users, organisations)


def _result(hit: Hit, shown: Shown, names: _Names) -> Result:
    """A hit as the page lists it: content with its community, a community on its own, a person with
    their organisation (and no date: a profile keeps none)."""
    community = names.communities.get(shown.community_id) if hit.kind != COMMUNITY_KIND else None
    return Result(
        kind=hit.kind,
        object_id=hit.object_id,
        kind_label=shown.label,
        title=shown.title,
        url=shown.url,
        community_name=community.name if community is not None else "",
        community_slug=community.slug if community is not None else "",
        organisation_name=shown.community_name if hit.kind == PERSON_KIND else "",
        marking=shown.marking,
        author_name=names.users.get(shown.author_id) if shown.author_id is not None else None,
        updated_at=shown.updated_at if hit.kind != PERSON_KIND else None,
        snippet=Markup(hit.snippet),  # noqa: S704  (the backend escapes the text and adds only <mark>)
        missing=hit.missing,
    )


def _facets(results: SearchResults, names: _Names, params: SearchParams) -> list[Facet]:
    selected = {
        "kind": set(params.kinds),
        "community": {str(i) for i in params.communities},
        "organisation": {str(i) for i in params.organisations},
        "tag": set(params.tags),
    }
    facets = []
    for name, label in FACET_LABELS.items():
        counts = results.facets.get(name, {})
        top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_VALUES]
        top += [(value, counts.get(value, 0)) for value in sorted(selected[name]) if value not in dict(top)]
        values = [
            FacetValue(value, _facet_label(name, value, names), count, value in selected[name])
            for value, count in top
        ]
        values = [v for v in values if v.label]
        if values:
            facets.append(Facet(name, label, values))
    return facets


def _facet_label(name: str, value: str, names: _Names) -> str:
    """The label of a facet value, or "" for one that cannot be named (it is then not offered)."""
    if name == "kind":
        kind = kind_named(value) if adapter_for(value) is not None else None
        return kind.label if kind is not None else ""
    if name == "community":
        community = names.communities.get(int(value)) if value.isdigit() else None
        return community.name if community is not None else ""
    if name == "organisation":
        return names.organisations.get(int(value), "") if value.isdigit() else ""
    return value


def _suggestion(
    engine: SearchBackend, request: SearchRequest, typed: Query, words: Thesaurus, total: int
) -> str | None:
    """A respelling of what was typed (never of a thesaurus term: "ASB" is not "ask"), offered only when
    more of what this user may see holds all its words than ``total`` results hold all of the query's."""
    if total >= SUGGEST_BELOW:
        return None
    respelt = engine.suggest(replace(request, query=typed), keep=words.words)
    if respelt is None:
        return None
    found = engine.count(replace(request, query=words.expand(respelt).query, offset=0, facets=False))
    return format_query(respelt.parts) if found > total else None
