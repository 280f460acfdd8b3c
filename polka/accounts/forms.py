"""Forms for signing in, registering, managing an account, and administering accounts.

Lengths match the columns; control characters (NUL and friends) are refused with a clear message.
The services hold the rules; these forms only shape and bound the input.
"""

from __future__ import annotations

from typing import Any

from wtforms import EmailField, Field, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from polka.accounts.passwords import MAX_LENGTH as PASSWORD_MAX
from polka.accounts.recovery import MAX_INPUT as RECOVERY_MAX
from polka.forms import PolkaForm as FlaskForm

EMAIL_MAX = 254
NAME_MAX = 120
REASON_MAX = 2000


class NoControlCharacters:
    """Refuse NUL and other control characters (tabs and new lines only where ``multiline``)."""

    def __init__(self, multiline: bool = False) -> None:
        self.allowed = "\t\r\n" if multiline else ""

    def __call__(self, form: Any, field: Field) -> None:
        value = field.data or ""
        if isinstance(value, str) and any(ord(ch) < 32 and ch not in self.allowed for ch in value):
            raise ValidationError(f"{field.label.text} must not contain control characters")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email address", required: str = "Enter your email address") -> EmailField:
    return EmailField(
        label,
        filters=[_strip],
        validators=[
            DataRequired(required),
            Length(max=EMAIL_MAX, message=f"Enter an email address of {EMAIL_MAX} characters or fewer"),
            NoControlCharacters(),
        ],
    )


def password_field(label: str, required: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(required),
            Length(max=PASSWORD_MAX, message=f"Enter a password of {PASSWORD_MAX} characters or fewer"),
            NoControlCharacters(),
        ],
    )


def code_field() -> StringField:
    return StringField(
        "Code from your authenticator app",
        filters=[_strip],
        validators=[
            DataRequired("Enter the 6-digit code from your authenticator app"),
            Length(max=12, message="Enter the 6-digit code from your authenticator app"),
            NoControlCharacters(),
        ],
    )


class LoginForm(FlaskForm):
    email = email_field()
    password = password_field("Password", "Enter your password")


class TwoFactorLoginForm(FlaskForm):
    code = code_field()


class RecoveryCodeLoginForm(FlaskForm):
    code = StringField(
        "Recovery code",
        filters=[_strip],
        validators=[
            DataRequired("Enter one of your recovery codes"),
            Length(max=RECOVERY_MAX, message="Enter a recovery code like 7k2m-q9xd-4hvw-ca3n"),
            NoControlCharacters(),
        ],
    )


class RegisterForm(FlaskForm):
    name = StringField(
        "Full name",
        filters=[_strip],
        validators=[
            DataRequired("Enter your full name"),
            Length(max=NAME_MAX, message=f"Enter a name of {NAME_MAX} characters or fewer"),
            NoControlCharacters(),
        ],
    )
    email = email_field("Work email address", "Enter your work email address")
    password = password_field("Password", "Enter a password")
    organisation = SelectField("Organisation", choices=[], validate_choice=True)
    sponsor_email = EmailField(
        "Sponsor's email address",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=f"Enter an email address of {EMAIL_MAX} characters or fewer"),
            NoControlCharacters(),
        ],
    )
    reason = TextAreaField(
        "Why you need an account",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=REASON_MAX, message=f"Give a reason of {REASON_MAX} characters or fewer"),
            NoControlCharacters(multiline=True),
        ],
    )


class EmailForm(FlaskForm):
    """Ask for an address: a new verification link, or a password reset link."""

    email = email_field()


class NewPasswordForm(FlaskForm):
    password = password_field("New password", "Enter a new password")


class ChangePasswordForm(FlaskForm):
    current_password = password_field("Current password", "Enter your current password")
    new_password = password_field("New password", "Enter a new password")


class TwoFactorConfirmForm(FlaskForm):
    code = code_field()


class PasswordCheckForm(FlaskForm):
    password = password_field("Your password", "Enter your password")


class PasswordOrCodeForm(FlaskForm):
    password = password_field(
        "Your password, or a code from your authenticator app",
        "Enter your password, or a code from your authenticator app",
    )


class ActionForm(FlaskForm):
    """A button and its CSRF token: no fields."""


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        filters=[_strip],
        validators=[
            DataRequired("Give a reason"),
            Length(max=REASON_MAX, message=f"Give a reason of {REASON_MAX} characters or fewer"),
            NoControlCharacters(multiline=True),
        ],
    )


class UserSearchForm(FlaskForm):
    """The administrator's filter over accounts (a GET form, so no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        "Name or email",
        filters=[_strip],
        validators=[Optional(), Length(max=EMAIL_MAX), NoControlCharacters()],
    )
    status = SelectField(
        "Status",
        choices=[
            SelectChoice("", "Any status"),
            SelectChoice("active", "Active"),
            SelectChoice("pending", "Pending"),
            SelectChoice("suspended", "Suspended"),
            SelectChoice("rejected", "Rejected"),
        ],
        default="",
        validate_choice=True,
    )
