"""The clash page keeps every field the saver typed: the text, the summary and the marking; and a
marking they left alone follows the page's, so saving again undoes nobody's re-marking."""

from __future__ import annotations

import re

from polka.db import transaction
from polka.markings import Marking
from polka.wiki import services
from tests.support import text
from tests.wiki.test_page_views import edit_form, url


def checked_marking(html: str) -> str:
    found = re.search(r'name="marking" type="radio" value="([^"]+)" checked', html)
    assert found, "no marking chosen on the page"
    return found.group(1)


def clash(web, world, wiki, **typed):
    wiki.edit(world.page, world.moderator, "Someone else's version\n")
    return web.post(
        url(world, "pnc-manual/edit"),
        edit_form("My version of the page", 1, **typed),
        token_from=url(world, "pnc-manual/edit"),
    )


def test_the_clash_page_keeps_the_summary_and_the_marking_chosen(web, login, world, wiki):
    login(world.member)
    response = clash(web, world, wiki, summary="Added the checklist", marking="OFFICIAL-SENSITIVE")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "My version of the page" in html
    assert 'id="summary" name="summary" type="text" value="Added the checklist"' in html
    assert checked_marking(html) == "OFFICIAL-SENSITIVE"


def test_a_marking_left_alone_follows_a_re_marking_made_meanwhile(web, login, session, world, wiki):
    with transaction(session):
        page = wiki.fresh(world.page)
        services.save_edit(
            session,
            session.merge(world.moderator),
            page,
            services.Edit(
                "Someone else's version\n",
                "Re-marked",
                Marking.OFFICIAL_SENSITIVE,
                base_number=1,
                base_marking=Marking.OFFICIAL,
            ),
        )
    login(world.member)
    response = web.post(
        url(world, "pnc-manual/edit"),
        edit_form("My version of the page", 1, summary="Mine"),
        token_from=url(world, "pnc-manual/edit"),
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The page is now marked OFFICIAL-SENSITIVE." in text(response)
    assert checked_marking(html) == "OFFICIAL-SENSITIVE"
    # Saving again from the clash page, as shown, keeps the page's marking.
    fields = {
        "body": "My version of the page",
        "summary": "Mine",
        "marking": checked_marking(html),
        "base": "2",
        "base_marking": re.search(r'name="base_marking" type="hidden" value="([^"]+)"', html).group(1),
        "action": "save",
    }
    saved = web.post(url(world, "pnc-manual/edit"), fields, token_from=url(world, "pnc-manual/edit"))
    assert saved.status_code == 302
    assert wiki.fresh(world.page).marking is Marking.OFFICIAL_SENSITIVE
