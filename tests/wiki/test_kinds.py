"""The wiki page kind: one name, and a resolver that shows each user what they may see now."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.content.kinds import kind_named, kind_of, resolve, resolve_all
from polka.markings import Marking
from polka.wiki.models import WikiPage


def test_a_page_resolves_with_its_current_title_and_address(app, session, make, wiki):
    community = make.community("Neighbourhood Policing", visibility=Visibility.RESTRICTED)
    page = wiki.page(community, "Problem solving")
    member = make.member(community, role=Role.MEMBER)
    outsider = make.user("Outsider")
    with app.test_request_context():
        shown = resolve(session, member, "wiki.page", page.id)
        assert shown is not None
        assert (shown.title, shown.label, shown.community_name) == (
            "Problem solving",
            "Wiki page",
            community.name,
        )
        assert shown.url == f"/c/{community.slug}/wiki/{page.slug}"
        assert resolve(session, outsider, "wiki.page", page.id) is None
        assert resolve_all(session, member, [("wiki.page", page.id), ("no.such", 1)]) == {
            ("wiki.page", page.id): shown
        }


def test_a_sensitive_page_is_only_for_its_own_members(app, session, make, wiki):
    community = make.community("Open Group", visibility=Visibility.OPEN, ceiling=Marking.OFFICIAL_SENSITIVE)
    page = wiki.page(community, "Tasking", marking=Marking.OFFICIAL_SENSITIVE)
    with app.test_request_context():
        assert resolve(session, make.user("Reader"), "wiki.page", page.id) is None
        assert resolve(session, make.member(community, role=Role.READER), "wiki.page", page.id) is not None


def test_the_kind_is_found_by_name_and_by_model(app):
    kind = kind_named("wiki.page")
    assert kind is not None
    assert kind_of(WikiPage) is kind
    assert kind.label == "Wiki page"
