"""Events are found by search (title, description, place) as their readers may see them, and what
happens to them is in the community's activity."""

from __future__ import annotations

from polka.markings import Marking
from tests.support import text


def test_search_finds_an_event_by_its_place_for_those_who_may_see_it(web, login, make, events):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community)
    events.event(community, member, "Regional meeting", location="Warrington police station")
    events.event(
        community, member, "Scene planning", marking=Marking.OFFICIAL_SENSITIVE, location="Warrington hub"
    )
    login(member)
    found = text(web.get("/search?q=warrington"))
    assert "Regional meeting" in found
    assert "Scene planning" in found
    login(make.user("Reader elsewhere"))
    found = text(web.get("/search?q=warrington"))
    assert "Regional meeting" in found
    assert "Scene planning" not in found


def test_scheduling_and_cancelling_are_in_the_communitys_activity(web, login, make, events):
    community = make.community("PNC Operators")
    member = make.member(community, make.user("Gareth Hughes"))
    event = events.event(community, member, "National user group")
    login(member)
    web.post(f"/c/{community.slug}/events/{event.id}/cancel", data={"reason": "Clash"})
    shown = text(web.get(f"/c/{community.slug}/"))
    assert "Gareth Hughes scheduled National user group" in shown
    assert "Gareth Hughes cancelled National user group" in shown
