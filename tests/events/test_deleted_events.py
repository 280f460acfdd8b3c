"""Deleted events: restored by the community's managers within the restore window, with their answers
and packs, and removed for good by the daily purge after it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from polka.communities.models import Role
from polka.content.deletion import purge_expired
from polka.content.mixins import RESTORE_WINDOW
from polka.crossrefs.models import ObjectLink
from polka.db import transaction, utcnow
from polka.events.models import Event, EventAnswer
from tests.support import text


def test_a_manager_restores_a_deleted_event_with_its_answers(web, login, make, events, session):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    manager = make.member(community, role=Role.MANAGER)
    meeting = events.event(community, organiser, "Regional meeting")
    base = f"/c/{community.slug}/events"
    login(organiser)
    web.post(f"{base}/{meeting.id}/20270413T1000/answer", data={"answer": "going", "note": ""})
    assert web.post(f"{base}/{meeting.id}/delete").status_code == 302
    assert web.get(f"{base}/{meeting.id}").status_code == 404
    assert web.get(f"{base}/deleted").status_code == 403  # the organiser is no manager
    login(manager)
    listed = text(web.get(f"{base}/deleted"))
    assert "Regional meeting" in listed
    assert "Deleted events" in text(web.get(f"{base}/"))
    restored = web.post(f"{base}/deleted/{meeting.id}/restore")
    assert restored.headers["Location"] == f"{base}/{meeting.id}"
    page = text(web.get(f"{base}/{meeting.id}"))
    assert "1 going" in page
    assert "No events have been deleted" in text(web.get(f"{base}/deleted"))


def test_the_purge_removes_events_deleted_before_the_restore_window(web, login, make, events, session, docs):
    community = make.community("PNC Operators")
    organiser = make.member(community)
    old = events.event(community, organiser, "Old meeting")
    recent = events.event(community, organiser, "Recent meeting")
    paper = docs.document(community, "Agenda", author=organiser)
    login(organiser)
    base = f"/c/{community.slug}/events"
    web.post(
        f"{base}/{old.id}/20270413T1000/papers/link",
        data={"link-target": f"doc:{paper.id}", "link-role": "agenda"},
    )
    web.post(f"{base}/{old.id}/20270413T1000/answer", data={"answer": "going", "note": ""})
    web.post(f"{base}/{old.id}/delete")
    web.post(f"{base}/{recent.id}/delete")
    session.rollback()
    with transaction(session):
        session.get(Event, old.id).deleted_at = utcnow() - RESTORE_WINDOW - timedelta(hours=1)
    with transaction(session):
        assert purge_expired(session)["events.event"] == 1
    session.expire_all()
    assert [e.title for e in session.scalars(select(Event))] == ["Recent meeting"]
    assert session.scalars(select(EventAnswer)).all() == []
    assert session.scalars(select(ObjectLink).where(ObjectLink.source_kind == "events.event")).all() == []
