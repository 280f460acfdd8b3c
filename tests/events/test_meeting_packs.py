"""Meeting packs: papers uploaded from the event's page into the library (by the library's rules) or
linked from it, minutes once the meeting has begun, "minutes due", and actions from the minutes on the
event and on the assignee's home page."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from polka.communities.models import Role, Visibility
from polka.docs.models import Document, DocumentStatus, Folder
from polka.events.models import EventAction, EventPaper, PaperRole
from polka.markings import Marking
from polka.recurrence import Repeat
from tests.docs.test_upload_views import RANDOM_BYTES
from tests.support import text

PDF = b"%PDF-1.4\n%%EOF\n"


def _day(offset: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=offset)


def _key(day: date, hour: str = "1000") -> str:
    return f"{day:%Y%m%d}T{hour}"


def _upload(web: Any, url: str, content: bytes = PDF, filename: str = "agenda.pdf", **fields: str) -> Any:
    data: dict[str, Any] = {
        "paper-role": "agenda",
        "paper-marking": "OFFICIAL",
        "paper-title": "",
        **fields,
        "paper-file": (io.BytesIO(content), filename),
    }
    return web.post(url, data=data, content_type="multipart/form-data")


def _documents(session: Any) -> list[Document]:
    session.rollback()
    session.expire_all()
    return list(session.scalars(select(Document).order_by(Document.id)))


def test_the_organiser_uploads_the_agenda_from_the_event_into_the_meetings_folder(
    web, login, make, events, session
):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    meeting = events.event(community, organiser, "National user group", start_date=_day(20).isoformat())
    page = f"/c/{community.slug}/events/{meeting.id}"
    login(organiser)
    response = _upload(web, f"{page}/{_key(_day(20))}/papers", filename="Agenda_December.pdf")
    assert response.status_code == 302, text(response)
    shown = text(web.get(page))
    assert "Agenda Agenda December Draft" in " ".join(shown.split())  # what it is, its title, its status
    [document] = _documents(session)
    assert document.status is DocumentStatus.DRAFT
    folder = session.get(Folder, document.folder_id)
    parent = session.get(Folder, folder.parent_id)
    assert (parent.name, folder.name) == (
        "Meetings",
        f"National user group – {_day(20).day} {_day(20):%B %Y}",
    )
    # the document's page says which meeting uses it
    assert "National user group" in text(web.get(f"/c/{community.slug}/docs/{document.id}"))
    # the same file again is not stored twice: the document already in the folder is in the pack
    again = _upload(web, f"{page}/{_key(_day(20))}/papers", filename="copy.pdf")
    assert again.status_code == 302
    assert len(_documents(session)) == 1
    assert "already in the meeting's folder" in text(web.get(page))


def test_a_refused_file_keeps_nothing_and_says_why_with_what_was_typed(web, login, make, events, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    meeting = events.event(community, organiser, start_date=_day(20).isoformat())
    url = f"/c/{community.slug}/events/{meeting.id}/{_key(_day(20))}/papers"
    login(organiser)
    refused = _upload(web, url, RANDOM_BYTES, "agenda.pdf", **{"paper-title": "Agenda, December"})
    assert refused.status_code == 400
    page = text(refused)
    assert "POLKA does not accept this type of file" in page
    assert 'value="Agenda, December"' in refused.get_data(as_text=True)
    empty = web.post(url, data={"paper-role": "agenda", "paper-marking": "OFFICIAL"})
    assert empty.status_code == 400
    assert "Select the file to upload" in text(empty)
    assert _documents(session) == []
    assert session.scalars(select(Folder)).all() == []  # no folder made for a file that was refused


def test_minutes_wait_for_the_meeting_and_then_mark_it_on_the_calendar(web, login, make, events, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    coming = events.event(community, organiser, "Coming meeting", start_date=_day(5).isoformat())
    held = events.event(community, organiser, "Held meeting", start_date=_day(-3).isoformat())
    login(organiser)
    early = _upload(
        web, f"/c/{community.slug}/events/{coming.id}/{_key(_day(5))}/papers", **{"paper-role": "minutes"}
    )
    assert early.status_code == 400
    assert "Minutes can be added once the meeting has begun" in text(early)
    done = _upload(
        web,
        f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/papers",
        filename="minutes.pdf",
        **{"paper-role": "minutes"},
    )
    assert done.status_code == 302
    past = text(web.get(f"/c/{community.slug}/events/?show=past"))
    assert "Held meeting Minutes" in " ".join(past.split())
    month = text(web.get(f"/c/{community.slug}/events/month?month={_day(-3):%Y-%m}"))
    assert "Held meeting Minutes" in " ".join(month.split())


def test_minutes_due_lists_the_organisers_ended_meetings_without_minutes(web, login, make, events):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    other = make.member(community)
    series = events.event(
        community,
        organiser,
        "Regional meeting",
        start_date=_day(-21).isoformat(),
        repeat=Repeat.WEEKLY,
        count=5,
        minutes_taken=True,
    )
    events.event(community, organiser, "Webinar", start_date=_day(-2).isoformat())  # keeps no minutes
    events.event(community, other, "Someone else's", start_date=_day(-2).isoformat(), minutes_taken=True)
    login(organiser)
    _upload(
        web,
        f"/c/{community.slug}/events/{series.id}/{_key(_day(-14))}/papers",
        **{"paper-role": "minutes"},
    )
    web.post(f"/c/{community.slug}/events/{series.id}/{_key(_day(-7))}/cancel", data={"reason": "Strike"})
    due = text(web.get("/calendar/minutes-due"))
    assert f"{_day(-21):%A} {_day(-21).day} {_day(-21):%B %Y}" in due
    assert f"{_day(-14):%A} {_day(-14).day} {_day(-14):%B %Y}" not in due  # has its minutes
    assert f"{_day(-7):%A} {_day(-7).day} {_day(-7):%B %Y}" not in due  # cancelled
    assert f"{_day(7):%A} {_day(7).day}" not in due  # still to come
    assert "Webinar" not in due
    assert "Someone else's" not in due
    assert "Minutes due" in text(web.get("/"))


def test_a_document_is_linked_by_number_or_chosen_among_titles(web, login, make, events, docs, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    first = docs.document(community, "Data quality figures 2026", author=organiser)
    second = docs.document(community, "Data quality figures 2025", b"older", author=organiser)
    meeting = events.event(community, organiser, start_date=_day(20).isoformat())
    url = f"/c/{community.slug}/events/{meeting.id}/{_key(_day(20))}/papers/link"
    login(organiser)
    assert web.post(url, data={"link-target": f"doc:{first.id}", "link-role": "paper"}).status_code == 302
    several = web.post(url, data={"link-target": "data quality", "link-role": "paper"})
    assert several.status_code == 200
    assert "Several match “data quality”: which one?" in text(several)
    chosen = web.post(
        url,
        data={
            "link-target": "data quality",
            "link-choice": f"docs.document:{second.id}",
            "link-role": "paper",
        },
    )
    assert chosen.status_code == 302
    none = web.post(url, data={"link-target": "no such thing", "link-role": "paper"})
    assert none.status_code == 400
    assert "No document you can see has that title or number" in text(none)
    shown = text(web.get(f"/c/{community.slug}/events/{meeting.id}"))
    assert "Data quality figures 2026" in shown
    assert "Data quality figures 2025" in shown


def test_readers_see_only_the_papers_they_may_see_and_may_not_add_any(
    web, login, make, events, docs, session
):
    community = make.community("PNC Operators", ceiling=Marking.OFFICIAL_SENSITIVE)
    organiser = make.member(community)
    secret = make.community("Forensics", visibility=Visibility.PRIVATE)
    insider = make.member(secret, organiser)
    hidden = docs.document(secret, "Scene plan", author=insider)
    meeting = events.event(community, organiser, start_date=_day(20).isoformat())
    key = _key(_day(20))
    login(organiser)
    url = f"/c/{community.slug}/events/{meeting.id}/{key}/papers/link"
    assert web.post(url, data={"link-target": f"doc:{hidden.id}", "link-role": "paper"}).status_code == 302
    assert "Scene plan" in text(web.get(f"/c/{community.slug}/events/{meeting.id}"))
    reader = make.member(community)
    login(reader)
    page = text(web.get(f"/c/{community.slug}/events/{meeting.id}"))
    assert "Scene plan" not in page
    assert "Upload the agenda" not in page
    refused = _upload(web, f"/c/{community.slug}/events/{meeting.id}/{key}/papers")
    assert refused.status_code == 403
    assert _documents(session) == [hidden]
    assert web.post(url, data={"link-target": f"doc:{hidden.id}"}).status_code == 403


def test_actions_go_on_the_event_and_the_assignees_home_page_until_done(web, login, make, events, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    assignee = make.member(community, make.user("Aisha Rahman"))
    held = events.event(community, organiser, "User group", start_date=_day(-3).isoformat())
    url = f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/actions"
    login(organiser)
    fields = {"action-what": "Circulate the checklist", "action-who": f"@{assignee.handle}"}
    bad = web.post(url, data={**fields, "action-due": "2027-02-30"})
    assert bad.status_code == 400
    assert "Enter the date it is due by as a real date" in text(bad)
    assert 'value="Circulate the checklist"' in bad.get_data(as_text=True)
    assert web.post(url, data={**fields, "action-due": _day(10).isoformat()}).status_code == 302
    assert "Circulate the checklist Aisha Rahman" in " ".join(
        text(web.get(f"/c/{community.slug}/events/{held.id}")).split()
    )
    login(assignee)
    home = text(web.get("/"))
    assert "Circulate the checklist" in home
    [action] = session.scalars(select(EventAction)).all()
    done = web.post(
        f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/actions/{action.id}/done",
        data={"done": "yes"},
    )
    assert done.status_code == 302
    assert "Circulate the checklist" not in text(web.get("/"))
    assert "Done" in text(web.get(f"/c/{community.slug}/events/{held.id}"))


def test_an_action_goes_only_to_someone_who_can_see_the_event(web, login, make, events):
    community = make.community("Forensics", visibility=Visibility.PRIVATE)
    organiser = make.member(community)
    outsider = make.user("Out Sider")
    held = events.event(community, organiser, start_date=_day(-3).isoformat())
    login(organiser)
    refused = web.post(
        f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/actions",
        data={
            "action-what": "Send the plan",
            "action-who": f"@{outsider.handle}",
            "action-due": _day(5).isoformat(),
        },
    )
    assert refused.status_code == 400
    assert "Out Sider cannot see this event" in text(refused)


def test_an_assignee_who_leaves_a_private_community_no_longer_sees_its_action(web, login, make, events):
    community = make.community("Forensics", visibility=Visibility.PRIVATE)
    organiser = make.member(community, role=Role.MANAGER)
    assignee = make.member(community)
    held = events.event(community, organiser, start_date=_day(-3).isoformat())
    login(organiser)
    web.post(
        f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/actions",
        data={
            "action-what": "Send the plan",
            "action-who": f"@{assignee.handle}",
            "action-due": _day(5).isoformat(),
        },
    )
    login(assignee)
    assert "Send the plan" in text(web.get("/"))
    assert web.post(f"/c/{community.slug}/leave").status_code == 302
    assert "Send the plan" not in text(web.get("/"))


def test_splitting_a_series_takes_the_following_meetings_packs_along(web, login, make, events, docs, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    series = events.event(
        community, organiser, "Regional", start_date=_day(7).isoformat(), repeat=Repeat.WEEKLY, count=6
    )
    paper = docs.document(community, "Standing agenda", author=organiser)
    login(organiser)
    later = _key(_day(21))
    web.post(
        f"/c/{community.slug}/events/{series.id}/{later}/papers/link",
        data={"link-target": f"doc:{paper.id}", "link-role": "agenda"},
    )
    form = {
        "title": "Regional",
        "start_date": _day(14).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "zone": "Europe/London",
        "repeat": "weekly",
        "repeat_end": "count",
        "repeat_count": "4",
        "marking": "OFFICIAL",
        "version": "0",
    }
    split = web.post(f"/c/{community.slug}/events/{series.id}/{_key(_day(14))}/following", data=form)
    assert split.status_code == 302, text(split)
    session.rollback()
    session.expire_all()
    [row] = session.scalars(select(EventPaper)).all()
    assert row.event_id != series.id
    assert row.role is PaperRole.AGENDA
    assert "Standing agenda" in text(web.get(f"{split.headers['Location']}/{later}"))


def test_a_refused_pack_form_keeps_the_readers_own_answer_shown(web, login, make, events):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    meeting = events.event(community, organiser, start_date=_day(20).isoformat())
    page = f"/c/{community.slug}/events/{meeting.id}"
    login(organiser)
    web.post(f"{page}/{_key(_day(20))}/answer", data={"answer": "going", "note": ""})
    refused = web.post(
        f"{page}/{_key(_day(20))}/actions", data={"action-what": "", "action-who": "", "action-due": ""}
    )
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'value="going" checked' in html
    assert "Enter what is to be done" in text(refused)


def test_only_documents_can_be_papers(web, login, make, events):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    meeting = events.event(community, organiser, start_date=_day(20).isoformat())
    login(organiser)
    url = f"/c/{community.slug}/events/{meeting.id}/{_key(_day(20))}/papers/link"
    itself = web.post(url, data={"link-target": f"event:{meeting.id}", "link-role": "paper"})
    assert itself.status_code == 400
    assert "No document you can see has that title or number" in text(itself)
    chosen = web.post(url, data={"link-target": "x", "link-choice": f"events.event:{meeting.id}"})
    assert chosen.status_code == 404


def test_a_change_that_would_lose_a_meetings_pack_is_refused(web, login, make, events, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    start = _day(-14)
    series = events.event(
        community, organiser, "Regional", start_date=start.isoformat(), repeat=Repeat.WEEKLY, count=6
    )
    page = f"/c/{community.slug}/events/{series.id}"
    login(organiser)
    _upload(web, f"{page}/{_key(start)}/papers", filename="minutes.pdf", **{"paper-role": "minutes"})
    form = {
        "title": "Regional",
        "start_date": (start + timedelta(days=1)).isoformat(),  # every meeting a day later
        "start_time": "10:00",
        "end_time": "12:00",
        "zone": "Europe/London",
        "repeat": "weekly",
        "repeat_end": "count",
        "repeat_count": "6",
        "marking": "OFFICIAL",
        "version": "0",
    }
    refused = web.post(f"{page}/edit", data=form)
    assert refused.status_code == 400
    assert f"The meeting on {start:%A} {start.day} {start:%B %Y} has papers or actions" in text(refused)
    session.rollback()
    session.expire_all()
    assert [row.original.date() for row in session.scalars(select(EventPaper))] == [start]
    # a later time on the same days keeps the pack with its meeting
    moved = web.post(
        f"{page}/edit",
        data={**form, "start_date": start.isoformat(), "start_time": "11:00", "end_time": "13:00"},
    )
    assert moved.status_code == 302, text(moved)
    session.rollback()
    session.expire_all()
    [row] = session.scalars(select(EventPaper)).all()
    assert row.original == datetime.combine(start, datetime.min.time()).replace(hour=11)
    assert "Minutes" in text(web.get(f"{page}/{_key(start, '1100')}"))


def test_the_home_page_lists_the_next_meetings_with_their_marking(web, login, make, events):
    community = make.community("Forensics", ceiling=Marking.OFFICIAL_SENSITIVE)
    member = make.member(community)
    events.event(
        community,
        member,
        "Scene planning",
        start_date=_day(4).isoformat(),
        marking=Marking.OFFICIAL_SENSITIVE,
    )
    events.event(community, member, "Validation workshop", start_date=_day(9).isoformat())
    elsewhere = make.community("Elsewhere")
    events.event(elsewhere, make.member(elsewhere), "Not my community", start_date=_day(3).isoformat())
    login(member)
    coming = " ".join(text(web.get("/")).split("Coming up")[1].split("My calendar")[0].split())
    assert coming.startswith("Scene planning OFFICIAL-SENSITIVE")
    assert "Validation workshop" in coming
    assert "Not my community" not in coming


def test_an_outsider_of_a_private_community_gets_404_from_every_pack_address(web, login, make, events):
    community = make.community("Forensics", visibility=Visibility.PRIVATE)
    organiser = make.member(community, role=Role.MANAGER)
    held = events.event(community, organiser, "Scene planning", start_date=_day(-3).isoformat())
    login(organiser)
    _upload(web, f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/papers", **{"paper-role": "minutes"})
    web.post(
        f"/c/{community.slug}/events/{held.id}/{_key(_day(-3))}/actions",
        data={
            "action-what": "Send the plan",
            "action-who": f"@{organiser.handle}",
            "action-due": _day(5).isoformat(),
        },
    )
    dropped = events.event(community, organiser, "Dropped", start_date=_day(9).isoformat())
    web.post(f"/c/{community.slug}/events/{dropped.id}/delete")
    assert web.get(f"/c/{community.slug}/events/{held.id}").status_code == 200
    login(make.user("Out Sider"))
    base = f"/c/{community.slug}/events"
    occurrence = f"{base}/{held.id}/{_key(_day(-3))}"
    assert web.get(f"{base}/deleted").status_code == 404
    assert web.post(f"{base}/deleted/{dropped.id}/restore").status_code == 404
    for url, data in (
        (f"{occurrence}/papers", {"paper-role": "paper"}),
        (f"{occurrence}/papers/link", {"link-target": "1"}),
        (f"{occurrence}/papers/1/remove", {}),
        (f"{occurrence}/actions", {"action-what": "x"}),
        (f"{occurrence}/actions/1/done", {"done": "yes"}),
        (f"{occurrence}/actions/1/remove", {}),
    ):
        assert web.post(url, data=data).status_code == 404, url
    assert "Scene planning" not in text(web.get("/calendar/minutes-due"))
