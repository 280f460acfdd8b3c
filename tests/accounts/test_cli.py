"""``polka users create``: provisioning from scripts, the password never on the command line."""

from __future__ import annotations

from sqlalchemy import select

from polka.accounts.models import User
from tests.accounts.conftest import fresh
from tests.conftest import PASSWORD


def _user(session, email):
    return fresh(session).scalar(select(User).where(User.email == email))


def test_the_password_can_come_from_standard_input(runner, session, hasher):
    result = runner.invoke(
        args=["users", "create", "ops@met.police.uk", "--name", "Ops Person", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created user ops@met.police.uk" in result.output
    user = _user(session, "ops@met.police.uk")
    assert user.is_active_account
    assert not user.is_admin
    assert hasher.verify(user.password_hash, PASSWORD)


def test_the_password_can_come_from_the_environment(runner, session, monkeypatch):
    monkeypatch.setenv("POLKA_NEW_USER_PASSWORD", PASSWORD)
    result = runner.invoke(args=["users", "create", "env@met.police.uk", "--name", "Env Person"])
    assert result.exit_code == 0, result.output
    assert _user(session, "env@met.police.uk") is not None


def test_admin_makes_an_administrator(runner, session):
    result = runner.invoke(
        args=["users", "create", "boss@met.police.uk", "--name", "Boss", "--admin", "--password-stdin"],
        input=PASSWORD,
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator" in result.output
    assert _user(session, "boss@met.police.uk").is_admin


def test_a_weak_password_is_refused_with_a_clear_message(runner, session):
    result = runner.invoke(
        args=["users", "create", "weak@met.police.uk", "--name", "Weak", "--password-stdin"],
        input="password1234\n",
    )
    assert result.exit_code != 0
    assert "harder to guess" in result.output
    assert _user(session, "weak@met.police.uk") is None


def test_a_short_password_is_refused_with_a_clear_message(runner):
    result = runner.invoke(
        args=["users", "create", "s@met.police.uk", "--name", "S", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output


def test_a_duplicate_address_is_refused(runner, make, session):
    make.user(email="taken@met.police.uk")
    result = runner.invoke(
        args=["users", "create", "TAKEN@met.police.uk", "--name", "Again", "--password-stdin"], input=PASSWORD
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_without_a_password_source_it_says_how_to_give_one(runner, monkeypatch):
    monkeypatch.delenv("POLKA_NEW_USER_PASSWORD", raising=False)
    result = runner.invoke(args=["users", "create", "nopw@met.police.uk", "--name", "No Password"], input="")
    assert result.exit_code != 0
    assert "--password-stdin" in result.output


def test_there_is_no_password_option(runner):
    result = runner.invoke(args=["users", "create", "--help"])
    assert "--password-stdin" in result.output
    assert "--password " not in result.output
