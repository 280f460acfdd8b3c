"""The editor's hidden base revision as HTML allows it (the Nu HTML Checker refused ``min``, ``max``
and ``required`` on it)."""

from __future__ import annotations

import re

from tests.wiki.conftest import WikiWorld


def test_the_wiki_editors_base_revision_is_a_plain_hidden_input(web, login, world: WikiWorld):
    login(world.member)
    page = web.get(f"/c/{world.community.slug}/wiki/{world.page.slug}/edit").get_data(as_text=True)
    [base] = re.findall(r'<input[^>]*\bname="base"[^>]*>', page)
    assert 'type="hidden"' in base
    assert re.search(r'\bvalue="\d+"', base)
    for attribute in ("min", "max", "required", "step"):
        assert not re.search(rf"\s{attribute}(=|\s|>)", base), base
