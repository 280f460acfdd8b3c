"""Form plumbing shared by every blueprint."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from flask import g, request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, PasswordField, StringField
from wtforms.fields.core import UnboundField

from polka.errors import ValidationError
from polka.http import SAFE_METHODS


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


# Values typed into a form that could not be accepted (its session had ended) come back on the page
# the form was on: every FlaskForm built during that GET takes them as its form data, if it has a field
# of theirs. One hook for every form, so no view needs to know.

_RESTORED = "polka_restored_formdata"


def restore_form_values(values: MultiDict[str, str]) -> None:
    """Have the forms of this request show ``values`` as if they had just been typed."""
    setattr(g, _RESTORED, values)


def restored_form_values() -> MultiDict[str, str] | None:
    """The values this request hands back to its forms, if any."""
    values: MultiDict[str, str] | None = g.get(_RESTORED)
    return values


def _wrap_formdata(meta: Any, form: Any, formdata: Any) -> Any:
    # On a GET, "no form data" (``_Auto``) and "an empty form" (``formdata=None``) both mean nothing was
    # sent; forms given other data (a search form reading the query) keep it.
    if (formdata is _Auto or formdata is None) and request.method in SAFE_METHODS:
        values = restored_form_values()
        names = {field.name for field in form._fields.values() if field.type != "CSRFTokenField"}
        if values is not None and names & set(values.keys()):
            return values
    return _flask_wrap_formdata(meta, form, formdata)


_flask_wrap_formdata = FlaskForm.Meta.wrap_formdata


def init_form_restore() -> None:
    """Let every FlaskForm take restored values on a GET (see ``restore_form_values``)."""
    FlaskForm.Meta.wrap_formdata = _wrap_formdata


def _form_classes() -> list[type[FlaskForm]]:
    """Every form that is sent by POST (GET forms, such as search boxes, carry no CSRF token)."""
    found: list[type[FlaskForm]] = []
    waiting = list(FlaskForm.__subclasses__())
    while waiting:
        cls = waiting.pop()
        if getattr(cls.Meta, "csrf", True) is not False:
            found.append(cls)
        waiting.extend(cls.__subclasses__())
    return found


def _unbound_fields(cls: type[FlaskForm]) -> Iterator[tuple[str, UnboundField]]:
    for name in dir(cls):
        value = getattr(cls, name, None)
        if not name.startswith("_") and isinstance(value, UnboundField):
            yield name, value


def _fields_named(name: str) -> list[UnboundField]:
    """Every form's field called ``name``, or, for a prefixed name (``prefix-name``), called ``name``."""
    fields = [unbound for cls in _form_classes() for key, unbound in _unbound_fields(cls) if key == name]
    if fields or "-" not in name:
        return fields
    return _fields_named(name.rsplit("-", 1)[-1])


def is_secret_field(name: str) -> bool:
    """Whether a submitted field holds a password: never kept, never shown again."""
    return "password" in name.lower() or any(
        issubclass(unbound.field_class, PasswordField) for unbound in _fields_named(name)
    )


def is_typed_field(name: str) -> bool:
    """Whether a submitted field holds text a person typed (not a choice, a hidden field or a button)."""
    return any(
        _label(unbound)
        and issubclass(unbound.field_class, StringField)
        and not issubclass(unbound.field_class, HiddenField | PasswordField)
        for unbound in _fields_named(name)
    )


def _label(unbound: UnboundField) -> str:
    return str(unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else ""))


def field_label(name: str) -> str:
    """The label forms give the field ``name``, or its name in words when they disagree."""
    labels = {_label(unbound) for unbound in _fields_named(name)}
    labels.discard("")
    if len(labels) == 1:
        return labels.pop()
    words = name.rsplit("-", 1)[-1].replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name
