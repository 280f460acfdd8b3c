"""Checks and forms of text every layer uses: a field's text checked against its limits, and slugs."""

from __future__ import annotations

import re
import unicodedata

from polka.errors import ValidationError
from polka.forms import has_control_characters

_SLUG_STRIP = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = 60, fallback: str = "community") -> str:
    """``text`` in lower-case ASCII letters and digits joined by hyphens, at most ``max_length`` long
    (``fallback`` when nothing of it can be spelt so)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].strip("-") or fallback


def check_text(field: str, value: str, max_length: int, label: str, *, required: bool = False) -> str:
    """Strip ``value`` and refuse it when empty (if required), too long, or holding unreadable characters."""
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"Enter {label}", {field: f"Enter {label}"})
    if len(value) > max_length:
        message = f"{label[0].upper()}{label[1:]} must be {max_length:,} characters or fewer"
        raise ValidationError(message, {field: message})
    if "\x00" in value or "\ufffd" in value:
        message = f"{label[0].upper()}{label[1:]} contains characters that cannot be stored"
        raise ValidationError(message, {field: message})
    return value


def check_line(field: str, value: str, max_length: int, label: str, *, required: bool = False) -> str:
    """``check_text`` for a one-line field (a title, a place, a note): no control characters either,
    and its runs of spaces made one."""
    value = check_text(field, value, max_length, label, required=required)
    if has_control_characters(value):
        message = f"{label[0].upper()}{label[1:]} contains characters that cannot be used"
        raise ValidationError(message, {field: message})
    return " ".join(value.split())
