"""What an upload of several files tells the uploader (which were stored, with links, and which were
refused and why), and a file already in its folder: offered, never stored twice, and the choice between
a new version and keeping both taking effect once."""

from __future__ import annotations

import re

from polka.docs.models import Document
from tests.docs.conftest import DocsFactory, DocsWorld, upload
from tests.support import text

#: The bytes of ``world.document`` (the factory's default content), at the top of the library.
SCHEDULE = b"Shift pattern for the regional team.\n"


def offer_tokens(response) -> list[str]:
    return re.findall(r'name="offer" value="([^"]+)"', response.get_data(as_text=True))


def choose(web, world: DocsWorld, token: str, choice: str):
    url = f"/c/{world.community.slug}/docs/upload/already-here"
    return web.post(
        url, {"offer": token, "choice": choice}, token_from=f"/c/{world.community.slug}/docs/upload"
    )


def test_a_file_already_in_the_folder_is_offered_and_not_stored_again(web, login, world, docs: DocsFactory):
    login(world.member)
    before = (len(docs.all_documents()), docs.stored_files())
    response = upload(web, world.community, [(SCHEDULE, "copy of schedule.txt")], description="Typed")
    assert response.status_code == 200
    page = text(response)
    assert "copy of schedule.txt is already here as Rolling schedule" in page
    assert "Add as a new version of Rolling schedule" in page
    assert "Keep both" in page
    assert f'href="/c/{world.community.slug}/docs/{world.document.id}"' in response.get_data(as_text=True)
    assert "Typed" in response.get_data(as_text=True)
    assert (len(docs.all_documents()), docs.stored_files()) == before
    assert docs.fresh(world.document).head_number == 1


def test_sending_the_same_files_again_stores_nothing_twice(web, login, world, docs):
    login(world.member)
    files = [(b"first file\n", "Liaison letter.txt"), (b"second file\n", "Rota.txt")]
    assert upload(web, world.community, files).status_code == 302
    count = len(docs.all_documents())
    again = upload(web, world.community, files)
    assert again.status_code == 200
    page = text(again)
    assert "Liaison letter.txt is already here as Liaison letter" in page
    assert "Rota.txt is already here as Rota" in page
    assert len(docs.all_documents()) == count


def test_a_file_with_the_same_bytes_in_another_folder_is_stored(web, login, world, docs, session):
    from polka.docs import folders
    from tests.docs.conftest import writing

    with writing(session):
        minutes = folders.create_folder(
            session, session.merge(world.member), session.merge(world.community), None, "Minutes"
        )
    login(world.member)
    response = upload(web, world.community, [(SCHEDULE, "schedule.txt")], folder=str(minutes.id))
    assert response.status_code == 302
    assert docs.all_documents()[-1].folder_id == minutes.id


def test_adding_it_as_a_new_version_happens_once(web, login, world, docs):
    login(world.member)
    token = offer_tokens(upload(web, world.community, [(SCHEDULE, "schedule-again.txt")]))[0]
    chosen = choose(web, world, token, "version")
    assert chosen.status_code == 302
    assert chosen.headers["Location"] == f"/c/{world.community.slug}/docs/{world.document.id}"
    page = text(web.get(chosen.headers["Location"]))
    assert "schedule-again.txt has been added as version 2 of “Rolling schedule”" in page
    versions = docs.versions(world.document)
    assert [(v.number, v.filename) for v in versions] == [(1, "schedule.txt"), (2, "schedule-again.txt")]
    for choice in ("version", "both"):  # sent again, or the other button after going back
        again = choose(web, world, token, choice)
        assert again.status_code == 302
        assert "This was done already" in text(web.get(again.headers["Location"]))
    assert len(docs.versions(world.document)) == 2
    assert len(docs.all_documents()) == 1


def test_keeping_both_makes_one_new_document_with_what_was_typed(web, login, world, docs):
    login(world.member)
    response = upload(
        web,
        world.community,
        [(SCHEDULE, "Rolling_schedule-copy.txt"), (b"another\n", "Other.txt")],
        description="Kept for the copy",
        tags="rota",
    )
    assert response.status_code == 200
    assert "1 file has been uploaded as a draft" in text(response)
    token = offer_tokens(response)[0]
    chosen = choose(web, world, token, "both")
    assert chosen.status_code == 302
    kept = docs.all_documents()[-1]
    assert chosen.headers["Location"] == f"/c/{world.community.slug}/docs/{kept.id}"
    assert (kept.title, kept.description, kept.tags) == ("Rolling schedule copy", "Kept for the copy", "rota")
    assert docs.versions(kept)[0].sha256 == docs.versions(world.document)[0].sha256
    count = len(docs.all_documents())
    for choice in ("both", "version"):
        assert choose(web, world, token, choice).status_code == 302
    assert len(docs.all_documents()) == count
    assert docs.fresh(world.document).head_number == 1


def test_a_changed_offer_is_refused_and_someone_elses_is_not_found(web, login, world, docs):
    login(world.member)
    token = offer_tokens(upload(web, world.community, [(SCHEDULE, "schedule.txt")]))[0]
    forged = choose(web, world, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), "both")
    assert forged.status_code == 302
    assert "That choice has lapsed or could not be read" in text(web.get(forged.headers["Location"]))
    login(world.moderator)
    assert choose(web, world, token, "both").status_code == 404
    assert len(docs.all_documents()) == 1


def test_the_upload_script_is_told_of_a_file_already_here(web, login, world, docs):
    login(world.member)
    response = upload(
        web, world.community, [(SCHEDULE, "schedule.txt")], headers={"Accept": "application/json"}
    )
    assert response.status_code == 409
    body = response.get_json()
    assert body["duplicate"]["title"] == "Rolling schedule"
    assert body["duplicate"]["url"] == f"/c/{world.community.slug}/docs/{world.document.id}"
    assert body["duplicate"]["action"] == f"/c/{world.community.slug}/docs/upload/already-here"
    assert choose(web, world, body["duplicate"]["offer"], "version").status_code == 302
    assert docs.fresh(world.document).head_number == 2


def test_a_refused_choice_keeps_the_database_as_it_was(web, login, world, docs, make):
    """Someone else uploads a version between the offer and the choice: refused, nothing changed."""
    login(world.member)
    token = offer_tokens(upload(web, world.community, [(SCHEDULE, "schedule.txt")]))[0]
    docs.version(world.document, world.moderator, b"Shift pattern, March added.\n")
    before = (len(docs.all_documents()), docs.stored_files())
    refused = choose(web, world, token, "version")
    assert refused.status_code == 302
    assert "Someone uploaded version 2 while you were working" in text(web.get(refused.headers["Location"]))
    assert (len(docs.all_documents()), docs.stored_files()) == before
    assert docs.fresh(world.document).head_number == 2


def test_documents_in_the_bin_are_not_offered(web, login, world, docs, session):
    from polka.docs import bin as docs_bin
    from tests.docs.conftest import writing

    with writing(session):
        docs_bin.delete_document(
            session, session.merge(world.member), session.get(Document, world.document.id)
        )
    login(world.member)
    assert upload(web, world.community, [(SCHEDULE, "schedule.txt")]).status_code == 302
