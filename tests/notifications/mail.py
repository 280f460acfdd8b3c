"""Notification email tests' shared pieces: an app sending through a real SMTP server (aiosmtpd) at a
free port, with links at https://polka.example, and the received messages parsed strictly.

Import ``settings_overrides`` into a test module to have its app send that way, to the server a test
starts at ``smtp_port`` (``tests/notifications/conftest.py``).
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest

from tests.kernel.smtp import Received

STRICT = policy.strict.clone(raise_on_defect=True)
BASE_URL = "https://polka.example"


@pytest.fixture
def settings_overrides(settings_overrides: dict[str, Any], smtp_port: int) -> dict[str, Any]:
    return {**settings_overrides, "smtp_url": f"smtp://127.0.0.1:{smtp_port}", "base_url": BASE_URL}


def strict(received: Received) -> EmailMessage:
    """The message as sent, parsed again strictly: any defect fails the test."""
    parsed: EmailMessage = BytesParser(policy=STRICT).parsebytes(received.message.as_bytes())  # type: ignore[assignment]
    return parsed


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())
