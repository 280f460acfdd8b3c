"""Saying whether one is coming: places up to the capacity, a waiting list promoted first come first
served, the attendance list for the organiser and managers only (by organisation and as CSV), names
shown to attendees only when the organiser allows, invitations."""

from __future__ import annotations

import csv
import io

from polka.communities.models import Role
from tests.events.test_event_pages import FORM
from tests.support import text

KEY = "20270413T1000"


def _answer(web, community, event, answer, note=""):
    return web.post(
        f"/c/{community.slug}/events/{event.id}/{KEY}/answer", data={"answer": answer, "note": note}
    )


def test_places_fill_then_a_waiting_list_is_promoted_when_someone_drops_out(web, login, make, events):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    event = events.event(community, organiser, "Training webinar", capacity="2")
    first, second, third, fourth = (make.member(community, make.user(f"Person {n}")) for n in range(4))
    for person in (first, second, third, fourth):
        login(person)
        assert _answer(web, community, event, "going").status_code == 302
    login(fourth)
    page = text(web.get(f"/c/{community.slug}/events/{event.id}"))
    assert "2 going of 2 places, 2 waiting for a place" in page
    assert "You are on the waiting list: number 2" in page
    login(first)
    assert _answer(web, community, event, "not_going").status_code == 302
    login(third)  # the first to wait gets the place
    assert "You are going." in text(web.get(f"/c/{community.slug}/events/{event.id}"))
    login(fourth)
    assert "You are on the waiting list: number 1" in text(web.get(f"/c/{community.slug}/events/{event.id}"))


def test_the_attendance_list_is_for_the_organiser_and_managers(web, login, make, events):
    community = make.community("PNC Operators")
    organiser, attendee = make.member(community), make.member(community, make.user("Claire Whitfield"))
    manager = make.member(community, role=Role.MANAGER)
    event = events.event(community, organiser, capacity="10")
    login(attendee)
    assert _answer(web, community, event, "going", '=HYPERLINK("x")').status_code == 302
    listing = f"/c/{community.slug}/events/{event.id}/{KEY}/attendance"
    assert web.get(listing).status_code == 403
    assert web.get(f"{listing}.csv").status_code == 403
    page = text(web.get(f"/c/{community.slug}/events/{event.id}"))
    assert "1 going of 10 places" in page
    assert "Going: Claire Whitfield" not in page  # names are not shown to attendees unless allowed
    for person in (organiser, manager):
        login(person)
        assert "Claire Whitfield" in text(web.get(listing))
        exported = web.get(f"{listing}.csv")
        assert exported.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0][:4] == ["Name", "Email", "Organisation", "Answer"]
        assert rows[1][0] == "Claire Whitfield"
        assert rows[1][3] == "Going"
        assert rows[1][5] == '\'=HYPERLINK("x")'  # shown, never run, in a spreadsheet


def test_attendees_see_names_when_the_organiser_allows(web, login, make, events):
    community = make.community("PNC Operators")
    organiser, attendee = make.member(community), make.member(community, make.user("Claire Whitfield"))
    event = events.event(community, organiser, names_shown=True)
    login(attendee)
    _answer(web, community, event, "going")
    login(make.member(community))
    assert "Going: Claire Whitfield" in text(web.get(f"/c/{community.slug}/events/{event.id}"))


def test_answering_is_refused_to_non_members_for_past_and_cancelled_and_uninvited(web, login, make, events):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    past = events.event(community, organiser, "Last year's meeting", start_date="2025-04-13")
    login(make.user("Visitor"))  # may read an open community, but is not a member
    response = web.post(
        f"/c/{community.slug}/events/{past.id}/20250413T1000/answer", data={"answer": "going"}
    )
    assert response.status_code == 403
    assert "Only members of PNC Operators can say whether they are coming" in text(response)
    member = make.member(community)
    login(member)
    response = web.post(
        f"/c/{community.slug}/events/{past.id}/20250413T1000/answer", data={"answer": "going"}
    )
    assert "This has already taken place" in text(response)
    private = events.event(community, organiser, "Steering group", invitation_only=True)
    response = _answer(web, community, private, "going")
    assert response.status_code == 403
    assert "by invitation only, and you have not been invited" in text(response)
    login(organiser)
    invite = web.post(
        f"/c/{community.slug}/events/{private.id}/invitations", data={"handles": f"@{member.handle}, @nobody"}
    )
    assert invite.status_code == 400
    assert "Not members of PNC Operators: @nobody" in text(invite)
    assert f"@{member.handle}, @nobody" in invite.get_data(as_text=True)
    assert (
        web.post(
            f"/c/{community.slug}/events/{private.id}/invitations", data={"handles": f"@{member.handle}"}
        ).status_code
        == 302
    )
    login(member)
    assert _answer(web, community, private, "going").status_code == 302


def test_raising_the_capacity_gives_the_new_places_to_those_waiting(web, login, make, events, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    event = events.event(community, organiser, capacity="1")
    people = [make.member(community) for _ in range(3)]
    for person in people:
        login(person)
        _answer(web, community, event, "going")
    login(organiser)
    edit = f"/c/{community.slug}/events/{event.id}/edit"
    assert web.post(edit, data={**FORM, "location": "", "capacity": "2", "version": "0"}).status_code == 302
    assert "2 going of 2 places, 1 waiting for a place" in text(
        web.get(f"/c/{community.slug}/events/{event.id}")
    )
