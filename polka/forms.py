"""Form plumbing shared by every blueprint."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from flask import g, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from wtforms import Field, IntegerField, PasswordField, SelectField, StringField
from wtforms import ValidationError as FieldError
from wtforms.widgets import HiddenInput

from polka.characters import describe, first_refused_character
from polka.errors import ValidationError
from polka.http import SAFE_METHODS
from polka.ids import parse_id

FieldCheck = Callable[[Any, Field], None]


def refuse_unusable_characters(form: Any, field: Field) -> None:
    """A form error on ``field`` if what was typed holds a character POLKA refuses (``polka.characters``).

    Passwords are left alone: they are never shown or written out, and refusing one now could lock
    out whoever chose it before.
    """
    if isinstance(field, PasswordField) or field.errors:  # one message a field is enough
        return
    values = field.data if isinstance(field.data, list) else [field.data]
    for value in values:
        found = first_refused_character(value) if isinstance(value, str) else None
        if found is not None:
            raise FieldError(
                f"{field.label.text} contains a character that cannot be used ({describe(found)}). "
                "Remove it and try again."
            )


# Values typed into a form that could not be accepted (its session had ended) come back on the page
# the form was on: every PolkaForm built during that GET takes them as its form data, if it has a field
# of theirs. One hook for every form, so no view needs to know.

_RESTORED = "polka_restored_formdata"


def restore_form_values(values: MultiDict[str, str]) -> None:
    """Have the forms of this request show ``values`` as if they had just been typed."""
    setattr(g, _RESTORED, values)


def restored_form_values() -> MultiDict[str, str] | None:
    """The values this request hands back to its forms, if any."""
    values: MultiDict[str, str] | None = g.get(_RESTORED)
    return values


class PolkaForm(FlaskForm):
    """Every POLKA form: Flask-WTF's CSRF protection, no field (present or added later) accepts a
    character POLKA refuses, and on a GET it shows values kept from a form sent after its session
    ended (``restore_form_values``)."""

    class Meta:
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            # On a GET, "no form data" (``_Auto``) and "an empty form" (``formdata=None``) both mean
            # nothing was sent; forms given other data (a search form reading the query) keep it.
            if (formdata is _Auto or formdata is None) and request.method in SAFE_METHODS:
                values = restored_form_values()
                names = {field.name for field in form._fields.values() if field.type != "CSRFTokenField"}
                if values is not None and names & set(values.keys()):
                    return values
            return FlaskForm.Meta.wrap_formdata(self, form, formdata)

    def validate(self, extra_validators: Mapping[str, Sequence[FieldCheck]] | None = None) -> bool:
        extra = {
            name: [*(extra_validators or {}).get(name, ()), refuse_unusable_characters]
            for name in self._fields
        }
        return bool(super().validate(extra_validators=extra))


class _IdValue:
    """What an id field shares: the value must spell an id (``polka.ids.parse_id``) or be empty."""

    data: Any
    invalid_message: str

    def pre_validate(self, form: Any) -> None:
        if self.data not in (None, "") and parse_id(self.data) is None:
            raise FieldError(self.invalid_message)

    @property
    def selected_id(self) -> int | None:
        """The id chosen, or None when nothing (or nothing valid) was."""
        return parse_id(self.data)


class IdChoiceField(_IdValue, SelectField):
    """A choice of a row by id (a parent page, a folder, a replacement document). The value is not held
    to the choices offered (the service's access function decides what may be chosen), but anything
    that cannot be an id is a form error with ``message``, and the page keeps what was sent."""

    def __init__(self, label: str, *, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [])
        kwargs.setdefault("default", "")
        super().__init__(label, validate_choice=False, **kwargs)
        self.invalid_message = message


class IdField(_IdValue, StringField):
    """A row's id carried in a hidden input (the folder a new folder goes in); anything that cannot
    be an id is a form error with ``message``."""

    widget = HiddenInput()

    def __init__(self, label: str | None = None, *, message: str, **kwargs: Any) -> None:
        super().__init__(label, **kwargs)
        self.invalid_message = message


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
    """Whether typed text holds control characters (NUL and friends) or any other character POLKA
    refuses (``polka.characters``); line breaks and tabs are allowed only in ``multiline`` text."""
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return first_refused_character(value) is not None or any(
        unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value
    )
