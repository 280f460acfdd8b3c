"""Recent changes in a community's wiki, as a page and as an Atom feed: what each shows, and that
both show only what the signed-in user may see (OFFICIAL-SENSITIVE text never goes in the feed)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from tests.feeds.conftest import assert_rfc4287, feed_link, parsed, reveal
from tests.support import text

ATOM = "{http://www.w3.org/2005/Atom}"
SENSITIVE_TITLE = "An OFFICIAL-SENSITIVE page was changed – open POLKA to read it"
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def changes_url(community):
    return f"/c/{community.slug}/wiki/changes"


def feed_url(community):
    return f"/c/{community.slug}/wiki/changes.atom"


def parse(response):
    """The feed as XML (parsing fails if it is not well-formed)."""
    return ET.fromstring(response.get_data())  # noqa: S314  (POLKA's own output, in a test)


def feed(web, community):
    response = web.get(feed_url(community))
    assert response.status_code == 200
    return parse(response)


def entries(root):
    return {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}


@pytest.fixture
def sensitive(world, wiki):
    """An OFFICIAL-SENSITIVE page in the world's open community."""
    return wiki.page(
        world.community,
        "Covert sources",
        "Handler is DC Smith.\n",
        marking=Marking.OFFICIAL_SENSITIVE,
        author=world.moderator,
        summary="Handler details",
    )


# The page ---------------------------------------------------------------------------------------


def test_recent_changes_lists_each_change_with_its_page_author_summary_and_size(web, login, world, wiki):
    wiki.edit(world.page, world.member, "# PNC manual\n\nIntro.\n", summary="Shorter")
    login(world.reader)
    response = web.get(changes_url(world.community))
    assert response.status_code == 200
    shown = text(response)
    assert "PNC manual PNC manual, revision 2 Mel Member Shorter −" in shown
    assert "PNC manual PNC manual, revision 1 Moe Moderator No summary +" in shown
    body = response.get_data(as_text=True)
    page = f"/c/{world.community.slug}/wiki/pnc-manual"
    assert f'href="{page}"' in body
    assert f'href="{page}/revisions/2"' in body
    assert f'href="{page}/diff?to=2"' in body


def test_recent_changes_offers_the_atom_feed_in_the_page_and_its_head(web, login, world):
    login(world.member)
    body = web.get(changes_url(world.community)).get_data(as_text=True)
    head = body.split("</head>")[0]
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Recent changes – PNC Operators wiki" href="{feed_url(world.community)}">'
        in head
    )
    assert f'href="{feed_url(world.community)}">Atom feed' in body


def test_recent_changes_tags_an_official_sensitive_page_for_members(web, login, world, sensitive):
    login(world.reader)
    shown = text(web.get(changes_url(world.community)))
    assert "Covert sources OFFICIAL-SENSITIVE" in shown
    assert shown.count("OFFICIAL-SENSITIVE") >= 3  # the list is marked as its most sensitive page


def test_recent_changes_leave_out_official_sensitive_pages_for_non_members(web, login, world, sensitive):
    login.as_new_user()
    response = web.get(changes_url(world.community))
    assert response.status_code == 200
    shown = text(response)
    assert "PNC manual" in shown
    assert "Covert sources" not in shown
    assert "OFFICIAL-SENSITIVE –" not in shown  # no need-to-know banner either


def test_recent_changes_page_fifty_at_a_time(web, login, world, wiki):
    for n in range(2, 52):
        wiki.edit(world.page, world.member, f"Version {n}\n")
    login(world.member)
    first = text(web.get(changes_url(world.community)))
    assert "revision 51 " in first
    assert "revision 2 " in first
    assert "revision 1 " not in first
    second = text(web.get(changes_url(world.community) + "?page=2"))
    assert "revision 1 " in second
    assert "revision 2 " not in second


# The feed ---------------------------------------------------------------------------------------


def test_feed_is_atom_with_an_entry_for_each_change(web, login, world, wiki):
    wiki.edit(world.page, world.member, "# PNC manual\n\nNew intro.\n", summary="Rewrote intro")
    login(world.member)
    response = web.get(feed_url(world.community))
    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = parse(response)
    assert root.tag == f"{ATOM}feed"
    assert RFC3339.fullmatch(root.findtext(f"{ATOM}updated") or "")
    found = entries(root)
    assert set(found) == {"PNC manual – revision 1", "PNC manual – revision 2"}
    entry = found["PNC manual – revision 2"]
    assert entry.findtext(f"{ATOM}id", "").startswith("tag:localhost,")
    assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated") or "")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Mel Member"
    assert entry.findtext(f"{ATOM}summary") == "Rewrote intro"
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"http://localhost/c/{world.community.slug}/wiki/pnc-manual/revisions/2"


def test_feed_carries_the_rendered_text_of_official_pages(web, login, world):
    login(world.member)
    entry = entries(feed(web, world.community))["PNC manual – revision 1"]
    content = entry.find(f"{ATOM}content")
    assert content is not None
    assert content.get("type") == "html"
    assert "<p>Run the checks.</p>" in (content.text or "")


def test_feed_never_carries_official_sensitive_text_even_for_members(web, login, world, sensitive):
    login(world.member)
    response = web.get(feed_url(world.community))
    assert "DC Smith" not in response.get_data(as_text=True)
    assert "Handler details" not in response.get_data(as_text=True)
    entry = entries(parse(response))[SENSITIVE_TITLE]
    assert entry.find(f"{ATOM}content") is None
    assert entry.findtext(f"{ATOM}summary") == "OFFICIAL-SENSITIVE: sign in to POLKA to read this page."


def test_feed_never_carries_an_official_sensitive_title_or_an_address_naming_it(web, login, world, sensitive):
    login(world.member)
    response = web.get(feed_url(world.community))
    raw = response.get_data(as_text=True)
    assert "Covert sources" not in raw
    assert "covert-sources" not in raw  # a wiki page's address is its title
    entry = entries(parse(response))[SENSITIVE_TITLE]
    assert entry.find(f"{ATOM}category").get("term") == "OFFICIAL-SENSITIVE"
    link = entry.find(f"{ATOM}link")
    assert link is not None
    assert link.get("href") == f"http://localhost{changes_url(world.community)}"


def test_feed_leaves_out_official_sensitive_pages_for_non_members(web, login, world, sensitive):
    login.as_new_user()
    found = entries(feed(web, world.community))
    assert "PNC manual – revision 1" in found
    assert "Covert sources – revision 1" not in found


def test_feed_escapes_titles_and_text_and_stays_well_formed(web, login, world, wiki):
    title = "Fish & chips <script>alert(1)</script> ]]>"
    wiki.page(
        world.community,
        title,
        "Body with <b>tags</b> & ]]> too.\n",
        author=world.moderator,
        summary="<i>sum</i> ]]>",
    )
    login(world.member)
    response = web.get(feed_url(world.community))
    raw = response.get_data(as_text=True)
    assert "<script>" not in raw
    assert "<i>" not in raw
    entry = entries(parse(response))[f"{title} – revision 1"]
    assert entry.findtext(f"{ATOM}summary") == "<i>sum</i> ]]>"
    assert "<b>" not in (entry.findtext(f"{ATOM}content") or "")  # raw HTML in Markdown is escaped too


def test_feed_needs_a_signed_in_user(web, world):
    response = web.get(feed_url(world.community))
    assert response.status_code in (302, 401)
    assert b"<feed" not in response.get_data()


# Who may see any of it --------------------------------------------------------------------------


@pytest.fixture
def hidden(make, wiki):
    manager = make.user("Hana Manager", two_factor=True)
    community = make.community("Hidden Unit", visibility=Visibility.PRIVATE, managers=[manager])
    member = make.member(community, make.user("In Sider"), Role.READER)
    wiki.page(community, "Surveillance log", "First.\n", author=manager)
    return community, member


def test_recent_changes_and_feed_of_a_private_community_are_404_to_an_outsider(web, login, hidden):
    community, _member = hidden
    login.as_new_user()
    assert web.get(changes_url(community)).status_code == 404
    assert web.get(feed_url(community)).status_code == 404


def test_recent_changes_and_feed_of_a_private_community_answer_its_members(web, login, hidden):
    community, member = hidden
    login(member)
    assert "Surveillance log" in text(web.get(changes_url(community)))
    assert "Surveillance log – revision 1" in entries(feed(web, community))


# Valid Atom, and read by a feed reader with its owner's key --------------------------------------


def test_feed_is_valid_atom(web, login, world, sensitive):
    login(world.member)
    result = parsed(web.get(feed_url(world.community)))
    assert_rfc4287(result)
    assert {entry.title for entry in result.entries} == {"PNC manual – revision 1", SENSITIVE_TITLE}


def test_a_feed_reader_reads_the_changes_with_its_owners_key(app, web, login, world):
    login(world.member)
    key = reveal(web)
    feed_reader = app.test_client(use_cookies=False)
    result = parsed(feed_reader.get(f"{feed_url(world.community)}?key={key}"))
    assert [entry.title for entry in result.entries] == ["PNC manual – revision 1"]
    self_link = feed_link(result, "self")
    assert self_link == f"http://localhost{feed_url(world.community)}?key={key}"


def test_a_key_reads_a_private_communitys_feed_only_for_its_members(app, web, login, hidden):
    community, member = hidden
    feed_reader = app.test_client(use_cookies=False)
    login(member)
    inside = feed_reader.get(f"{feed_url(community)}?key={reveal(web)}")
    login.as_new_user()
    outside = feed_reader.get(f"{feed_url(community)}?key={reveal(web)}")
    assert "Surveillance log – revision 1" in [entry.title for entry in parsed(inside).entries]
    assert outside.status_code == 404
    assert b"Surveillance" not in outside.get_data()


def test_a_wrong_key_on_the_feed_is_an_empty_404(app, world):
    feed_reader = app.test_client(use_cookies=False)
    response = feed_reader.get(f"{feed_url(world.community)}?key=0123456789abcdef.{'C' * 43}")
    assert response.status_code == 404
    assert response.get_data() == b""
