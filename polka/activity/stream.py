"""Reading the activity stream: newest first, through the content kinds' resolvers, folded, in pages.

Rows keep only facts (``polka.activity.models``). Reading a page goes in three steps:

1. SQL keeps the rows of communities whose content the user may read (and, in the scope "mine", that
   they belong to), newest first, after the page's cursor (keyset paging on ``(created_at, id)``). Which
   communities those are is read from what the request has loaded (the user's memberships, the
   community asked for); only the scope "all" asks SQL.
2. The resolvers decide (``polka.content.kinds.resolve_all``, one query per kind per batch): an event
   whose object the user may not see *now* — re-marked, moved away, deleted, its community made
   private — is left out, and the others show the object's current title and address. The communities
   in hand (the user's own, the one asked for) are shown as they are, without being read again. Left-out rows
   still move the cursor on, and the page is filled by reading on, at most ``ROUNDS`` batches.
3. Repeated small events fold (``folds_into``): an event joins the entry just before it on the page when
   both have the same verb and the same object and happened in the same week (Monday to Sunday, UK
   time). So "7 people joined Neighbourhood Policing" or "Sandra Okafor edited PNC manual 4 times".
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import BindParameter, ColumnElement, Row, Select, and_, bindparam, or_, select, union_all
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.activity.models import Activity
from polka.communities.kinds import COMMUNITY_KIND, show_community
from polka.communities.models import Community
from polka.content.kinds import Shown, resolve_all
from polka.people.services import active_people
from polka.permissions import Action, can, is_active, readable_to_reader, reader_params

#: entries on a page unless the caller asks for another number
PER_PAGE = 20
#: rows read at a time, at least; a page reads at most ROUNDS batches before it settles for fewer entries
BATCH = 40
ROUNDS = 5
_LONDON = ZoneInfo("Europe/London")


class Scope(enum.StrEnum):
    """Whose communities a stream covers."""

    MINE = "mine"  # the communities I belong to
    ALL = "all"  # every community whose content I may read


@dataclass(frozen=True)
class Cursor:
    """Where an older page starts: just after the event of this time and id."""

    created_at: datetime
    id: int

    _TOKEN = re.compile(r"([0-9]{1,18})-([1-9][0-9]{0,9})")

    @property
    def token(self) -> str:
        """For a URL: microseconds since 1970 (UTC), a hyphen, the event's id."""
        delta = self.created_at - datetime(1970, 1, 1, tzinfo=UTC)
        return f"{delta // _MICROSECOND}-{self.id}"

    @classmethod
    def parse(cls, token: object) -> Cursor | None:
        """The cursor ``token`` spells, or None (then the stream starts at the newest)."""
        found = cls._TOKEN.fullmatch(token) if isinstance(token, str) else None
        if found is None:
            return None
        try:
            moment = datetime(1970, 1, 1, tzinfo=UTC) + int(found[1]) * _MICROSECOND
        except OverflowError:
            return None
        return cls(moment, int(found[2]))


_MICROSECOND = datetime(1970, 1, 1, 0, 0, 0, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Actor:
    """Who did something, as a line names them: a link to their profile while their account is active."""

    id: int
    name: str
    is_active_account: bool


#: A row of ``_batch``: an event's facts (as ``Activity`` has them) and its actor's name and standing.
EventRow = Row[int, datetime, str, str, int | None, int | None, str, bool]


@dataclass
class Entry:
    """One line of the stream: one event, or several alike folded together (``events`` > 1)."""

    verb: str
    #: the object as this reader may see it now
    target: Shown
    #: the community it lives in now (for a community, itself); None only if the reader may not see it
    place: Shown | None
    #: who did it, newest first, each once (None for an event without an actor, such as an import)
    actors: list[Actor | None]
    events: int
    newest: datetime
    oldest: datetime
    #: the newest event's id: stable, for feeds' entry ids
    id: int
    _actor_ids: set[int | None] = field(default_factory=set, repr=False)

    @property
    def folded(self) -> bool:
        return self.events > 1


@dataclass(frozen=True)
class StreamPage:
    """A page of the stream and where the next (older) page starts; ``older`` is None at the end."""

    entries: list[Entry]
    older: Cursor | None
    scope: Scope


def default_scope(user: User | None) -> Scope:
    """ "Mine" for someone who belongs to a community; everything they may read for a newcomer."""
    if user is None or not user.memberships:
        return Scope.ALL
    return Scope.MINE


def read_stream(
    session: Session,
    user: User | None,
    *,
    scope: Scope = Scope.MINE,
    community: Community | None = None,
    before: Cursor | None = None,
    limit: int | None = None,
) -> StreamPage:
    """A page of what ``user`` may see of the activity, newest first: in their communities (``scope``),
    or in ``community`` alone, older than ``before``; at most ``limit`` entries (``PER_PAGE``)."""
    limit = PER_PAGE if limit is None else limit
    if not is_active(user) or limit < 1:
        return StreamPage([], None, scope)
    assert user is not None
    communities, known = _communities(session, user, scope, community)
    # what is open to everyone signed in, outside any community, is part of everything they may read
    outside = scope is Scope.ALL and community is None
    entries: list[Entry] = []
    cursor = before
    for _ in range(ROUNDS):
        rows = _batch(session, communities, cursor, outside)
        full, consumed = _fill(session, user, rows, entries, limit, known)
        if consumed is not None:
            cursor = consumed
        if full:
            return StreamPage(entries, cursor, scope)
        if len(rows) < BATCH:
            return StreamPage(entries, None, scope)
    return StreamPage(entries, cursor, scope)


def _communities(
    session: Session, user: User, scope: Scope, community: Community | None
) -> tuple[list[int], dict[int, Community]]:
    """The ids of the communities the stream covers (ones whose content the user may read), and the
    communities in hand that the user may see, by id (their own and ``community``: places shown without
    a query). Decided by ``can`` on what the request loaded, which agrees with ``readable_filter``; only
    the scope "all" runs a statement."""
    known = {m.community_id: m.community for m in user.memberships if can(user, Action.VIEW, m.community)}
    if community is not None:
        if can(user, Action.VIEW, community):
            known[community.id] = community
        return ([community.id] if can(user, Action.READ, community) else []), known
    if scope is Scope.MINE:
        return sorted(i for i, c in known.items() if can(user, Action.READ, c)), known
    return list(session.scalars(_readable_communities(), reader_params(user))), known


@cache
def _readable_communities() -> Select[int]:
    return select(Community.id).where(readable_to_reader())


def _batch(
    session: Session, communities: Sequence[int], cursor: Cursor | None, outside: bool = False
) -> list[EventRow]:
    """The next ``BATCH`` events of ``communities`` (and, ``outside``, of what is outside any community)
    after ``cursor``, newest first, with their actors.

    Each community's newest events are sought in its own index range and the few found merged, so a
    batch reads at most ``BATCH`` rows a community, however busy the others are and however the
    user's communities' share of the whole stream is spread out.
    """
    if not communities and not outside:
        return []
    params: dict[str, object] = {f"c{n}": community_id for n, community_id in enumerate(communities)}
    if cursor is not None:
        params.update(before_at=cursor.created_at, before_id=cursor.id)
    query = _batch_statement(len(communities), cursor is not None, BATCH, outside)
    return list(session.execute(query, params))


@lru_cache(maxsize=256)
def _batch_statement(
    communities: int, after: bool, batch: int, outside: bool = False
) -> Select[int, datetime, str, str, int | None, int | None, str, bool]:
    """The statement of ``_batch`` for so many communities (bound as ``c0``, ``c1``…), and those outside
    any community or not, after a cursor (``before_at``, ``before_id``) or not: built once, so a request
    only binds its values. Rows carry the facts and what a line shows of the actor: their name, and
    whether their account is active."""
    places = [Activity.community_id == bindparam(f"c{n}") for n in range(communities)]
    if outside:
        places.append(Activity.community_id.is_(None))
    newest = [
        select(Activity.id)
        .where(place, *_after(after))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(batch)
        .subquery()
        .select()
        for place in places
    ]
    candidates = union_all(*newest) if len(newest) > 1 else newest[0]
    return (
        select(
            Activity.id,
            Activity.created_at,
            Activity.verb,
            Activity.target_kind,
            Activity.target_id,
            Activity.actor_id,
            User.name.label("actor_name"),
            active_people().label("actor_active"),
        )
        .outerjoin(User, User.id == Activity.actor_id)
        .where(Activity.id.in_(candidates))
        .order_by(Activity.created_at.desc(), Activity.id.desc())
        .limit(batch)
    )


def _after(after: bool) -> list[ColumnElement[bool]]:
    if not after:
        return []
    before_at: BindParameter[datetime] = bindparam("before_at")
    return [
        or_(
            Activity.created_at < before_at,
            and_(Activity.created_at == before_at, Activity.id < bindparam("before_id")),
        )
    ]


def _fill(
    session: Session,
    user: User,
    rows: Sequence[EventRow],
    entries: list[Entry],
    limit: int,
    known: dict[int, Community],
) -> tuple[bool, Cursor | None]:
    """Add ``rows`` to ``entries`` up to ``limit`` entries: whether the page is full, and the cursor
    after the last row taken (None when none was)."""
    shown = _resolve(session, user, rows, known)
    consumed: Cursor | None = None
    for row in rows:
        target = shown.get((row.target_kind, row.target_id or 0))
        if target is not None:
            if entries and folds_into(entries[-1], row):
                _fold(entries[-1], row)
            elif len(entries) >= limit:
                return True, consumed
            else:
                place = shown.get((COMMUNITY_KIND, target.community_id))
                entries.append(_entry(row, target, place))
        consumed = Cursor(row.created_at, row.id)
    return False, consumed


def _resolve(
    session: Session, user: User, rows: Sequence[EventRow], known: dict[int, Community]
) -> dict[tuple[str, int], Shown]:
    """Every object of ``rows`` the user may see now, and the communities they live in: one query per
    kind (the communities' after the others', to include where those live now; none for the
    communities in hand, ``known``, which the user may see)."""
    targets = {(row.target_kind, row.target_id) for row in rows if row.target_id is not None}
    shown = resolve_all(session, user, [t for t in targets if t[0] != COMMUNITY_KIND])
    places = {object_id for kind, object_id in targets if kind == COMMUNITY_KIND}
    places |= {item.community_id for item in shown.values() if item.community_id}  # 0: in none
    in_hand = places & known.keys()
    shown.update({(COMMUNITY_KIND, i): show_community(known[i]) for i in in_hand})
    shown.update(resolve_all(session, user, [(COMMUNITY_KIND, i) for i in places - in_hand]))
    return shown


def folds_into(entry: Entry, row: EventRow) -> bool:
    """Whether ``row`` (older) folds into ``entry`` (the line just before it): the same verb, the same
    object, and the same week in UK time."""
    return (
        row.verb == entry.verb
        and (row.target_kind, row.target_id) == (entry.target.kind, entry.target.id)
        and _week(row.created_at) == _week(entry.oldest)
    )


def _week(moment: datetime) -> tuple[int, int]:
    year, week, _ = moment.astimezone(_LONDON).isocalendar()
    return year, week


def _entry(row: EventRow, target: Shown, place: Shown | None) -> Entry:
    return Entry(
        verb=row.verb,
        target=target,
        place=place,
        actors=[_actor(row)],
        events=1,
        newest=row.created_at,
        oldest=row.created_at,
        id=row.id,
        _actor_ids={row.actor_id},
    )


def _fold(entry: Entry, row: EventRow) -> None:
    entry.events += 1
    entry.oldest = row.created_at
    if row.actor_id not in entry._actor_ids:
        entry._actor_ids.add(row.actor_id)
        entry.actors.append(_actor(row))


def _actor(row: EventRow) -> Actor | None:
    if row.actor_id is None:
        return None
    return Actor(row.actor_id, row.actor_name, bool(row.actor_active))
