"""What the fields of every POST form are: which hold passwords, which hold typed text, and their labels.

Read from the form classes themselves, so a page that shows back what someone typed (a form sent after
the session ended) never shows a password and names each value as its form does.
"""

from __future__ import annotations

from collections.abc import Iterator

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.fields.core import UnboundField


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
