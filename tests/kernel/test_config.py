"""Settings: where links in emails point when POLKA runs on another port."""

from __future__ import annotations

import re

import pytest

from polka.config import ConfigError, load_settings
from tests.accounts.conftest import register


def settings_from(tmp_path, environ, config_file=""):
    if config_file:
        (tmp_path / "config.py").write_text(config_file, encoding="utf-8")
    return load_settings(environ, data_dir=tmp_path, secret_key="test-secret-key")


def test_links_follow_the_port_polka_is_served_on(tmp_path):
    assert settings_from(tmp_path, {"PORT": "5077"}).base_url == "http://127.0.0.1:5077"


def test_without_a_port_links_point_at_the_default_one(tmp_path):
    assert settings_from(tmp_path, {}).base_url == "http://127.0.0.1:5000"


def test_an_explicit_base_url_wins_over_the_port(tmp_path):
    settings = settings_from(tmp_path, {"PORT": "5077", "POLKA_BASE_URL": "https://polka.example.police.uk"})
    assert settings.base_url == "https://polka.example.police.uk"


def test_a_base_url_in_the_config_file_wins_over_the_port(tmp_path):
    settings = settings_from(
        tmp_path, {"PORT": "5077"}, 'POLKA_BASE_URL = "https://polka.example.police.uk"\n'
    )
    assert settings.base_url == "https://polka.example.police.uk"


def test_a_port_that_is_not_a_number_is_refused_when_links_would_use_it(tmp_path):
    with pytest.raises(ConfigError, match="PORT"):
        settings_from(tmp_path, {"PORT": "50x7"})
    assert settings_from(tmp_path, {"PORT": "50x7", "POLKA_BASE_URL": "https://polka.example"}).base_url


@pytest.fixture
def served_on_port_5077(settings_overrides, monkeypatch):
    """The environment ``PORT=5077 make run`` gives gunicorn, with no POLKA_BASE_URL."""
    monkeypatch.setenv("PORT", "5077")
    monkeypatch.delenv("POLKA_BASE_URL", raising=False)
    del settings_overrides["base_url"]


def test_emails_carry_links_with_the_port(served_on_port_5077, web, mailbox):
    register(web)
    [message] = mailbox.to("ada.lovelace@met.police.uk")
    assert re.search(r"http://127\.0\.0\.1:5077/verify/\S+", mailbox.body(message))


# --- the search backend -----------------------------------------------------------------------------

PG = "postgresql://polka@db.example/polka"


@pytest.mark.parametrize(
    ("environ", "chosen"),
    [
        ({}, "whoosh"),  # SQLite: the index in the data directory
        ({"POLKA_DATABASE_URL": PG}, "postgresql"),  # PostgreSQL: its own search, shared by every node
        ({"POLKA_DATABASE_URL": PG, "POLKA_SEARCH_BACKEND": "whoosh"}, "whoosh"),
        ({"POLKA_DATABASE_URL": PG, "POLKA_SEARCH_BACKEND": " PostgreSQL "}, "postgresql"),
    ],
)
def test_the_search_backend_follows_the_database_unless_chosen(tmp_path, environ, chosen):
    assert settings_from(tmp_path, environ).search_backend == chosen


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"POLKA_SEARCH_BACKEND": "elastic"}, "must be whoosh or postgresql, not 'elastic'"),
        ({"POLKA_SEARCH_BACKEND": "postgresql"}, "needs a PostgreSQL database"),
    ],
)
def test_a_search_backend_that_cannot_work_is_refused_in_words(tmp_path, environ, message):
    with pytest.raises(ConfigError, match=re.escape(message)):
        settings_from(tmp_path, environ)


# --- the files directory --------------------------------------------------------------------------


def test_files_are_kept_in_the_data_directory_unless_a_shared_one_is_named(tmp_path):
    assert settings_from(tmp_path, {}).files_dir == tmp_path.resolve() / "files"
    shared = tmp_path / "nfs" / "polka-files"
    assert settings_from(tmp_path, {"POLKA_FILES_DIR": str(shared)}).files_dir == shared.resolve()
