"""Search indexes the text people read (issue 14): a page's words as its rendering shows them, so
inline markup does not split a word, and neither link targets nor Markdown syntax become words."""

from __future__ import annotations

import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from polka.db import transaction
from polka.markup import plain_text
from polka.wiki.models import WikiRendering, WikiRevision
from tests.conftest import Login
from tests.site_search.conftest import Search, WikiFactory, titles
from tests.support import Web, text
from tests.wiki.conftest import WikiWorld

SARA = (
    "# Problem solving with SARA\n\n"
    "The **S**canning step comes first, then *A*nalysis.\n\n"
    "- Response\n- Assessment\n\n"
    "Read [the national guidance](https://guidance.example/zebrafish) and the [[Rota|duty list]].\n"
)


def test_a_word_bold_inside_itself_is_found_and_shown_whole(
    web: Web, login: Login, world: WikiWorld, wiki: WikiFactory
) -> None:
    wiki.page(world.community, "SARA", SARA, author=world.moderator)
    login(world.member)
    response = web.get("/search?q=scanning")
    page = response.get_data(as_text=True)

    assert "1 result for ‘scanning’" in text(response)
    assert re.search(r"<mark>Scanning</mark>", page), "the snippet shows the word whole and marked"
    assert "S canning" not in text(response)


def test_link_targets_and_markdown_syntax_are_not_words_of_the_page(
    search: Search, world: WikiWorld, wiki: WikiFactory
) -> None:
    wiki.page(world.community, "SARA", SARA, author=world.moderator)

    assert titles(search(world.member, "analysis")) == ["SARA"]
    assert titles(search(world.member, "guidance")) == ["SARA"]
    assert titles(search(world.member, '"duty list"')) == ["SARA"]
    assert titles(search(world.member, "zebrafish")) == []  # only in the link's address
    assert titles(search(world.member, "rota")) == []  # the linked page's name, not shown as written


def test_blocks_still_part_words(search: Search, world: WikiWorld, wiki: WikiFactory) -> None:
    wiki.page(world.community, "SARA", SARA, author=world.moderator)

    assert titles(search(world.member, '"response assessment"')) == ["SARA"]  # two list items
    assert titles(search(world.member, "responseassessment")) == []


def test_a_page_without_a_kept_rendering_is_indexed_from_its_rendered_text(
    app, session: Session, search: Search, world: WikiWorld, wiki: WikiFactory
) -> None:
    page = wiki.page(world.community, "SARA", SARA, author=world.moderator)
    with transaction(session):
        revisions = select(WikiRevision.id).where(WikiRevision.page_id == page.id)
        session.execute(delete(WikiRendering).where(WikiRendering.revision_id.in_(revisions)))
    app.extensions["polka.search"].rebuild()

    assert titles(search(world.member, "scanning")) == ["SARA"]
    assert titles(search(world.member, "zebrafish")) == []


def test_plain_text_joins_inline_markup_and_parts_blocks() -> None:
    rendered = '<h2 id="a">Pre<em>fix</em></h2><p>One<br>two <a href="/x">three</a>&amp;four</p><ul><li>a</li><li>b</li></ul>'
    assert plain_text(rendered) == "Prefix One two three&four a b"
