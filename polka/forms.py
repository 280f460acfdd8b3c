"""Form plumbing shared by every blueprint."""

from __future__ import annotations

import unicodedata
from typing import Any

from wtforms import IntegerField
from wtforms.widgets import HiddenInput

from polka.errors import ValidationError


class HiddenIntegerField(IntegerField):
    """A whole number the page carries back in a hidden input (a base revision, a version).

    Its validators still check it on the server; the hidden widget never writes the ``min``, ``max``
    or ``required`` they imply, which HTML does not allow on a hidden input.
    """

    widget = HiddenInput()


def show_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on a WTForms form, so the page can show it with what was typed.

    Each field error goes on its field; an error no field can show goes in ``form.form_errors``,
    which the ``error_summary`` macro lists too.
    """
    placed = False
    for name, message in error.field_errors.items():
        if name in form._fields:
            form._fields[name].errors = [message]
            placed = True
        else:
            form.form_errors.append(message)
    if not placed and not form.form_errors:
        form.form_errors.append(str(error))


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    """Whether typed text holds control characters (NUL and friends); line breaks and tabs are
    allowed only in ``multiline`` text."""
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)
