"""Email: queued as a job in the caller's transaction, then sent by the worker.

Sent through ``POLKA_SMTP_URL`` — ``smtp://host:port`` (plain), ``smtp+starttls://host:port``
(upgraded with STARTTLS) or ``smtps://host:port`` (TLS from the start), with ``user:password@`` if the
server needs a login — or written to ``<data dir>/mail/`` as ``.eml`` files when it is unset. A server
that is down or answers "try later" (4xx) means the job is retried with back-off; a permanent refusal
(5xx) fails the job at once. Emails carry links, never the body of marked content.
"""

from __future__ import annotations

import os
import re
import secrets
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.orm import Session

from polka.characters import clean_output
from polka.config import ConfigError, Settings
from polka.db import utcnow
from polka.errors import ValidationError
from polka.jobs.models import Job
from polka.jobs.runner import Handler
from polka.jobs.services import PermanentJobError, enqueue
from polka.storage import fsync_directory

MAIL_JOB = "mail.send"
SMTP_TIMEOUT = 30
_DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
#: Control characters (CR and LF above all) would let a value break out of its header.
_HEADER_UNSAFE = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")
_ADDRESS = re.compile(r"[^@\s\"(),:;<>\[\\\]]+@[^@\s\"(),:;<>\[\\\]]+")


def queue_mail(session: Session, *, to: str, subject: str, body: str) -> Job:
    """Queue one plain-text email; it is sent only if the caller's transaction commits.

    Raises ``ValidationError`` for anything that could inject headers: a control character in the
    address or subject, or more than one address.
    """
    check_address(to)
    check_subject(subject)
    payload = {"to": to, "subject": subject, "body": body, "message_id": secrets.token_hex(16)}
    return enqueue(session, MAIL_JOB, payload, max_attempts=8)


def check_address(address: str) -> None:
    """Refuse anything but one plain ``name@domain`` address."""
    if _HEADER_UNSAFE.search(address) or not _ADDRESS.fullmatch(address):
        raise ValidationError(f"Cannot send email to {address!r}: not a single email address.")


def check_subject(subject: str) -> None:
    if _HEADER_UNSAFE.search(subject):
        raise ValidationError("An email subject cannot contain line breaks or control characters.")


def build_message(
    settings: Settings,
    to: str,
    subject: str,
    body: str,
    message_id: str | None = None,
    *,
    html: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """The email as sent; the same ``message_id`` token on every attempt lets receivers drop repeats.

    With ``html`` it is multipart, the plain text first. ``headers`` are added as given (a message id
    in them, like ``In-Reply-To``, is written ``<token@domain>`` by ``message_id_of``); none may hold a
    control character.
    """
    check_address(to)
    check_subject(subject)
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = clean_output(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id_of(settings, message_id or secrets.token_hex(16))
    for name, value in (headers or {}).items():
        if _HEADER_UNSAFE.search(name) or _HEADER_UNSAFE.search(value):
            raise ValidationError(f"The email header {name!r} cannot hold line breaks or control characters.")
        message[name] = value
    message.set_content(clean_output(body))
    if html is not None:
        message.add_alternative(clean_output(html), subtype="html")
    return message


def message_id_of(settings: Settings, token: str) -> str:
    """``<token@domain>``, the domain the sender's: a message id, or a thread's for ``References``."""
    sender_domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "polka.local"
    return f"<{token}@{sender_domain}>"


@dataclass(frozen=True)
class SmtpTarget:
    """Where and how to send, parsed once from ``POLKA_SMTP_URL``."""

    scheme: str
    host: str
    port: int
    username: str
    password: str

    @classmethod
    def parse(cls, url: str) -> SmtpTarget:
        parts = urlsplit(url)
        if parts.scheme not in _DEFAULT_PORTS:
            raise ConfigError(
                f"POLKA_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not {parts.scheme!r}"
            )
        if not parts.hostname:
            raise ConfigError("POLKA_SMTP_URL names no host")
        try:
            port = parts.port or _DEFAULT_PORTS[parts.scheme]
        except ValueError as exc:
            raise ConfigError(f"POLKA_SMTP_URL has a bad port: {exc}") from exc
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=port,
            username=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )


def deliver(settings: Settings, message: EmailMessage) -> None:
    """Send through SMTP, or write an ``.eml`` file when no SMTP server is configured."""
    if not settings.smtp_url:
        write_eml(settings.mail_dir, message)
        return
    send_smtp(SmtpTarget.parse(settings.smtp_url), message)


def send_smtp(target: SmtpTarget, message: EmailMessage) -> None:
    """Hand the message to the server; 5xx refusals raise ``PermanentJobError``, the rest retry."""
    context = ssl.create_default_context()
    local = socket.gethostname()  # getfqdn() may wait on DNS, which a closed network may not have
    smtp: smtplib.SMTP
    if target.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(
            target.host, target.port, local_hostname=local, timeout=SMTP_TIMEOUT, context=context
        )
    else:
        smtp = smtplib.SMTP(target.host, target.port, local_hostname=local, timeout=SMTP_TIMEOUT)
    try:
        with smtp:
            if target.scheme == "smtp+starttls":
                smtp.starttls(context=context)
            if target.username:
                smtp.login(target.username, target.password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        if all(code >= 500 for code, _ in exc.recipients.values()):
            raise PermanentJobError(f"the mail server refused the recipient: {exc.recipients}") from exc
        raise
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500 and not isinstance(exc, smtplib.SMTPAuthenticationError):
            raise PermanentJobError(f"the mail server refused the message: {exc}") from exc
        raise


def write_eml(directory: Path, message: EmailMessage) -> Path:
    """Write the message as ``<time>-<random>.eml``, atomically: a reader never sees half a file."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{utcnow():%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
    tmp = directory / f".{name}.tmp"
    final = directory / f"{name}.eml"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # emails may hold sign-in links
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(directory)
    return final


def mail_handler(settings: Settings) -> Handler:
    """The job handler that sends queued mail with these settings (a bad ``POLKA_SMTP_URL`` fails now)."""
    target = SmtpTarget.parse(settings.smtp_url) if settings.smtp_url else None

    def send(_session: Session, payload: dict[str, Any]) -> None:
        try:
            message = build_message(
                settings, payload["to"], payload["subject"], payload["body"], payload.get("message_id")
            )
        except (KeyError, TypeError, ValidationError) as exc:
            raise PermanentJobError(f"the queued email cannot be sent: {exc}") from exc
        if target is None:
            write_eml(settings.mail_dir, message)
        else:
            send_smtp(target, message)

    return send
