"""Registration: who gets in directly, who waits for an administrator, and nothing revealed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from polka.accounts.models import AccountStatus, AccountToken, User
from polka.accounts.services import Registration, domain_allowed, find_user_by_email, register
from polka.accounts.tokens import MAX_PER_HOUR
from polka.db import transaction
from polka.errors import ValidationError
from polka.organisations.models import Organisation
from tests.accounts.conftest import fresh, registration
from tests.accounts.conftest import register as register_over_http
from tests.conftest import PASSWORD
from tests.support import text

# --- Rules at the service level -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("email", "allowed"),
    [
        ("a@police.uk", True),
        ("a@met.police.uk", True),
        ("a@pnn.police.uk", True),
        ("A@MET.POLICE.UK", True),
        ("a@evilpolice.uk", False),
        ("a@police.uk.evil.example", False),
        ("a@gmail.com", False),
        ("not-an-address", False),
    ],
)
def test_allowed_domains_match_on_a_dot_boundary(email, allowed):
    assert domain_allowed(email, ("police.uk",)) is allowed


def _register(session, hasher, conf, **fields):
    data = registration(**fields)
    form = Registration(
        name=data["name"],
        email=data["email"],
        password=data["password"],
        sponsor_email=data["sponsor_email"],
        reason=data["reason"],
    )
    with transaction(session):
        register(session, hasher, form, conf)
    return find_user_by_email(session, data["email"])


def test_a_police_address_is_pending_and_unverified_until_confirmed(session, hasher, conf):
    user = _register(session, hasher, conf)
    assert user.status is AccountStatus.PENDING
    assert user.email_verified_at is None
    assert not user.is_active_account


def test_the_password_is_stored_as_an_argon2id_hash(session, hasher, conf):
    user = _register(session, hasher, conf)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_the_organisation_is_suggested_from_the_email_domain(session, hasher, conf):
    user = _register(session, hasher, conf, email="sam@met.police.uk")
    assert user.organisation is not None
    assert "Metropolitan" in user.organisation.name


def test_an_outside_address_needs_a_sponsor_and_a_reason(session, hasher, conf):
    with pytest.raises(ValidationError) as raised:
        _register(session, hasher, conf, email="sam@example.org")
    assert set(raised.value.field_errors) == {"sponsor_email", "reason"}


def test_an_outside_address_with_sponsor_is_held_with_its_sponsor_and_reason(session, hasher, conf, make):
    sponsor = make.user()
    user = _register(
        session,
        hasher,
        conf,
        email="sam@example.org",
        sponsor_email=sponsor.email,
        reason="Forensic supplier",
    )
    assert user.status is AccountStatus.PENDING
    assert user.sponsor_email == sponsor.email
    assert user.registration_reason == "Forensic supplier"


def test_a_guessable_password_is_refused(session, hasher, conf):
    with pytest.raises(ValidationError) as raised:
        _register(session, hasher, conf, password="password1234")
    assert "password" in raised.value.field_errors


def test_a_short_password_is_refused(session, hasher, conf):
    with pytest.raises(ValidationError) as raised:
        _register(session, hasher, conf, password="Xk9#qT2!")
    assert "12 characters" in raised.value.field_errors["password"]


def test_a_long_passphrase_without_symbols_is_accepted(session, hasher, conf):
    user = _register(session, hasher, conf, password="the walrus keeps forty quiet lanterns in march")
    assert user is not None


def test_registering_an_existing_address_changes_nothing(session, hasher, conf, make):
    existing = make.user(email="taken@met.police.uk", name="Original Name")
    _register(
        session,
        hasher,
        conf,
        email="taken@met.police.uk",
        name="Someone Else",
        password="a-different-long-passphrase",
    )
    users = session.scalars(select(User).where(User.email == "taken@met.police.uk")).all()
    assert [u.id for u in users] == [existing.id]
    session.refresh(users[0])
    assert users[0].name == "Original Name"


# --- Over HTTP -------------------------------------------------------------------------------------


def test_registration_page_is_public(web):
    page = web.get("/register")
    assert page.status_code == 200
    assert "Register for POLKA" in text(page)


def test_registering_sends_a_verification_link(web, mailbox):
    response = register_over_http(web)
    assert response.status_code == 302
    assert response.headers["Location"] == "/register/check-your-email"
    [message] = mailbox.to("ada.lovelace@met.police.uk")
    assert "/verify/" in mailbox.body(message)


def test_only_the_hash_of_the_verification_token_is_stored(web, mailbox, session):
    register_over_http(web)
    link = mailbox.link(mailbox.to("ada.lovelace@met.police.uk")[0], "/verify/")
    token = link.rsplit("/", 1)[1]
    stored = fresh(session).scalars(select(AccountToken.token_hash)).all()
    assert stored
    assert token not in stored
    assert all(len(h) == 64 for h in stored)


def test_registering_an_existing_address_looks_the_same_and_warns_the_owner(web, make, mailbox):
    make.user(email="taken@met.police.uk")
    fresh = register_over_http(web, email="fresh@met.police.uk")
    taken = register_over_http(web, email="taken@met.police.uk")
    assert (taken.status_code, taken.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert text(web.get(taken.headers["Location"])) == text(web.get(fresh.headers["Location"]))
    [warning] = mailbox.to("taken@met.police.uk")
    assert "Someone tried to register" in warning["Subject"]
    body = mailbox.body(warning)
    assert "/login" in body
    assert "/reset" in body
    assert "/verify/" not in body


def test_repeated_registrations_with_a_taken_address_cannot_flood_its_owner(web, make, mailbox):
    make.user(email="taken@met.police.uk")
    answers = {register_over_http(web, email="taken@met.police.uk").headers["Location"] for _ in range(8)}
    assert len(answers) == 1
    warnings = mailbox.to("taken@met.police.uk")
    assert len(warnings) == MAX_PER_HOUR


def test_registering_again_before_verifying_sends_a_new_link(web, mailbox):
    register_over_http(web)
    register_over_http(web)
    messages = mailbox.to("ada.lovelace@met.police.uk")
    assert len(messages) == 2
    assert all("/verify/" in mailbox.body(m) for m in messages)


def test_an_outside_address_without_sponsor_is_told_what_is_missing(web):
    response = register_over_http(web, email="sam@example.org")
    assert response.status_code == 400
    page = text(response)
    assert "Enter the email address of a POLKA member who can vouch for you" in page
    assert "Say why you need an account on POLKA" in page


def test_the_form_keeps_what_was_typed_except_the_password(web):
    response = register_over_http(web, email="sam@example.org", name="Sam Typed", reason="")
    body = response.get_data(as_text=True)
    assert 'value="Sam Typed"' in body
    assert 'value="sam@example.org"' in body
    assert PASSWORD not in body


def test_the_form_suggests_the_organisation_when_shown_again(web):
    response = register_over_http(web, email="jo@met.police.uk", password="short")
    assert response.status_code == 400
    assert "selected>Metropolitan Police Service" in response.get_data(as_text=True)


def test_a_chosen_organisation_is_kept(web, session):
    kent = session.scalar(select(Organisation).where(Organisation.slug == "kent-police"))
    assert kent is not None
    register_over_http(web, email="jo@met.police.uk", organisation=str(kent.id))
    user = fresh(session).scalar(select(User).where(User.email == "jo@met.police.uk"))
    assert user.organisation_id == kent.id


def test_an_unknown_organisation_is_a_form_error(web):
    response = register_over_http(web, organisation="99999")
    assert response.status_code == 400
    assert "Not a valid choice" in text(response)


@pytest.mark.parametrize("field", ["name", "email", "sponsor_email"])
def test_a_nul_byte_is_a_clear_form_error(web, field):
    response = register_over_http(web, **{field: "bad\x00value"})
    assert response.status_code == 400
    assert "must not contain control characters" in text(response)


@pytest.mark.parametrize(
    ("field", "length"), [("name", 121), ("email", 255), ("reason", 2001), ("password", 1025)]
)
def test_an_over_long_field_is_a_clear_form_error(web, field, length):
    value = "a" * length if field != "email" else "a" * (length - 12) + "@met.police.uk"
    response = register_over_http(web, **{field: value})
    assert response.status_code == 400
    assert "or fewer" in text(response)


def test_registering_without_a_csrf_token_is_refused(web, session):
    response = web.client.post("/register", data=registration())
    assert response.status_code == 400
    assert fresh(session).scalar(select(User)) is None
