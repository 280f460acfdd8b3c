"""Saves racing each other, on SQLite and PostgreSQL: numbers stay unique and gap-free, exactly one
of several clashing saves wins, the others get the conflict page with their text, nothing is lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from polka.db import transaction
from polka.wiki import services
from polka.wiki.services import Edit, EditConflict
from tests.conftest import Login
from tests.support import Web, csrf_from

WRITERS = 6
LINES = "".join(f"Line {n}.\n\n" for n in range(WRITERS))


def test_clashing_saves_from_the_same_base_one_wins_and_the_others_get_their_text_back(
    app, make, world, wiki
):
    writers = [make.member(world.community, make.user(f"Writer {n}")) for n in range(WRITERS)]
    url = f"/c/{world.community.slug}/wiki/{world.page.slug}/edit"
    clients = []
    for writer in writers:
        web = Web(app.test_client())
        Login(web, make)(writer)
        clients.append((web, csrf_from(web.get(url).get_data(as_text=True))))
    start = threading.Barrier(WRITERS)

    def save(n: int) -> tuple[int, str]:
        web, token = clients[n]
        start.wait()
        response = web.client.post(
            url,
            data={
                "csrf_token": token,
                "body": f"Everything rewritten by writer {n}.\n",
                "summary": f"Rewrite {n}",
                "marking": "OFFICIAL",
                "base": "1",
                "base_marking": "OFFICIAL",
                "action": "save",
            },
        )
        return response.status_code, response.get_data(as_text=True)

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(save, range(WRITERS)))

    statuses = sorted(status for status, _ in results)
    assert statuses == [302] + [409] * (WRITERS - 1)
    for n, (status, html) in enumerate(results):
        if status == 409:
            assert f"Everything rewritten by writer {n}." in html  # their text, kept in the editor
            assert "clashes with a newer change" in html
    page = wiki.fresh(world.page)
    assert page.head_number == 2
    assert [r.number for r in wiki.revisions(page)] == [1, 2]


def test_concurrent_saves_of_different_lines_all_land_with_gap_free_numbers(app, session, make, world, wiki):
    wiki.edit(world.page, world.moderator, LINES)
    writers = [make.member(world.community, make.user(f"Writer {n}")) for n in range(WRITERS)]
    factory = app.extensions["polka.sessions"]
    start = threading.Barrier(WRITERS)

    def save(n: int) -> str:
        own = factory()
        try:
            start.wait()
            with transaction(own):
                page = own.merge(world.page)
                own.refresh(page)
                body = LINES.replace(f"Line {n}.", f"Line {n}, edited by writer {n}.")
                services.save_edit(own, own.merge(writers[n]), page, Edit(body=body, base_number=2))
            return "saved"
        except EditConflict:
            return "conflict"
        finally:
            own.close()

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(save, range(WRITERS)))

    assert outcomes == ["saved"] * WRITERS
    page = wiki.fresh(world.page)
    assert sorted(r.number for r in wiki.revisions(page)) == list(range(1, WRITERS + 3))
    final = services.current_revision(session, page).body
    for n in range(WRITERS):
        assert f"Line {n}, edited by writer {n}." in final
