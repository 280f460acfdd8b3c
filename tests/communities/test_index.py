"""The communities index: what each user may see, search, filters, counts and pages."""

from __future__ import annotations

from polka.communities.models import Role, Visibility
from polka.communities.services import create_community
from polka.db import transaction
from tests.support import text


def test_index_lists_open_and_restricted_communities_but_not_a_private_one(web, login, make):
    make.community("Open Door", visibility=Visibility.OPEN)
    make.community("Roped Off", visibility=Visibility.RESTRICTED)
    make.community("Hidden Unit", visibility=Visibility.PRIVATE)
    login.as_new_user()
    page = text(web.get("/c/"))
    assert "Open Door" in page
    assert "Roped Off" in page
    assert "Hidden Unit" not in page
    assert "2 communities" in page


def test_index_lists_a_private_community_to_its_member(web, login, make):
    make.community("Open Door")
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE)
    login.as_member(hidden)
    page = text(web.get("/c/"))
    assert "Hidden Unit" in page
    assert "2 communities" in page


def test_index_opened_in_turn_by_a_member_and_an_outsider_shows_each_their_own(web, login, make):
    make.community("Open Door", region="London")
    hidden = make.community("Hidden Unit", visibility=Visibility.PRIVATE, region="London")
    member, outsider = make.member(hidden), make.user()
    seen = []
    for user in (member, outsider, member):
        login(user)
        page = text(web.get("/c/?mine=1" if user is member else "/c/?region=London"))
        seen.append(("Hidden Unit" in page, "Open Door" in page))
    assert seen == [(True, False), (False, True), (True, False)]


def test_region_counts_leave_out_private_communities_of_others(web, login, make):
    make.community("Open London", region="London")
    make.community("Hidden London", visibility=Visibility.PRIVATE, region="London")
    login.as_new_user()
    body = web.get("/c/").get_data(as_text=True)
    assert "London (1)" in body
    assert "London (2)" not in body


def test_search_matches_name_and_summary_case_insensitively(web, login, make):
    make.community("PNC Operators", summary="Police National Computer")
    make.community("Digital Engagement", summary="Social media and the public")
    make.community("Neighbourhood Policing")
    login.as_new_user()
    by_name = text(web.get("/c/?q=pnc"))
    by_summary = text(web.get("/c/?q=SOCIAL+MEDIA"))
    assert "PNC Operators" in by_name
    assert "Digital Engagement" not in by_name
    assert "Digital Engagement" in by_summary
    assert "PNC Operators" not in by_summary


def test_search_treats_like_wildcards_as_plain_text(web, login, make):
    make.community("Ordinary Group")
    login.as_new_user()
    assert "No communities match" in text(web.get("/c/?q=%25"))
    assert "No communities match" in text(web.get("/c/?q=_"))


def test_search_finds_an_underscore_as_typed(web, login, make):
    make.community("Data_Sharing")
    make.community("Data Sharing Forum")
    login.as_new_user()
    page = text(web.get("/c/?q=a_s"))
    assert "1 community" in page
    assert "Data_Sharing" in page
    assert "Data Sharing Forum" not in page


def test_search_never_finds_a_private_community_of_others(web, login, make):
    make.community("Forensics Practitioners", visibility=Visibility.PRIVATE)
    login.as_new_user()
    page = text(web.get("/c/?q=forensics"))
    assert "Forensics Practitioners" not in page
    assert "0 communities" in page


def test_filter_by_region(web, login, make):
    make.community("Wales Group", region="Wales")
    make.community("London Group", region="London")
    login.as_new_user()
    page = text(web.get("/c/?region=Wales"))
    assert "Wales Group" in page
    assert "London Group" not in page


def test_filter_mine_shows_only_my_communities_with_role_tags(web, login, make):
    mine = make.community("Mine")
    managed = make.community("Managed")
    make.community("Not Mine")
    user = login.as_member(mine)
    make.member(managed, user, Role.MANAGER)
    page = text(web.get("/c/?mine=1"))
    assert "Not Mine" not in page
    assert "Mine Open Member" in page
    assert "Managed Open Manager" in page


def test_each_row_shows_summary_visibility_members_and_region(web, login, make):
    community = make.community(
        "Roped Off", visibility=Visibility.RESTRICTED, region="Wales", summary="Wales only"
    )
    make.member(community)
    make.member(community)
    login.as_new_user()
    page = text(web.get("/c/"))
    assert "Roped Off Wales only Restricted 2 members · Wales" in page


def test_more_than_fifty_communities_are_paginated(web, login, make, session):
    with transaction(session):
        for n in range(55):
            create_community(session, None, name=f"Group {n:02d}")
    login.as_new_user()
    first = text(web.get("/c/"))
    second = text(web.get("/c/?page=2"))
    assert "55 communities" in first
    assert "Group 49" in first
    assert "Group 50" not in first
    assert "Group 50" in second
    assert "Group 54" in second
    assert "Group 00" not in second
    assert "Next page" in first


def test_the_page_links_keep_the_search(web, login, session):
    with transaction(session):
        for n in range(55):
            create_community(session, None, name=f"Group {n:02d}")
    login.as_new_user()
    body = web.get("/c/?q=group").get_data(as_text=True)
    assert 'href="/c/?q=group&amp;page=2"' in body


def test_a_page_beyond_the_last_shows_the_last_page(web, login, make):
    make.community("Only One")
    login.as_new_user()
    response = web.get("/c/?page=999")
    assert response.status_code == 200
    assert "Only One" in text(response)


def test_an_over_long_search_is_a_clear_error(web, login):
    login.as_new_user()
    response = web.get("/c/?q=" + "a" * 500)
    assert response.status_code == 400
    assert "Search must be 120 characters or fewer" in text(response)
    assert 'value="' + "a" * 500 in response.get_data(as_text=True)


def test_a_nul_byte_or_unknown_region_in_the_search_is_a_clear_error(web, login):
    login.as_new_user()
    assert web.get("/c/?q=a%00b").status_code == 400
    assert web.get("/c/?region=Atlantis").status_code == 400
    assert web.get("/c/?page=banana").status_code == 400
