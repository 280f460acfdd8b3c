"""The site's thesaurus: the groups in force for searching, and administrators keeping them (audited).

Searches read the groups in force at the moment they run (``thesaurus``), so a change applies to the
very next search and needs no reindex. The groups POLKA ships are added by ``sync_synonyms`` (run by
``polka db upgrade``); a shipped group an administrator removes is kept switched off, so an upgrade
never brings it back, and can be put back.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from polka.accounts.models import User
from polka.audit.services import record
from polka.db import utcnow
from polka.errors import NotFound, ValidationError
from polka.permissions import SITE, Action, require
from polka.search.thesaurus import GROUPS, Thesaurus, check_group, split_terms, thesaurus_of
from polka.search.thesaurus_data import SHIPPED
from polka.site_search.models import SynonymGroup


def thesaurus(session: Session) -> Thesaurus:
    """The groups in force now (one small query; the thesaurus itself is built once per distinct set)."""
    rows = session.scalars(
        select(SynonymGroup.terms).where(SynonymGroup.active.is_(True)).order_by(SynonymGroup.id)
    )
    return thesaurus_of(tuple(tuple(split_terms(terms)) for terms in rows))


def all_groups(session: Session, actor: User | None) -> list[SynonymGroup]:
    """Every group, in force first, for an administrator (each list by its first term)."""
    require(actor, Action.ADMINISTER, SITE)
    groups = list(session.scalars(select(SynonymGroup)))
    return sorted(groups, key=lambda group: (not group.active, group.terms.casefold()))


def get_group(session: Session, actor: User | None, group_id: int) -> SynonymGroup:
    require(actor, Action.ADMINISTER, SITE)
    group = session.get(SynonymGroup, group_id)
    if group is None:
        raise NotFound()
    return group


def add_group(session: Session, actor: User | None, text: str) -> SynonymGroup:
    require(actor, Action.ADMINISTER, SITE)
    if (session.scalar(select(func.count()).select_from(SynonymGroup)) or 0) >= GROUPS:
        message = f"The thesaurus holds {GROUPS:,} groups, as many as it can: change or remove one first"
        raise ValidationError(message, {"terms": message})
    terms = check_group(text, _others(session, None))
    group = SynonymGroup(terms="\n".join(terms), updated_by_id=_id(actor))
    session.add(group)
    session.flush()
    _audit(session, actor, "search.synonyms_added", group, {"terms": terms})
    return group


def change_group(session: Session, actor: User | None, group: SynonymGroup, text: str) -> None:
    require(actor, Action.ADMINISTER, SITE)
    terms = check_group(text, _others(session, group))
    before = group.term_list
    if terms == before:
        return
    group.terms = "\n".join(terms)
    group.updated_at, group.updated_by_id = utcnow(), _id(actor)
    session.flush()
    _audit(session, actor, "search.synonyms_changed", group, {"from": before, "to": terms})


def remove_group(session: Session, actor: User | None, group: SynonymGroup) -> None:
    """Take a group out of search: a shipped one is switched off (an upgrade must not add it again),
    any other deleted."""
    require(actor, Action.ADMINISTER, SITE)
    _audit(session, actor, "search.synonyms_removed", group, {"terms": group.term_list})
    if group.shipped_key is None:
        session.delete(group)
    else:
        group.active = False
        group.updated_at, group.updated_by_id = utcnow(), _id(actor)
    session.flush()


def restore_group(session: Session, actor: User | None, group: SynonymGroup) -> None:
    """Put a removed shipped group back, unless a term of it is in a group added since."""
    require(actor, Action.ADMINISTER, SITE)
    if group.active:
        return
    check_group(group.terms, _others(session, group))
    group.active = True
    group.updated_at, group.updated_by_id = utcnow(), _id(actor)
    session.flush()
    _audit(session, actor, "search.synonyms_restored", group, {"terms": group.term_list})


def sync_synonyms(session: Session) -> int:
    """Add the shipped groups this site has never had; return how many were added.

    A group one of whose terms an administrator has since put in another group is left out (a term
    belongs to one group), as is any group already here under its key, removed or not.
    """
    known = set(
        session.scalars(select(SynonymGroup.shipped_key).where(SynonymGroup.shipped_key.is_not(None)))
    )
    groups = [tuple(split_terms(terms)) for terms in session.scalars(select(SynonymGroup.terms))]
    added = 0
    for key, terms in SHIPPED:
        if key in known:
            continue
        try:
            checked = check_group("\n".join(terms), Thesaurus(groups))
        except ValidationError:
            continue
        session.add(SynonymGroup(terms="\n".join(checked), shipped_key=key))
        groups.append(tuple(checked))
        added += 1
    session.flush()
    return added


def _others(session: Session, group: SynonymGroup | None) -> Thesaurus:
    """Every group in force but ``group`` (a removed group's terms are free for another)."""
    query = select(SynonymGroup.terms).where(SynonymGroup.active.is_(True))
    if group is not None:
        query = query.where(SynonymGroup.id != group.id)
    return Thesaurus(tuple(split_terms(terms)) for terms in session.scalars(query))


def _id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def _audit(
    session: Session, actor: User | None, action: str, group: SynonymGroup, detail: dict[str, object]
) -> None:
    record(
        session,
        actor,
        action,
        target_type="synonyms",
        target_id=group.id,
        target_label=", ".join(group.term_list)[:200],
        detail=detail,
    )
