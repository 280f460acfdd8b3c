"""The people directory, profiles and editing your profile, over HTTP."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.accounts.models import AccountStatus
from polka.communities.models import Role, Visibility
from polka.db import transaction
from polka.organisations.models import Organisation
from polka.people.services import ProfileChanges, update_profile
from tests.support import text


def see_commits(session):
    """End the test session's transaction and forget what it loaded, to see the requests' commits."""
    session.rollback()
    session.expire_all()


def org_id(session, slug):
    return session.scalar(select(Organisation.id).where(Organisation.slug == slug))


@pytest.fixture
def sandra(make, session):
    user = make.user("Sandra Okafor", email="sandra@met.police.uk")
    with transaction(session):
        update_profile(
            session,
            user,
            ProfileChanges(
                job_title="PNC user group chair",
                phone="020 7230 1212",
                ask_me_about="Running a national user group",
                bio="I chair the **national** PNC user group.",
                expertise="PNC, Data quality",
                organisation_id=org_id(session, "metropolitan-police"),
            ),
        )
    return user


# The directory -----------------------------------------------------------------------------------


def test_directory_needs_sign_in(web):
    response = web.get("/people/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_directory_shows_name_job_title_organisation_region_and_tags(web, login, sandra):
    login.as_new_user(name="Viewer")
    page = text(web.get("/people/"))
    assert "Sandra Okafor" in page
    assert "PNC user group chair" in page
    assert "Metropolitan Police Service · London" in page
    assert "Data quality" in page


def test_directory_search_by_expertise(web, login, sandra, make):
    make.user("Gareth Hughes", email="gareth@gmp.police.uk")
    login.as_new_user(name="Viewer")
    response = web.get("/people/?expertise=data+quality")
    assert response.status_code == 200
    assert "Sandra Okafor" in text(response)
    assert "Gareth Hughes" not in text(response)


def test_directory_search_by_region(web, login, sandra, make, session):
    make.user("Gareth Hughes", email="gareth@gmp.police.uk")
    login.as_new_user(name="Viewer", email="viewer@kent.police.uk")
    page = text(web.get("/people/?region=North+West"))
    assert "Gareth Hughes" in page
    assert "Sandra Okafor" not in page


def test_directory_search_by_organisation(web, login, sandra, make, session):
    make.user("Gareth Hughes", email="gareth@gmp.police.uk")
    login.as_new_user(name="Viewer", email="viewer@kent.police.uk")
    page = text(web.get(f"/people/?organisation={org_id(session, 'metropolitan-police')}"))
    assert "Sandra Okafor" in page
    assert "Gareth Hughes" not in page


def test_directory_search_with_no_match_says_what_to_try(web, login, sandra):
    login.as_new_user()
    page = text(web.get("/people/?name=nobody-called-this"))
    assert "No one matches that search" in page


def test_directory_leaves_out_suspended_people(web, login, sandra, session):
    with transaction(session):
        sandra.status = AccountStatus.SUSPENDED
    login.as_new_user()
    assert "Sandra Okafor" not in text(web.get("/people/"))


def test_directory_pages_through_results(web, login, make):
    for n in range(25):
        make.user(f"Person {n:02d}")
    login.as_new_user(name="Zara Viewer")
    first = text(web.get("/people/?name=person"))
    assert "25 people match your search" in first
    assert "Person 19" in first
    assert "Person 20" not in first
    second = web.get("/people/?name=person&page=2")
    assert "Person 24" in text(second)
    assert "Person 00" not in text(second)


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_directory_ignores_a_nonsense_page_number(web, login, page):
    login.as_new_user()
    assert web.get(f"/people/?page={page}").status_code == 200


@pytest.mark.parametrize(
    "query",
    ["name=nul%00byte", "q=" + "x" * 201, "organisation=999999", "region=Atlantis", "expertise=%01"],
)
def test_directory_bad_search_is_a_clear_error(web, login, query):
    login.as_new_user()
    response = web.get(f"/people/?{query}")
    assert response.status_code == 400
    assert "There is a problem" in text(response)


# Profiles ----------------------------------------------------------------------------------------


def test_profile_shows_the_person(web, login, sandra):
    login.as_new_user()
    response = web.get(f"/people/{sandra.id}")
    page = text(response)
    assert response.status_code == 200
    for expected in (
        "Sandra Okafor",
        "Metropolitan Police Service",
        "London",
        "PNC user group chair",
        "Data quality",
        "Running a national user group",
        "sandra@met.police.uk",
        "020 7230 1212",
    ):
        assert expected in page
    assert "<strong>national</strong>" in response.get_data(as_text=True)


def test_profile_bio_markdown_cannot_inject_html(web, login, sandra, session):
    with transaction(session):
        sandra.bio = "<script>alert(1)</script> [x](javascript:alert(1))"
    login.as_new_user()
    body = web.get(f"/people/{sandra.id}").get_data(as_text=True)
    assert "<script>alert" not in body
    assert 'href="javascript' not in body


@pytest.mark.parametrize("status", [AccountStatus.PENDING, AccountStatus.SUSPENDED, AccountStatus.REJECTED])
def test_profile_of_an_inactive_account_is_404(web, login, sandra, session, status):
    with transaction(session):
        sandra.status = status
    login.as_new_user()
    assert web.get(f"/people/{sandra.id}").status_code == 404


def test_profile_of_an_unknown_id_is_404(web, login):
    login.as_new_user()
    assert web.get("/people/999999").status_code == 404


@pytest.fixture
def communities(make, sandra):
    open_ = make.community("Neighbourhood Policing")
    private = make.community("Forensics Practitioners", visibility=Visibility.PRIVATE)
    restricted = make.community("PNC Operators", visibility=Visibility.RESTRICTED)
    for community in (open_, private, restricted):
        make.member(community, sandra, Role.MEMBER)
    return {"open": open_, "private": private, "restricted": restricted}


def test_profile_never_reveals_a_private_community_to_an_outsider(web, login, sandra, communities):
    login.as_new_user()
    page = text(web.get(f"/people/{sandra.id}"))
    assert "Neighbourhood Policing" in page
    assert "Forensics Practitioners" not in page
    assert "PNC Operators" not in page


def test_profile_shows_a_private_community_to_a_member_of_it(web, login, sandra, communities):
    login.as_member(communities["private"])
    page = text(web.get(f"/people/{sandra.id}"))
    assert "Forensics Practitioners" in page


def test_own_profile_links_to_edit(web, login, sandra):
    login(sandra)
    assert "Edit your profile" in text(web.get(f"/people/{sandra.id}"))


def test_someone_elses_profile_has_no_edit_link(web, login, sandra):
    login.as_new_user()
    assert "Edit your profile" not in text(web.get(f"/people/{sandra.id}"))


# Editing your profile ----------------------------------------------------------------------------


def test_edit_profile_form_shows_current_values(web, login, sandra):
    login(sandra)
    body = web.get("/people/me/edit").get_data(as_text=True)
    assert 'value="PNC user group chair"' in body
    assert 'value="Data quality, PNC"' in body


def test_edit_profile_saves_and_redirects_to_the_profile(web, login, sandra, session):
    login(sandra)
    response = web.post(
        "/people/me/edit",
        {
            "job_title": "Head of PNC",
            "organisation_id": str(org_id(session, "metropolitan-police")),
            "expertise": "PNC, pnc, Wanted and missing",
            "ask_me_about": "PNC audits",
            "phone": "+44 20 7230 1212",
            "bio": "Line one\n\nLine two",
        },
        token_from="/people/me/edit",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{sandra.id}"
    page = text(web.get(f"/people/{sandra.id}"))
    assert "Your profile has been saved" in page
    assert "Head of PNC" in page
    assert "Wanted and missing" in page


def test_edit_profile_changes_organisation(web, login, sandra, session):
    login(sandra)
    kent = org_id(session, "kent-police")
    web.post("/people/me/edit", {"organisation_id": str(kent)}, token_from="/people/me/edit")
    see_commits(session)
    assert sandra.organisation_id == kent


def test_edit_profile_with_an_overlong_field_keeps_what_was_typed(web, login, sandra):
    login(sandra)
    response = web.post(
        "/people/me/edit",
        {"job_title": "x" * 121, "ask_me_about": "Kept text"},
        token_from="/people/me/edit",
    )
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert 'value="Kept text"' in response.get_data(as_text=True)


def test_edit_profile_refuses_a_nul_byte(web, login, sandra):
    login(sandra)
    response = web.post("/people/me/edit", {"job_title": "nul\x00byte"}, token_from="/people/me/edit")
    assert response.status_code == 400
    assert "must not contain control characters" in text(response)


def test_edit_profile_refuses_too_many_tags_with_a_message(web, login, sandra):
    login(sandra)
    tags = ", ".join(f"tag{n}" for n in range(21))
    response = web.post("/people/me/edit", {"expertise": tags}, token_from="/people/me/edit")
    assert response.status_code == 400
    assert "Enter 20 tags or fewer" in text(response)
    assert tags in response.get_data(as_text=True)


def test_edit_profile_refuses_an_unknown_organisation(web, login, sandra):
    login(sandra)
    response = web.post("/people/me/edit", {"organisation_id": "999999"}, token_from="/people/me/edit")
    assert response.status_code == 400


def test_edit_profile_refuses_invalid_utf8_without_a_server_error(web, login, sandra):
    login(sandra)
    token = web.token("/people/me/edit")
    body = b"csrf_token=" + token.encode() + b"&job_title=\xff\xfe&bio=\xc3\x28"
    response = web.client.post("/people/me/edit", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500


def test_edit_profile_without_csrf_token_is_refused(web, login, sandra):
    login(sandra)
    response = web.client.post("/people/me/edit", data={"job_title": "No token"})
    assert response.status_code == 400
