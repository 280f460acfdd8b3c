"""Who sees and changes events: the policy on the event's page, the agenda, the month grid and the
personal calendar; a region's events in its parent's calendar; a member who leaves stops seeing them."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from tests.support import text

MONTH = "month?month=2027-04"


def test_a_private_communitys_events_are_not_found_by_outsiders(web, login, make, events):
    community = make.community("Covert Tasking", visibility=Visibility.PRIVATE)
    member = make.member(community)
    event = events.event(community, member, "Tasking meeting")
    login(make.user("Outsider"))
    for path in ("", MONTH, f"{event.id}", f"{event.id}/edit", "new"):
        assert web.get(f"/c/{community.slug}/events/{path}").status_code == 404, path
    assert "Tasking meeting" not in text(web.get("/calendar/month?month=2027-04"))


def test_a_sensitive_event_is_seen_by_members_only(web, login, make, events):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community)
    secret = events.event(community, member, "Crime scene planning", marking=Marking.OFFICIAL_SENSITIVE)
    events.event(community, member, "Open training day")
    login(make.user("Reader from elsewhere"))  # the community is open: its OFFICIAL events are readable
    for path in ("?from=2027-04-01", MONTH):
        shown = text(web.get(f"/c/{community.slug}/events/{path}"))
        assert "Open training day" in shown
        assert "Crime scene planning" not in shown
    assert web.get(f"/c/{community.slug}/events/{secret.id}").status_code == 404
    login(member)
    assert "Crime scene planning" in text(web.get(f"/c/{community.slug}/events/{MONTH}"))
    assert "Crime scene planning" in text(web.get("/calendar/month?month=2027-04"))


def test_only_the_author_the_organiser_and_moderators_change_an_event(web, login, make, events):
    community = make.community("PNC Operators")
    author, organiser, other = make.member(community), make.member(community), make.member(community)
    moderator = make.member(community, role=Role.MODERATOR)
    event = events.event(community, author, organiser=f"@{organiser.handle}")
    edit = f"/c/{community.slug}/events/{event.id}/edit"
    login(other)
    assert web.get(edit).status_code == 403
    assert "Change the event" not in text(web.get(f"/c/{community.slug}/events/{event.id}"))
    for person in (author, organiser, moderator):
        login(person)
        assert web.get(edit).status_code == 200
    reader = make.member(community, role=Role.READER)
    login(reader)
    assert web.get(f"/c/{community.slug}/events/new").status_code == 403


def test_a_regions_events_show_in_its_parents_calendar_marked_with_the_region(web, login, make, events):
    national = make.community("PNC Operators")
    north_west = make.community("PNC Operators North West", parent=national, region="North West")
    member = make.member(north_west)
    events.event(north_west, member, "Regional meeting")
    events.event(national, make.member(national), "National user group", start_date="2027-04-14")
    login(make.member(national))
    shown = text(web.get(f"/c/{national.slug}/events/?from=2027-04-01"))
    assert "Regional meeting North West" in shown
    assert "National user group" in shown
    assert "National user group" not in text(web.get(f"/c/{north_west.slug}/events/?from=2027-04-01"))


def test_a_member_who_leaves_no_longer_has_the_communitys_events_in_their_calendar(web, login, make, events):
    community = make.community("PNC Operators", visibility=Visibility.PRIVATE)
    leaver = make.member(community)
    events.event(community, make.member(community), "User group")
    other = make.community("Roads Policing")
    make.member(other, leaver)
    login(leaver)
    assert "User group" in text(web.get("/calendar/?from=2027-04-01"))
    assert web.post(f"/c/{community.slug}/leave").status_code == 302
    assert "User group" not in text(web.get("/calendar/?from=2027-04-01"))
    assert "User group" not in text(web.get("/calendar/month?month=2027-04"))


def test_the_personal_calendar_narrows_to_one_community(web, login, make, events):
    pnc, roads = make.community("PNC Operators"), make.community("Roads Policing")
    person = make.member(pnc)
    make.member(roads, person)
    events.event(pnc, person, "PNC user group")
    events.event(roads, person, "Roads briefing")
    login(person)
    both = text(web.get("/calendar/?from=2027-04-01"))
    assert "PNC user group" in both
    assert "Roads briefing" in both
    one = text(web.get(f"/calendar/?from=2027-04-01&community={roads.slug}"))
    assert "Roads briefing" in one
    assert "PNC user group" not in one


def test_a_regions_sensitive_events_in_the_parents_calendar_follow_the_regions_membership(
    web, login, make, events
):
    national = make.community("PNC Operators")
    north_west = make.community(
        "PNC Operators North West", parent=national, region="North West", ceiling=Marking.OFFICIAL_SENSITIVE
    )
    regional = make.member(north_west)
    events.event(north_west, regional, "Regional meeting")
    events.event(north_west, regional, "Regional audit findings", marking=Marking.OFFICIAL_SENSITIVE)
    login(make.member(national))  # reads the open region, but is not a member of it
    shown = text(web.get(f"/c/{national.slug}/events/{MONTH}"))
    assert "Regional meeting" in shown
    assert "Regional audit findings" not in shown
    login(regional)
    shown = text(web.get(f"/c/{national.slug}/events/{MONTH}"))
    assert "Regional audit findings" in shown
