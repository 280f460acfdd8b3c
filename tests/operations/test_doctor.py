"""``polka doctor``: what is wrong with a deployment, in words, and a non-zero exit when something
stops it working."""

from __future__ import annotations

import ipaddress
from datetime import timedelta

import pytest

from polka.db import transaction, utcnow
from polka.jobs.services import enqueue
from polka.mail import MAIL_JOB
from tests.kernel.smtp import free_port, smtp_server


def doctor(app) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["doctor"])
    return result.exit_code, result.output


@pytest.fixture
def settings_overrides(settings_overrides):
    return {**settings_overrides, "secret_key": "a-long-and-unguessable-secret-key-for-tests"}


def test_a_healthy_single_machine_has_no_problems_and_says_what_to_look_at(app):
    status, output = doctor(app)
    assert status == 0, output
    assert "fine     database: ready" in output
    assert "fine     schema: ready" in output
    assert "warning  POLKA_SMTP_URL is unset: emails are written to" in output
    assert output.rstrip().splitlines()[-1].startswith("0 problems,")
    if app.extensions["polka.engine"].dialect.name == "postgresql":  # there may be several app nodes
        assert "warning  uploaded files are kept in" in output
        assert "set POLKA_FILES_DIR to a directory every node mounts" in output


def test_a_database_that_was_never_migrated_is_a_problem(app, unmigrated):
    status, output = doctor(app)
    assert status == 1
    assert "PROBLEM  schema: at no migration, the code needs" in output
    assert "run `polka db upgrade`" in output


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        (
            "trusted_networks",
            (ipaddress.ip_network("0.0.0.0/0"),),
            "POLKA_TRUSTED_NETWORKS lets in every address",
        ),
        ("trusted_proxies", (ipaddress.ip_network("::/0"),), "POLKA_TRUSTED_PROXIES trusts every address"),
        (
            "metrics_networks",
            (ipaddress.ip_network("0.0.0.0/0"),),
            "POLKA_METRICS_NETWORKS lets every address",
        ),
        ("secret_key", "short", "POLKA_SECRET_KEY is shorter than 32 characters"),
    ],
)
def test_settings_that_let_anyone_in_are_problems(settings_overrides, setting, value, said, request):
    settings_overrides[setting] = value
    app = request.getfixturevalue("app")
    status, output = doctor(app)
    assert status == 1
    assert f"PROBLEM  {said}" in output


def test_the_mail_server_is_asked_whether_it_answers(settings_overrides, request):
    port = free_port()
    settings_overrides["smtp_url"] = f"smtp://127.0.0.1:{port}"
    app = request.getfixturevalue("app")
    with smtp_server(port):
        assert f"fine     the mail server 127.0.0.1:{port} answers" in doctor(app)[1]
    status, output = doctor(app)  # the server has stopped
    assert status == 1
    assert f"PROBLEM  the mail server 127.0.0.1:{port} does not answer" in output


def test_work_nobody_does_is_a_problem(app, session):
    with transaction(session):
        enqueue(session, MAIL_JOB, {"to": "pat@example.police.uk"}, run_after=utcnow() - timedelta(hours=1))
    status, output = doctor(app)
    assert status == 1
    assert "PROBLEM  1 background jobs have waited over 10 minutes: is `polka worker` running?" in output
