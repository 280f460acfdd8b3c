"""A community's home page: what it shows, to whom, and which buttons."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.markings import Marking
from tests.support import text


def test_home_shows_name_tags_description_managers_and_members_count(web, login, make):
    manager = make.user("Mia Manager")
    community = make.community(
        "PNC Operators",
        visibility=Visibility.OPEN,
        ceiling=Marking.OFFICIAL_SENSITIVE,
        managers=[manager],
        description="We run **the PNC**.",
    )
    make.member(community)
    login.as_new_user()
    response = web.get(f"/c/{community.slug}/")
    page = text(response)
    assert response.status_code == 200
    assert "PNC Operators" in page
    assert "Open" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert "<strong>the PNC</strong>" in response.get_data(as_text=True)
    assert "Mia Manager" in page
    assert "2 members" in page


def test_description_markdown_cannot_inject_script(web, login, make):
    community = make.community("Safe", description="<script>alert(1)</script> [x](javascript:alert(1))")
    login.as_new_user()
    body = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert "<script>alert(1)" not in body
    assert 'href="javascript' not in body


def test_home_links_the_parent_and_lists_only_visible_sub_communities(web, login, make):
    parent = make.community("PNC Operators")
    make.community("PNC North West", parent=parent, visibility=Visibility.RESTRICTED)
    make.community("PNC Secret Squirrels", parent=parent, visibility=Visibility.PRIVATE)
    child = make.community("PNC Wales", parent=parent)
    login.as_new_user()
    page = text(web.get(f"/c/{parent.slug}/"))
    assert "PNC North West" in page
    assert "PNC Wales" in page
    assert "PNC Secret Squirrels" not in page
    assert "Part of PNC Operators" in text(web.get(f"/c/{child.slug}/"))


def test_a_private_parent_is_not_linked_for_an_outsider(web, login, make):
    parent = make.community("Hidden Parent", visibility=Visibility.PRIVATE)
    child = make.community("Open Child", parent=parent)
    login.as_new_user()
    page = text(web.get(f"/c/{child.slug}/"))
    assert "Hidden Parent" not in page


def test_recent_activity_shows_to_those_who_may_read(web, login, make, wiki):
    community = make.community("Restricted", visibility=Visibility.RESTRICTED)
    wiki.page(community, "Minutes of the March meeting")
    login.as_member(community)
    assert "Minutes of the March meeting" in text(web.get(f"/c/{community.slug}/"))


def test_recent_activity_is_hidden_from_a_non_member_of_a_restricted_community(web, login, make, wiki):
    community = make.community("Restricted", visibility=Visibility.RESTRICTED)
    wiki.page(community, "Minutes of the March meeting")
    login.as_new_user()
    page = text(web.get(f"/c/{community.slug}/"))
    assert "Minutes of the March meeting" not in page
    assert "Recent activity" not in page


def test_open_community_offers_join_to_a_non_member(web, login, make):
    community = make.community("Open")
    login.as_new_user()
    page = text(web.get(f"/c/{community.slug}/"))
    assert "Join this community" in page
    assert "Ask to join" not in page
    assert "Leave this community" not in page


def test_restricted_community_offers_a_request_with_a_message(web, login, make):
    community = make.community("Restricted", visibility=Visibility.RESTRICTED)
    login.as_new_user()
    page = text(web.get(f"/c/{community.slug}/"))
    assert "Ask to join" in page
    assert "Message to the managers (optional)" in page
    assert "Join this community" not in page


def test_a_member_is_offered_leave_and_no_join(web, login, make):
    community = make.community("Open")
    login.as_role(community, Role.READER)
    page = text(web.get(f"/c/{community.slug}/"))
    assert "Leave this community" in page
    assert "Join this community" not in page


def test_a_pending_request_is_shown_as_such(web, login, make):
    community = make.community("Restricted", visibility=Visibility.RESTRICTED, managers=[make.user()])
    login.as_new_user()
    web.post(f"/c/{community.slug}/request", {"message": "Hello"})
    page = text(web.get(f"/c/{community.slug}/"))
    assert "You asked to join on" in page
    assert "Withdraw your request" in page
    assert "Ask to join" not in page


def test_a_pending_request_and_following_are_shown_each_alone_and_together(web, login, make):
    community = make.community("Restricted", visibility=Visibility.RESTRICTED, managers=[make.user()])
    login.as_new_user()
    home = f"/c/{community.slug}/"
    steps = (
        ("follow", {"follow": "1"}, True, False),
        ("request", {"message": "Hello"}, True, True),
        ("follow", {"follow": "0"}, False, True),
    )
    for action, form, following, pending in steps:
        web.post(home + action, form)
        page = text(web.get(home))
        assert ("Stop following this community" in page) is following
        assert ("Follow this community" in page) is not following
        assert ("You asked to join on" in page) is pending


def test_manage_links_show_only_to_managers(web, login, make):
    community = make.community("Open")
    login.as_member(community)
    assert "Settings" not in text(web.get(f"/c/{community.slug}/"))
    login.as_manager(community)
    assert "Settings" in text(web.get(f"/c/{community.slug}/"))


def test_private_community_home_is_404_to_an_outsider_and_200_to_a_member(web, login, make):
    community = make.community("Hidden", visibility=Visibility.PRIVATE)
    member = make.member(community)
    login.as_new_user()
    assert web.get(f"/c/{community.slug}/").status_code == 404
    login(member)
    assert web.get(f"/c/{community.slug}/").status_code == 200


def test_unknown_community_is_404(web, login):
    login.as_new_user()
    assert web.get("/c/no-such-thing/").status_code == 404


def test_home_links_each_features_pages_from_the_manifest_for_readers_only(web, login, make):
    from flask import url_for

    from polka.features import FEATURES

    community = make.community("Restricted", visibility=Visibility.RESTRICTED)
    links = [feature.community_link for feature in FEATURES if feature.community_link is not None]
    assert [link.label for link in links] == [
        "Wiki",
        "Documents",
        "Forum",
        "Events",
        "Blog",
        "Question sessions",
    ]
    with web.client.application.test_request_context():
        addresses = [url_for(link.endpoint, slug=community.slug) for link in links]

    login.as_member(community)
    body = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    for link, address in zip(links, addresses, strict=True):
        assert (
            f'href="{address}">{link.label}<span class="govuk-visually-hidden"> of Restricted</span>' in body
        )
        assert f"– {link.description}" in body

    login.as_new_user()
    outsider = web.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert not any(address in outsider for address in addresses)
