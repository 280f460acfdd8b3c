"""The audit log's filter: sent with GET (it changes nothing), so it carries no CSRF token."""

from __future__ import annotations

from datetime import date
from typing import Any

from wtforms import DateField, StringField
from wtforms.validators import Length, Optional, ValidationError

from polka.forms import PolkaForm as FlaskForm

EARLIEST = date(2000, 1, 1)
LATEST = date(2999, 12, 30)


def no_control_characters(form: Any, field: Any) -> None:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in field.data or ""):
        raise ValidationError(f"{field.label.text} must not contain control characters")


def sensible_date(form: Any, field: Any) -> None:
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"{field.label.text} must be between the years 2000 and 2999")


class IsoDateField(DateField):
    """A date typed as YYYY-MM-DD (what a date input sends), with a message that says so."""

    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(label, validators=[Optional(), sensible_date], format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(f"Enter {self.label.text.lower()} as a real date, like 2026-11-24") from exc


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField("Actor email contains", validators=[Length(max=254), no_control_characters])
    action = StringField("Action", validators=[Length(max=60), no_control_characters])
    target_type = StringField("Target type", validators=[Length(max=40), no_control_characters])
    target_id = StringField("Target ID", validators=[Length(max=64), no_control_characters])
    date_from = IsoDateField("From date")
    date_to = IsoDateField("To date")
