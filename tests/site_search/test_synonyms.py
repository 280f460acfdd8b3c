"""The words of policing (issue 14): the shipped thesaurus, administrators keeping it at
``/admin/search/synonyms`` (audited), and what a search shows when it used a synonym."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from polka.audit.models import AuditEntry
from polka.db import transaction
from polka.search.thesaurus_data import SHIPPED
from polka.site_search.models import SynonymGroup
from polka.site_search.synonyms import sync_synonyms
from tests.conftest import Login
from tests.site_search.conftest import Search, WikiFactory, titles
from tests.support import Web, text
from tests.wiki.conftest import WikiWorld

PAGE = "/admin/search/synonyms"


@pytest.fixture
def shipped(session: Session) -> int:
    """The shipped thesaurus, as ``polka db upgrade`` adds it."""
    with transaction(session):
        return sync_synonyms(session)


def group(session: Session, first_term: str, *, fresh: bool = True) -> SynonymGroup:
    """The group whose first term is ``first_term`` (the one in use, if two are), read afresh unless
    inside a transaction."""
    if fresh:
        session.rollback()
    found = [g for g in session.scalars(select(SynonymGroup)) if g.term_list[0] == first_term]
    found.sort(key=lambda g: not g.active)
    assert found, first_term
    return found[0]


def audit(session: Session, action: str) -> list[AuditEntry]:
    session.rollback()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


# --- the shipped thesaurus --------------------------------------------------------------------------


def test_an_upgrade_adds_each_shipped_group_once_and_never_one_removed(
    session: Session, shipped: int
) -> None:
    assert shipped == len(SHIPPED)
    with transaction(session):
        group(session, "POP", fresh=False).active = False
        session.delete(group(session, "gaol", fresh=False))  # as if a site had deleted it by hand
    with transaction(session):
        assert sync_synonyms(session) == 1  # the deleted one, not the removed one
    assert group(session, "POP").active is False


# --- searching with synonyms ------------------------------------------------------------------------


def test_an_acronym_finds_what_it_stands_for_and_the_reverse(
    search: Search, world: WikiWorld, wiki: WikiFactory, shipped: int
) -> None:
    wiki.page(world.community, "Tackling anti-social behaviour", "Working with housing providers.\n")
    wiki.page(world.community, "Antisocial behaviour orders", "How orders are applied for.\n")
    wiki.page(world.community, "ASB hotspots", "Where the calls come from.\n")
    wiki.page(world.community, "Behaviour of crowds", "Nothing antisocial about it.\n")
    wanted = {"Tackling anti-social behaviour", "Antisocial behaviour orders", "ASB hotspots"}

    for typed in ("ASB", "anti social behaviour", "antisocial behaviour", "anti-social behaviour"):
        outcome = search(world.member, typed)
        assert set(titles(outcome)) == wanted, typed
        assert outcome.synonyms


def test_a_result_found_through_a_synonym_says_so_in_its_highlight(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory, shipped: int
) -> None:
    wiki.page(world.community, "Hotspots", "Reports of anti-social behaviour near the station.\n")
    login(world.member)
    page = web.get("/search?q=ASB").get_data(as_text=True)

    assert "‘ASB’ was also searched as anti-social behaviour." in unescape(re.sub(r"\s+", " ", page))
    marked = re.findall(r'<mark class="polka-mark--synonym" title="([^"]+)">([^<]+)</mark>', page)
    assert [word for _, word in marked][-3:] == ["anti", "social", "behaviour"]
    assert {unescape(title) for title, _ in marked} == {"A synonym of ‘ASB’"}


def test_an_acronym_is_never_corrected_into_a_common_word(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory, shipped: int
) -> None:
    wiki.page(world.community, "Questions", "Ask the duty sergeant. Ask early.\n")
    login(world.member)
    assert "Did you mean" not in text(web.get("/search?q=ASB"))
    assert "Did you mean" not in text(web.get("/search?q=PNC"))
    assert "Did you mean ask" in text(web.get("/search?q=asx"))  # an unknown word still gets one


def test_a_removed_group_stops_at_the_next_search_with_no_reindex(
    session: Session, search: Search, world: WikiWorld, wiki: WikiFactory, shipped: int
) -> None:
    wiki.page(world.community, "Number plates", "Automatic number plate recognition cameras.\n")
    assert titles(search(world.member, "ANPR")) == ["Number plates"]
    with transaction(session):
        group(session, "ANPR", fresh=False).active = False
    assert titles(search(world.member, "ANPR")) == []


# --- administrators keep it -------------------------------------------------------------------------


def test_only_administrators_with_two_factor_reach_the_thesaurus(
    web: Web, login: Login, make, session: Session, shipped: int
) -> None:
    pnc = group(session, "PNC")
    pages = [PAGE, f"{PAGE}/{pnc.id}"]
    login.as_new_user()
    for page in pages:
        assert web.get(page).status_code == 404, page
    login(make.user(admin=True, two_factor=False))
    for page in pages:
        assert web.get(page).headers["Location"].startswith("/account/two-factor"), page
    login.as_admin()
    body = text(web.get(PAGE))
    assert "114 groups in use" in body.replace(str(len(SHIPPED)), "114")
    assert "PNC, Police National Computer" in body
    assert "Shipped with POLKA" in body


def test_an_administrator_adds_changes_and_removes_a_group_each_audited(
    web: Web, login: Login, session: Session, search: Search, world: WikiWorld, wiki: WikiFactory
) -> None:
    wiki.page(world.community, "Ward panels", "Community meetings set local priorities.\n")
    admin = login.as_admin()

    response = web.post(PAGE, {"terms": "PACT\npolice and communities together"}, token_from=PAGE)
    assert response.status_code == 302
    assert "Search now treats ‘PACT’, ‘police and communities together’ as the same." in text(web.get(PAGE))
    pact = group(session, "PACT").id
    (added,) = audit(session, "search.synonyms_added")
    assert (added.actor_id, added.target_id) == (admin.id, str(pact))

    edit = f"{PAGE}/{pact}"
    response = web.post(edit, {"terms": "PACT\nward panel\ncommunity meetings"}, token_from=edit)
    assert response.status_code == 302
    assert titles(search(world.member, "PACT")) == ["Ward panels"]
    (changed,) = audit(session, "search.synonyms_changed")
    assert json.loads(changed.detail) == {
        "from": ["PACT", "police and communities together"],
        "to": ["PACT", "ward panel", "community meetings"],
    }

    assert "Remove group" in text(web.get(edit))
    response = web.post(f"{edit}/remove", {}, token_from=edit)
    assert response.status_code == 302
    session.rollback()
    assert session.scalar(select(SynonymGroup).where(SynonymGroup.id == pact)) is None
    assert titles(search(world.member, "PACT")) == []
    assert len(audit(session, "search.synonyms_removed")) == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("ASB", "Enter at least two terms that mean the same"),
        ("nuisance\nanti social behaviour", "is already in the group “ASB, anti-social behaviour”"),
        ("hotspot\n-hotspot", "which search reads as an instruction"),
        ("\n".join(f"term {n}" for n in range(10_000)), "Enter at most 2,000 characters"),
    ],
)
def test_a_bad_group_is_refused_saying_why_and_keeps_what_was_typed(
    web: Web, login: Login, session: Session, shipped: int, typed: str, message: str
) -> None:
    login.as_admin()
    response = web.post(PAGE, {"terms": typed}, token_from=PAGE)
    page = response.get_data(as_text=True)

    assert response.status_code == 400
    assert message in unescape(page)
    assert "<title>Error: Search synonyms" in page
    assert (
        unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1)).strip() == typed.strip()
    )
    session.rollback()
    assert len(list(session.scalars(select(SynonymGroup)))) == len(SHIPPED)  # nothing saved


def test_a_removed_shipped_group_is_kept_off_and_can_be_put_back_unless_its_terms_moved(
    web: Web, login: Login, session: Session, shipped: int
) -> None:
    login.as_admin()
    cid = group(session, "CID")
    web.post(f"{PAGE}/{cid.id}/remove", {}, token_from=PAGE)
    assert group(session, "CID").active is False
    assert "Removed shipped groups" in text(web.get(PAGE))

    web.post(PAGE, {"terms": "CID\ndetectives"}, token_from=PAGE)  # its term, free now, in a new group
    response = web.post(f"{PAGE}/{cid.id}/restore", {}, token_from=PAGE)
    assert response.status_code == 409
    assert "cannot be put back: “CID” is already in the group “CID, detectives”" in unescape(
        response.get_data(as_text=True)
    )

    web.post(f"{PAGE}/{group(session, 'CID').id}/remove", {}, token_from=PAGE)  # the new one
    response = web.post(f"{PAGE}/{cid.id}/restore", {}, token_from=PAGE)
    assert response.status_code == 302
    assert group(session, "CID").active is True
    assert len(audit(session, "search.synonyms_restored")) == 1
