"""Forms for the people directory (a GET search) and for editing your own profile."""

from __future__ import annotations

import unicodedata
from typing import Any

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from polka.forms import PolkaForm as FlaskForm
from polka.people.services import LIMITS, MAX_TAG_LENGTH, MAX_TAGS


def no_control_characters(form: Any, field: Any) -> None:
    """Refuse NUL bytes and other control characters (new lines and tabs are fine in text areas)."""
    allowed = {"\n", "\r", "\t"} if field.type == "TextAreaField" else set()
    if any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in field.data or ""):
        raise ValidationError(f"{field.label.text} must not contain control characters")


class DirectoryForm(FlaskForm):
    """The directory's search: sent with GET, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    name = StringField("Name", validators=[Length(max=120), no_control_characters])
    q = StringField("Job title or topic", validators=[Length(max=200), no_control_characters])
    expertise = StringField("Expertise", validators=[Length(max=MAX_TAG_LENGTH), no_control_characters])
    organisation = SelectField("Organisation", choices=[], default="", validate_choice=True)
    region = SelectField("Region", choices=[], default="", validate_choice=True)


class ProfileForm(FlaskForm):
    job_title = StringField("Job title", validators=[Length(max=LIMITS["job_title"]), no_control_characters])
    organisation_id = SelectField("Organisation", choices=[], validate_choice=True)
    expertise = StringField(
        "Expertise",
        validators=[Length(max=MAX_TAGS * (MAX_TAG_LENGTH + 2)), no_control_characters],
    )
    ask_me_about = StringField(
        "Ask me about", validators=[Length(max=LIMITS["ask_me_about"]), no_control_characters]
    )
    phone = StringField("Phone", validators=[Length(max=LIMITS["phone"]), no_control_characters])
    bio = TextAreaField("About you", validators=[Length(max=LIMITS["bio"]), no_control_characters])
