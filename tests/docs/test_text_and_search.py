"""Reading the text out of uploaded documents in the background, showing it, and finding documents by
words that appear only inside their files — for the people allowed to see them, and no one else."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from polka.communities.services import update_settings
from polka.docs import bin as docs_bin
from polka.docs import folders
from polka.docs.models import Document, ExtractStatus
from polka.markings import Marking
from tests.docs import samples
from tests.docs.conftest import DocsFactory, DocsWorld, writing
from tests.support import text

PHRASE = "tangerine lighthouse protocol"


def run_jobs(app) -> None:
    app.extensions["polka.jobs"].run_until_idle()


def test_a_phrase_only_inside_a_pdf_is_found_by_members_and_no_one_else(
    app, tmp_path: Path, world: DocsWorld, docs: DocsFactory, search, make
):
    path = samples.pdf(tmp_path / "brief.pdf", ["Page one of the briefing.", f"The {PHRASE} starts at dawn."])
    docs.document(
        world.community,
        "Operation briefing",
        path.read_bytes(),
        filename="brief.pdf",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=world.member,
    )
    assert search(world.reader, f'"{PHRASE}"').total == 0  # not read yet: nothing to find
    run_jobs(app)
    assert [r.title for r in search(world.reader, f'"{PHRASE}"').results.items] == ["Operation briefing"]
    assert search(world.outsider, f'"{PHRASE}"').total == 0
    assert search(make.user("Someone Else"), PHRASE).total == 0


def test_a_document_in_a_private_community_is_found_only_by_its_members(app, tmp_path, world, docs, search):
    path = samples.docx_file(tmp_path / "plan.docx", [f"Our {PHRASE} for the private group."])
    docs.document(
        world.private, "Private plan", path.read_bytes(), filename="plan.docx", author=world.manager
    )
    run_jobs(app)
    assert search(world.manager, PHRASE).total == 1
    assert search(world.member, PHRASE).total == 0
    assert search(world.outsider, PHRASE).total == 0


def test_the_page_previews_the_text_of_a_pdf(app, web, login, tmp_path, world, docs):
    path = samples.pdf(tmp_path / "brief.pdf", [f"The {PHRASE} starts at dawn."])
    document = docs.document(
        world.community, "Briefing", path.read_bytes(), filename="brief.pdf", author=world.member
    )
    login(world.reader)
    page = f"/c/{world.community.slug}/docs/{document.id}"
    assert "The text of this document is being read" in text(web.get(page))
    run_jobs(app)
    assert PHRASE in text(web.get(page))


def test_markdown_is_previewed_rendered_and_safe(app, web, login, world, docs):
    source = b"# Guidance\n\nUse **bold** sparingly. [Not a link](javascript:alert(1))\n"
    document = docs.document(world.community, "Guidance", source, filename="guidance.md", author=world.member)
    run_jobs(app)
    login(world.reader)
    body = web.get(f"/c/{world.community.slug}/docs/{document.id}").get_data(as_text=True)
    assert "<strong>bold</strong>" in body
    assert 'href="javascript' not in body


def test_csv_is_previewed_as_a_table(app, web, login, world, docs):
    content = b"Force,Role,Phone\nCumbria,PNC bureau,0300 000 0001\n"
    document = docs.document(
        world.community, "Contacts", content, filename="contacts.csv", author=world.member
    )
    run_jobs(app)
    login(world.reader)
    body = web.get(f"/c/{world.community.slug}/docs/{document.id}").get_data(as_text=True)
    assert '<td class="govuk-table__cell">Cumbria</td>' in body


def test_an_image_gets_a_thumbnail_and_a_bomb_is_refused_saying_so(app, web, login, tmp_path, world, docs):
    picture = samples.png(tmp_path / "map.png", 800, 600)
    document = docs.document(
        world.community, "Map", picture.read_bytes(), filename="map.png", author=world.member
    )
    bomb = samples.png_claiming(tmp_path / "bomb.png", 60_000, 60_000)
    bombed = docs.document(
        world.community, "Huge", bomb.read_bytes(), filename="huge.png", author=world.member
    )
    run_jobs(app)
    login(world.reader)
    thumbnail = web.get(f"/c/{world.community.slug}/docs/{document.id}/thumbnail")
    assert thumbnail.status_code == 200
    assert thumbnail.get_data().startswith(b"\x89PNG")
    page = text(web.get(f"/c/{world.community.slug}/docs/{bombed.id}"))
    assert "No preview:" in page
    assert web.get(f"/c/{world.community.slug}/docs/{bombed.id}/thumbnail").status_code == 404


def test_a_failed_extraction_says_so_and_a_manager_retries_it(
    app, web, login, tmp_path, world, docs, session
):
    encrypted = samples.encrypted_pdf(tmp_path / "locked.pdf", PHRASE)
    document = docs.document(
        world.community, "Locked", encrypted.read_bytes(), filename="locked.pdf", author=world.member
    )
    run_jobs(app)
    version = docs.versions(document)[0]
    extract = docs.extract(version)
    assert extract is not None
    assert extract.status is ExtractStatus.FAILED
    login(world.member)
    page = f"/c/{world.community.slug}/docs/{document.id}"
    assert "could not be read" in text(web.get(page))
    assert "Try reading the text again" not in text(web.get(page))
    assert web.post(f"{page}/retry", token_from=page).status_code == 403
    login(world.manager)
    assert web.post(f"{page}/retry", token_from=page).status_code == 302
    assert docs.extract(version).status is ExtractStatus.PENDING
    run_jobs(app)
    assert docs.extract(version).status is ExtractStatus.FAILED


def test_the_newest_version_replaces_the_old_words_in_search(app, world, docs, search):
    document = docs.document(
        world.community, "Schedule", b"The old rota uses marmalade shifts.\n", author=world.member
    )
    run_jobs(app)
    assert search(world.reader, "marmalade").total == 1
    docs.version(document, world.member, b"The new rota uses porridge shifts.\n")
    run_jobs(app)
    assert search(world.reader, "marmalade").total == 0
    assert search(world.reader, "porridge").total == 1


def test_deleted_documents_leave_search_and_restored_ones_return(app, world, docs, search, session):
    docs.document(world.community, "Ephemeral", b"The quince protocol.\n", author=world.member)
    run_jobs(app)
    assert search(world.reader, "quince").total == 1
    with writing(session):
        document = session.scalars(select(Document).where(Document.title == "Ephemeral")).one()
        docs_bin.delete_document(session, session.merge(world.member), document)
    assert search(world.reader, "quince").total == 0
    with writing(session):
        docs_bin.restore_document(session, session.merge(world.manager), session.get(Document, document.id))
    assert search(world.reader, "quince").total == 1


def test_an_archive_is_listed_never_unpacked_and_unsafe_names_are_flagged(
    app, web, login, tmp_path, world, docs
):
    archive = samples.zip_file(
        tmp_path / "bundle.zip", {"minutes/march.txt": b"minutes\n", "../evil.sh": b"rm -rf /\n"}
    )
    document = docs.document(
        world.community, "Bundle", archive.read_bytes(), filename="bundle.zip", author=world.member
    )
    login(world.reader)
    page = text(web.get(f"/c/{world.community.slug}/docs/{document.id}"))
    assert "This archive holds 2 items" in page
    assert "minutes/march.txt" in page
    assert "../evil.sh (9 bytes) Unsafe path" in page
    assert not (docs.store.root / "evil.sh").exists()


def test_a_document_is_found_by_its_folder_and_community_names_as_they_are_now(
    app, session, world: DocsWorld, docs: DocsFactory, search
):
    with writing(session):
        folder = folders.create_folder(
            session, session.merge(world.moderator), session.merge(world.community), None, "Quarterly minutes"
        )
    docs.document(world.community, "March", b"Attendance and actions.\n", folder=folder, author=world.member)
    docs.document(world.community, "Rota", b"Who is on shift.\n", author=world.member)

    assert [r.title for r in search(world.reader, "quarterly minutes march").results.items] == ["March"]
    everything = {"March", "Rota", "Rolling schedule"}  # the last, the world's own

    def documents(words: str) -> set[str]:
        return {
            r.title for r in search(world.reader, words, kinds=frozenset({"docs.document"})).results.items
        }

    assert documents(world.community.name) == everything

    with writing(session):
        folders.rename_folder(session, session.merge(world.moderator), session.merge(folder), "Board papers")
        manager = session.merge(world.manager)
        community = session.merge(world.community)
        update_settings(
            session,
            manager,
            community,
            name="Rural Crime Network",
            summary=community.summary,
            description=community.description,
            visibility=community.visibility,
            marking_ceiling=community.marking_ceiling,
            region=community.region,
            parent_id=community.parent_id,
        )

    assert search(world.reader, "quarterly").total == 0
    assert [r.title for r in search(world.reader, "board papers").results.items] == ["March"]
    assert documents("rural crime network") == everything
