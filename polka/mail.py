"""Email: queued as a job in the caller's transaction, then sent by the worker.

Sent through ``POLKA_SMTP_URL`` (``smtp://host:port``, ``smtps://…``, with ``user:password@`` if
needed), or written to ``<data dir>/mail/`` as ``.eml`` files when it is unset. Emails carry links,
never the body of marked content.
"""

from __future__ import annotations

import os
import secrets
import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from polka.config import Settings
from polka.db import utcnow
from polka.jobs.models import Job
from polka.jobs.services import enqueue

MAIL_JOB = "mail.send"


def queue_mail(session: Session, *, to: str, subject: str, body: str) -> Job:
    """Queue one plain-text email; it is sent only if the caller's transaction commits."""
    return enqueue(session, MAIL_JOB, {"to": to, "subject": subject, "body": body}, max_attempts=8)


def build_message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="polka.local")
    message.set_content(body)
    return message


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Send through SMTP, or write an ``.eml`` file when no SMTP server is configured."""
    if not settings.smtp_url:
        _write_eml(settings.mail_dir, message)
        return
    url = urlsplit(settings.smtp_url)
    host = url.hostname or "localhost"
    smtp_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
    port = url.port or (465 if url.scheme == "smtps" else 25)
    with smtp_class(host, port, timeout=30) as smtp:
        if url.scheme == "smtp+starttls":
            smtp.starttls()
        if url.username:
            smtp.login(unquote(url.username), unquote(url.password or ""))
        smtp.send_message(message)


def _write_eml(directory: Path, message: EmailMessage) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
    tmp = directory / f".{name}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(message.as_bytes())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, directory / f"{name}.eml")


def mail_handler(settings: Settings) -> Any:
    """The job handler that sends queued mail with these settings."""

    def send(_session: Session, payload: dict[str, Any]) -> None:
        deliver(settings, build_message(settings, payload["to"], payload["subject"], payload["body"]))

    return send
