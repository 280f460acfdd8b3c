"""Mail through a real SMTP server (aiosmtpd), ``.eml`` files without one, and header injection."""

from __future__ import annotations

import os
import stat
from datetime import timedelta
from email import policy
from email.parser import BytesParser

import pytest
from sqlalchemy import func, select

from polka import create_app
from polka.config import ConfigError
from polka.db import transaction, utcnow
from polka.errors import ValidationError
from polka.jobs.models import Job, JobStatus
from polka.mail import SmtpTarget, queue_mail
from tests.kernel.smtp import free_port, self_signed_certificate, server_tls_context, smtp_server

FROM = "POLKA <no-reply@polka.police.uk>"


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_app(settings_overrides, smtp_port, app):
    """The app, sending through smtp://127.0.0.1:<smtp_port> (asked for before ``app`` is built)."""
    return app


@pytest.fixture
def settings_overrides(settings_overrides, smtp_port, request):
    scheme = getattr(request, "param", "smtp")
    return {**settings_overrides, "smtp_url": f"{scheme}://127.0.0.1:{smtp_port}"}


def jobs_of(app):
    return app.extensions["polka.jobs"]


def fresh_job(session, job_id):
    session.rollback()  # end the read transaction: see what the worker committed since
    return session.get(Job, job_id, populate_existing=True)


def send(session, **mail):
    with transaction(session):
        return queue_mail(session, **mail).id


def test_mail_arrives_at_the_smtp_server_with_its_from_to_subject_and_body(smtp_app, session, smtp_port):
    with smtp_server(smtp_port) as (inbox, _):
        send(
            session,
            to="asha.patel@met.police.uk",
            subject="Join request – PNC Operators",
            body="Hello\nIt’s done.",
        )
        assert jobs_of(smtp_app).run_until_idle() == 1
    [received] = inbox.received
    assert received.rcpt_tos == ["asha.patel@met.police.uk"]
    assert received.mail_from == "no-reply@polka.police.uk"
    message = received.message
    assert message["From"] == FROM
    assert message["To"] == "asha.patel@met.police.uk"
    assert message["Subject"] == "Join request – PNC Operators"
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.replace("\r\n", "\n") == "Hello\nIt’s done.\n"
    assert message["Message-ID"].endswith("@polka.police.uk>")


def test_mail_is_kept_and_retried_later_when_the_smtp_server_is_down(smtp_app, session, smtp_port):
    job_id = send(session, to="a@met.police.uk", subject="Hello", body="x")
    runner = jobs_of(smtp_app)
    outcome = runner.run_once()
    assert outcome is not None
    assert outcome.status is JobStatus.QUEUED
    waiting = fresh_job(session, job_id)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.run_after > utcnow()

    with smtp_server(smtp_port) as (inbox, _):
        assert runner.run_until_idle() == 0, "not before its back-off has passed"
        runner.clock = lambda: utcnow() + timedelta(minutes=1)
        assert runner.run_until_idle() == 1
    assert [r.message["To"] for r in inbox.received] == ["a@met.police.uk"]
    assert fresh_job(session, job_id).status is JobStatus.DONE


def test_message_id_comes_from_the_queued_payload_so_every_attempt_shares_it(smtp_app, session, smtp_port):
    with smtp_server(smtp_port) as (inbox, _):
        send(session, to="a@met.police.uk", subject="One", body="x")
        jobs_of(smtp_app).run_until_idle()
    [job] = session.scalars(select(Job)).all()
    payload_id = job.payload.split('"message_id": "')[1].split('"')[0]
    assert inbox.received[0].message["Message-ID"].startswith(f"<{payload_id}@")


def test_recipient_refused_by_the_server_fails_the_mail_at_once(smtp_app, session, smtp_port):
    with smtp_server(smtp_port) as (inbox, _):
        inbox.refuse.add("left.the.force@met.police.uk")
        job_id = send(session, to="left.the.force@met.police.uk", subject="Hello", body="x")
        jobs_of(smtp_app).run_until_idle()
    failed = fresh_job(session, job_id)
    assert (failed.status, failed.attempts) == (JobStatus.FAILED, 1)
    assert "refused the recipient" in failed.last_error
    assert inbox.received == []


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        ("a@met.police.uk", "Hello\r\nBcc: everyone@example.com"),
        ("a@met.police.uk", "Hello\nBcc: everyone@example.com"),
        ("a@met.police.uk", "Hello\rBcc: everyone@example.com"),
        ("a@met.police.uk\r\nBcc: everyone@example.com", "Hello"),
        ("a@met.police.uk\nBcc: everyone@example.com", "Hello"),
        ("a@met.police.uk, everyone@example.com", "Hello"),
        ("Someone <a@met.police.uk>", "Hello"),
        ("not an address", "Hello"),
    ],
)
def test_header_injection_is_refused_and_nothing_is_queued(session, to, subject):
    with pytest.raises(ValidationError), transaction(session):
        queue_mail(session, to=to, subject=subject, body="x")
    assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_starttls_url_upgrades_the_connection(settings_overrides, smtp_port, tmp_path, monkeypatch):
    pair = self_signed_certificate(tmp_path)
    if pair is None:
        pytest.skip("the openssl command is not installed")
    cert, key = pair
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test certificate
    app = create_app(**{**settings_overrides, "smtp_url": f"smtp+starttls://127.0.0.1:{smtp_port}"})
    context = server_tls_context(cert, key)
    with smtp_server(smtp_port, tls_context=context, require_starttls=True) as (inbox, _):
        with app.extensions["polka.sessions"]() as session:
            send(session, to="a@met.police.uk", subject="Over TLS", body="x")
        assert app.extensions["polka.jobs"].run_until_idle() == 1
    app.extensions["polka.engine"].dispose()
    assert [r.message["Subject"] for r in inbox.received] == ["Over TLS"]


def test_smtps_url_speaks_tls_from_the_start(settings_overrides, smtp_port, tmp_path, monkeypatch):
    pair = self_signed_certificate(tmp_path)
    if pair is None:
        pytest.skip("the openssl command is not installed")
    cert, key = pair
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    app = create_app(**{**settings_overrides, "smtp_url": f"smtps://127.0.0.1:{smtp_port}"})
    with smtp_server(smtp_port, ssl_context=server_tls_context(cert, key)) as (inbox, _):
        with app.extensions["polka.sessions"]() as session:
            send(session, to="a@met.police.uk", subject="Wrapped", body="x")
        assert app.extensions["polka.jobs"].run_until_idle() == 1
    app.extensions["polka.engine"].dispose()
    assert [r.message["Subject"] for r in inbox.received] == ["Wrapped"]


def test_smtp_url_with_a_login_is_parsed():
    target = SmtpTarget.parse("smtp+starttls://polka%40force:p%40ss@mail.force.pnn:2525")
    assert (target.scheme, target.host, target.port) == ("smtp+starttls", "mail.force.pnn", 2525)
    assert (target.username, target.password) == ("polka@force", "p@ss")
    assert SmtpTarget.parse("smtps://mail.pnn").port == 465


@pytest.mark.parametrize("url", ["http://mail.pnn", "smtp://", "smtp://mail.pnn:notaport"])
def test_unusable_smtp_url_stops_the_app_from_starting(settings_overrides, url):
    with pytest.raises(ConfigError):
        create_app(**{**settings_overrides, "smtp_url": url})


class TestEmlFiles:
    """Without ``POLKA_SMTP_URL`` mail is written to the data directory."""

    @pytest.fixture
    def settings_overrides(self, settings_overrides):
        return {**settings_overrides, "smtp_url": ""}

    def test_mail_is_written_as_a_complete_private_eml_file(self, app, session):
        send(session, to="b@met.police.uk", subject="Written", body="Line one")
        assert jobs_of(app).run_until_idle() == 1
        folder = app.extensions["polka.settings"].mail_dir
        [path] = os.listdir(folder)  # the temporary file was renamed, not left beside it
        assert path.endswith(".eml")
        assert stat.S_IMODE(os.stat(folder / path).st_mode) == 0o600
        with open(folder / path, "rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
        assert (message["To"], message["Subject"]) == ("b@met.police.uk", "Written")
        assert message.get_body(("plain",)).get_content() == "Line one\n"  # type: ignore[union-attr]
