"""A document's life through the web pages: versions with notes and checksums, downloads and their
names, restoring, approval and superseding, check-out, details, moving, the bin, folders, watching."""

from __future__ import annotations

import hashlib
import io
import os
import time
from datetime import timedelta

from sqlalchemy import select

from polka.accounts.models import AccountStatus
from polka.audit.models import AuditEntry
from polka.communities.models import Role
from polka.db import utcnow
from polka.docs import bin as docs_bin
from polka.docs.models import Document, DocumentStatus, Folder
from polka.markings import Marking
from polka.subscriptions.models import Subscription
from tests.docs.conftest import DocsFactory, DocsWorld, writing
from tests.support import text


def url(world: DocsWorld, tail: str = "", document: Document | None = None) -> str:
    document = document or world.document
    return f"/c/{world.community.slug}/docs/{document.id}{tail}"


def new_version(
    web,
    world,
    content: bytes,
    name: str = "schedule v2.txt",
    note: str = "",
    base: int | None = None,
    **extra,
):
    target = url(world, "/versions/new")
    data = {
        "csrf_token": web.token(target),
        "note": note,
        "base": str(world.document.head_number if base is None else base),
        "file": (io.BytesIO(content), name),
        **extra,
    }
    return web.client.post(target, data=data, content_type="multipart/form-data")


def audit_actions(session, action: str) -> list[AuditEntry]:
    session.rollback()
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_a_new_version_becomes_current_and_the_history_lists_every_version(
    web, login, world, docs: DocsFactory
):
    login(world.member)
    response = new_version(web, world, b"Shift pattern, March added.\n", note="March added")
    assert response.status_code == 302
    document = docs.fresh(world.document)
    assert document.head_number == 2
    assert document.status is DocumentStatus.DRAFT
    history = text(web.get(url(world, "/versions")))
    assert "March added" in history
    assert "First version" in history
    assert hashlib.sha256(b"Shift pattern, March added.\n").hexdigest() in history
    assert hashlib.sha256(b"Shift pattern for the regional team.\n").hexdigest() in history
    assert web.get(url(world, "/download")).get_data() == b"Shift pattern, March added.\n"
    assert web.get(url(world, "/versions/1/download")).get_data() == b"Shift pattern for the regional team.\n"


def test_a_version_based_on_an_old_one_is_refused_and_kept_typed(web, login, world, docs):
    login(world.member)
    assert new_version(web, world, b"mine\n", base=1).status_code == 302
    stale = new_version(web, world, b"theirs\n", note="my careful note", base=1)
    assert stale.status_code == 409
    assert "Someone uploaded version 2 while you were working" in text(stale)
    assert "my careful note" in stale.get_data(as_text=True)
    assert docs.fresh(world.document).head_number == 2


def test_restoring_an_old_version_adds_a_new_one(web, login, world, docs):
    login(world.member)
    new_version(web, world, b"second\n")
    response = web.post(url(world, "/versions/1/restore"), {"base": "2"}, token_from=url(world, "/versions"))
    assert response.status_code == 302
    versions = docs.versions(world.document)
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[2].sha256 == versions[0].sha256
    assert versions[2].restored_from == 1
    assert "Restored version 1" in text(web.get(url(world, "/versions")))


def test_download_names_carry_the_title_version_and_marking(web, login, world, docs):
    login(world.member)
    sensitive = docs.document(
        world.community,
        "Rolling schedule",
        b"%PDF-1.4\n%%EOF\n",
        filename="sched.pdf",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=world.member,
    )
    docs.version(sensitive, world.member, b"%PDF-1.4\n% two\n%%EOF\n", filename="sched2.pdf")
    docs.version(sensitive, world.member, b"%PDF-1.4\n% three\n%%EOF\n", filename="sched3.pdf")
    response = web.get(url(world, "/download", sensitive))
    assert "OFFICIAL-SENSITIVE%20-%20Rolling%20schedule%20v3.pdf" in response.headers["Content-Disposition"]
    assert (
        'filename="OFFICIAL-SENSITIVE - Rolling schedule v3.pdf"' in response.headers["Content-Disposition"]
    )
    assert response.headers["Cache-Control"] == "no-store"
    plain = web.get(url(world, "/download"))
    assert 'filename="Rolling schedule v1.txt"' in plain.headers["Content-Disposition"]


def test_downloads_of_official_sensitive_documents_are_audited(web, login, world, docs, session):
    sensitive = docs.document(
        world.community, "Covert list", b"names\n", marking=Marking.OFFICIAL_SENSITIVE, author=world.member
    )
    login(world.reader)
    web.get(url(world, "/download", sensitive))
    web.get(url(world, "/versions/1/download", sensitive))
    web.get(url(world, "/download"))  # OFFICIAL: not audited
    entries = audit_actions(session, "docs.document_downloaded")
    assert [(e.actor_id, e.target_id) for e in entries] == [(world.reader.id, str(sensitive.id))] * 2
    assert audit_actions(session, "docs.document_read") == []
    web.get(url(world, "", sensitive))
    assert len(audit_actions(session, "docs.document_read")) == 1


def test_a_moderator_approves_and_readers_see_which_version_is_authoritative(web, login, world, docs):
    login(world.member)
    assert web.post(url(world, "/approve"), token_from=url(world)).status_code == 403
    login(world.moderator)
    assert web.post(url(world, "/approve"), token_from=url(world)).status_code == 302
    assert docs.fresh(world.document).status is DocumentStatus.APPROVED
    login(world.member)
    new_version(web, world, b"draft changes\n")
    login(world.reader)
    page = text(web.get(url(world)))
    assert "Version 2 is a draft" in page
    assert "Version 1 is the approved version" in page


def test_a_superseded_document_points_to_its_replacement(web, login, world, docs):
    replacement = docs.document(world.community, "Rolling schedule 2027", author=world.member)
    login(world.moderator)
    response = web.post(
        url(world, "/supersede"), {"replacement": str(replacement.id)}, token_from=url(world, "/supersede")
    )
    assert response.status_code == 302
    login(world.reader)
    page = text(web.get(url(world)))
    assert "This document has been superseded by Rolling schedule 2027" in page


def test_superseding_by_a_document_of_another_community_is_refused(web, login, world, docs):
    elsewhere = docs.document(world.private, "Elsewhere", author=world.manager)
    login(world.manager)
    response = web.post(
        url(world, "/supersede"), {"replacement": str(elsewhere.id)}, token_from=url(world, "/supersede")
    )
    assert response.status_code == 400
    assert docs.fresh(world.document).status is DocumentStatus.DRAFT


def test_a_checked_out_document_says_who_has_it_and_refuses_others_uploads(web, login, world, docs, make):
    other = make.member(world.community, make.user("Ollie Other"), Role.MEMBER)
    login(world.member)
    assert web.post(url(world, "/checkout"), token_from=url(world)).status_code == 302
    login(other)
    page = text(web.get(url(world)))
    assert "Mel Member checked this document out on" in page
    refused = new_version(web, world, b"other's edit\n")
    assert refused.status_code == 409
    assert "Mel Member checked this document out" in text(refused)
    assert docs.fresh(world.document).head_number == 1
    # the holder's upload checks it back in
    login(world.member)
    assert new_version(web, world, b"holder's edit\n").status_code == 302
    assert docs.fresh(world.document).checked_out_by_id is None


def test_a_manager_breaks_a_check_out_and_it_is_audited(web, login, world, docs, session):
    login(world.member)
    web.post(url(world, "/checkout"), token_from=url(world))
    login(world.moderator)
    assert web.post(url(world, "/break-lock"), token_from=url(world)).status_code == 403
    login(world.manager)
    assert web.post(url(world, "/break-lock"), token_from=url(world)).status_code == 302
    assert docs.fresh(world.document).checked_out_by_id is None
    assert len(audit_actions(session, "docs.checkout_broken")) == 1


def test_a_check_out_lapses_by_itself(web, login, world, docs, session, make):
    login(world.member)
    response = web.post(url(world, "/checkout"), token_from=url(world))
    assert "You have checked this document out" in text(web.get(response.headers["Location"]))
    with writing(session):
        document = session.get(Document, world.document.id)
        session.refresh(document)
        document.checked_out_at = document.checked_out_at - timedelta(hours=25)
    other = make.member(world.community, make.user("Late Comer"), Role.MEMBER)
    login(other)
    assert "checked this document out" not in text(web.get(url(world)))
    assert new_version(web, world, b"after the lapse\n").status_code == 302


def test_details_are_edited_and_a_marking_change_is_audited(web, login, world, docs, session):
    login(world.member)
    response = web.post(
        url(world, "/edit"),
        {
            "title": "Rolling schedule (north)",
            "description": "For the north",
            "tags": "rota",
            "marking": "OFFICIAL-SENSITIVE",
        },
        token_from=url(world, "/edit"),
    )
    assert response.status_code == 302
    document = docs.fresh(world.document)
    assert (document.title, document.marking, document.tags) == (
        "Rolling schedule (north)",
        Marking.OFFICIAL_SENSITIVE,
        "rota",
    )
    assert len(audit_actions(session, "docs.marking_changed")) == 1
    lowered = web.post(
        url(world, "/edit"),
        {"title": "Rolling schedule", "marking": "OFFICIAL"},
        token_from=url(world, "/edit"),
    )
    assert lowered.status_code == 400
    assert "Only moderators and managers can lower a marking" in text(lowered)


def test_moving_into_a_folder_and_to_another_library(web, login, world, docs, session):
    with writing(session):
        folder = Folder(community_id=world.community.id, name="Schedules")
        session.add(folder)
    login(world.manager)
    move = url(world, "/move")
    assert (
        web.post(move, {"destination": f"{world.community.id}:{folder.id}"}, token_from=move).status_code
        == 302
    )
    assert docs.fresh(world.document).folder_id == folder.id
    assert web.post(move, {"destination": f"{world.private.id}:"}, token_from=move).status_code == 302
    moved = docs.fresh(world.document)
    assert (moved.community_id, moved.folder_id) == (world.private.id, None)
    assert web.get(f"/c/{world.private.slug}/docs/{moved.id}").status_code == 200


def test_a_member_cannot_move_a_document_to_a_library_they_do_not_contribute_to(web, login, world, docs):
    login(world.member)
    move = url(world, "/move")
    response = web.post(move, {"destination": f"{world.private.id}:"}, token_from=move)
    assert response.status_code == 400  # not among the choices offered
    assert docs.fresh(world.document).community_id == world.community.id


def test_delete_to_the_bin_and_a_manager_restores(web, login, world, docs):
    login(world.member)
    assert web.post(url(world, "/delete"), token_from=url(world, "/delete")).status_code == 302
    assert web.get(url(world)).status_code == 404
    assert web.get(url(world, "/download")).status_code == 404
    assert "Rolling schedule" not in text(web.get(f"/c/{world.community.slug}/docs/"))
    login(world.manager)
    assert "Rolling schedule" in text(web.get(f"/c/{world.community.slug}/docs/bin"))
    restored = web.post(
        f"/c/{world.community.slug}/docs/bin/{world.document.id}/restore",
        token_from=f"/c/{world.community.slug}/docs/bin",
    )
    assert restored.status_code == 302
    login(world.member)
    assert web.get(url(world)).status_code == 200


def test_the_bin_is_emptied_after_thirty_days(world, docs, session):
    with writing(session):
        document = session.get(Document, world.document.id)
        docs_bin.delete_document(session, session.merge(world.member), document)
    with writing(session):
        assert docs_bin.purge_expired(session, now=document.deleted_at + timedelta(days=29)) == 0
    with writing(session):
        assert docs_bin.purge_expired(session, now=document.deleted_at + timedelta(days=31)) == 1
    assert docs.all_documents() == []


def test_folders_nest_and_only_empty_ones_are_removed(web, login, world, docs, session):
    login(world.member)
    library = f"/c/{world.community.slug}/docs/"
    assert web.post(f"{library}folders", {"name": "Minutes"}, token_from=library).status_code == 302
    minutes = session.scalar(select(Folder).where(Folder.name == "Minutes"))
    assert (
        web.post(
            f"{library}folders", {"name": "2026", "parent": str(minutes.id)}, token_from=library
        ).status_code
        == 302
    )
    duplicate = web.post(f"{library}folders", {"name": "minutes"}, token_from=library)
    assert duplicate.status_code == 400
    assert "There is already a folder called “minutes” here" in text(duplicate)
    assert 'value="minutes"' in duplicate.get_data(as_text=True)  # what was typed stays
    page = text(web.get(f"{library}folders/{minutes.id}"))
    assert "2026" in page
    login(world.moderator)
    clash = web.post(f"{library}folders/{minutes.id}/rename", {"name": ""}, token_from=library)
    assert clash.status_code == 400
    assert "Enter the folder name" in text(clash)
    renamed = web.post(
        f"{library}folders/{minutes.id}/rename", {"name": "Meeting minutes"}, token_from=library
    )
    assert "The folder is now called “Meeting minutes”" in text(web.get(renamed.headers["Location"]))
    refused = web.post(f"{library}folders/{minutes.id}/delete", token_from=library)
    assert "is not empty" in text(web.get(refused.headers["Location"]))
    session.rollback()
    assert session.get(Folder, minutes.id) is not None


def test_the_library_sorts_by_name_date_and_size(web, login, world, docs):
    docs.document(world.community, "Alpha", b"a" * 5000, author=world.member)
    docs.document(world.community, "Zulu", b"z" * 10, author=world.member)
    login(world.member)
    library = f"/c/{world.community.slug}/docs/"

    def order(sort: str) -> list[str]:
        page = text(web.get(f"{library}?sort={sort}"))
        return sorted(["Alpha", "Zulu", "Rolling schedule"], key=page.index)

    assert order("name") == ["Alpha", "Rolling schedule", "Zulu"]
    assert order("size") == ["Alpha", "Rolling schedule", "Zulu"]
    assert order("date") == ["Zulu", "Alpha", "Rolling schedule"]


def test_watching_a_document_and_a_folder_is_stored(web, login, world, session):
    login(world.reader)
    assert web.post(url(world, "/watch"), {"watch": "1"}, token_from=url(world)).status_code == 302
    assert "Stop watching" in text(web.get(url(world)))
    with writing(session):
        folder = Folder(community_id=world.community.id, name="Letters")
        session.add(folder)
    folder_url = f"/c/{world.community.slug}/docs/folders/{folder.id}"
    web.post(f"{folder_url}/watch", {"watch": "1"}, token_from=folder_url)
    session.rollback()
    watches = list(session.scalars(select(Subscription).where(Subscription.user_id == world.reader.id)))
    assert {(w.kind, w.object_id) for w in watches} == {
        ("docs.document", world.document.id),
        ("docs.folder", folder.id),
    }
    web.post(url(world, "/watch"), {"watch": "0"}, token_from=url(world))
    session.rollback()
    assert (
        len(list(session.scalars(select(Subscription).where(Subscription.user_id == world.reader.id)))) == 1
    )


def test_the_library_lists_each_documents_details(web, login, world, docs):
    docs.document(
        world.community,
        "Regional minutes",
        b"%PDF-1.4\n%%EOF\n",
        filename="minutes.pdf",
        description="Minutes of the March meeting",
        tags="minutes, north west",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=world.member,
    )
    login(world.reader)
    listing = text(web.get(f"/c/{world.community.slug}/docs/"))
    row = listing[listing.index("Regional minutes") :]
    for shown in (
        "OFFICIAL-SENSITIVE",
        "Minutes of the March meeting",
        "Tags: minutes, north west",
        "PDF",
        "Draft",
        "Mel Member",
    ):
        assert shown in row, shown
    assert "Rolling schedule" in listing
    assert "Plain text" in listing


def test_the_library_says_a_document_is_checked_out_and_links_who_changed_it_while_they_are_active(
    web, login, world, session
):
    login(world.member)
    assert web.post(url(world, "/checkout"), token_from=url(world)).status_code == 302
    login(world.reader)
    library = f"/c/{world.community.slug}/docs/"
    row = web.get(library).get_data(as_text=True).split("Rolling schedule", 1)[1]
    assert "Checked out" in row
    assert f'<a class="govuk-link" href="/people/{world.member.id}">Mel Member</a>' in row
    with writing(session):
        session.merge(world.member).status = AccountStatus.SUSPENDED
    row = web.get(library).get_data(as_text=True).split("Rolling schedule", 1)[1]
    assert "by Mel Member" in row
    assert f"/people/{world.member.id}" not in row


def test_a_purged_documents_files_are_collected_and_no_others(app, world, docs, session):
    kept = docs.document(world.community, "Kept", b"kept bytes\n", author=world.member)
    purged_sha256 = docs.versions(world.document)[0].sha256
    kept_sha256 = docs.versions(kept)[0].sha256
    with writing(session):
        docs_bin.delete_document(
            session, session.merge(world.member), session.get(Document, world.document.id)
        )
    with writing(session):
        assert docs_bin.purge_expired(session, now=utcnow() + timedelta(days=31)) == 1
    two_days_ago = time.time() - 2 * 86400
    for path in docs.store.root.glob("??/*"):
        os.utime(path, (two_days_ago, two_days_ago))
    collector = next(
        task
        for task in app.extensions["polka.jobs"].idle_tasks
        if getattr(task, "name", "") == "remove unreferenced files"
    )
    assert collector.task() == 1
    assert not docs.store.path_for(purged_sha256).exists()
    assert docs.store.path_for(kept_sha256).read_bytes() == b"kept bytes\n"
