"""Forms for finding, joining, managing and requesting communities."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Email, Length, NumberRange, Optional, ValidationError

from polka.communities.models import Role, Visibility
from polka.communities.services import DESCRIPTION_MAX, NAME_MAX, REASON_MAX, SUMMARY_MAX
from polka.forms import PolkaForm as FlaskForm
from polka.markings import Marking
from polka.organisations.data import REGIONS


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


VISIBILITY_CHOICES = choices(
    [
        (Visibility.OPEN.value, "Open"),
        (Visibility.RESTRICTED.value, "Restricted"),
        (Visibility.PRIVATE.value, "Private"),
    ]
)
VISIBILITY_HINTS = {
    Visibility.OPEN.value: "Every POLKA user can read it and join at once",
    Visibility.RESTRICTED.value: "Listed for everyone; content for members; people ask to join and a manager decides",
    Visibility.PRIVATE.value: "Unlisted; only people a manager invites know it exists",
}
CEILING_CHOICES = choices((m.value, m.value) for m in Marking)
CEILING_HINTS = {
    Marking.OFFICIAL.value: "Only OFFICIAL material may be shared",
    Marking.OFFICIAL_SENSITIVE.value: "OFFICIAL-SENSITIVE material may be shared with members (need to know)",
}
ROLE_CHOICES = choices((r.value, r.value.capitalize()) for r in Role)
REGION_CHOICES = choices([("", "No region"), *((r, r) for r in REGIONS)])


class Readable:
    """Refuse NUL characters and bytes that were not valid UTF-8 (decoded as U+FFFD)."""

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and ("\x00" in field.data or "\ufffd" in field.data):
            raise ValidationError(f"{field.label.text} contains characters that cannot be stored")


def _too_long(label: str, limit: int) -> str:
    return f"{label} must be {limit:,} characters or fewer"


class SearchForm(FlaskForm):
    """The index's search and filters (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    q = StringField(
        "Search by name or summary",
        validators=[Length(max=120, message=_too_long("Search", 120)), Readable()],
    )
    region = SelectField(
        "Region", choices=choices([("", "All regions"), *((r, r) for r in REGIONS)]), default=""
    )
    mine = SelectField(
        "Show", choices=choices([("", "All communities"), ("1", "My communities")]), default=""
    )
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=100_000)])


class MessageForm(FlaskForm):
    """An optional message: asking to join, or a manager's note on a decision."""

    message = TextAreaField(
        "Message (optional)",
        validators=[Length(max=REASON_MAX, message=_too_long("The message", REASON_MAX)), Readable()],
    )


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the email address of the person to invite"),
            Length(max=254, message=_too_long("The email address", 254)),
            Readable(),
            Email("Enter an email address in the correct format, like name@force.police.uk"),
        ],
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.MEMBER.value)
    message = TextAreaField(
        "Message (optional)",
        validators=[Length(max=REASON_MAX, message=_too_long("The message", REASON_MAX)), Readable()],
    )


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class CommunityForm(FlaskForm):
    """A community's settings (managers) — also the first part of asking for a new one."""

    name = StringField(
        "Name",
        validators=[
            DataRequired("Enter a name for the community"),
            Length(max=NAME_MAX, message=_too_long("The name", NAME_MAX)),
            Readable(),
        ],
    )
    summary = StringField(
        "Summary",
        validators=[Length(max=SUMMARY_MAX, message=_too_long("The summary", SUMMARY_MAX)), Readable()],
    )
    description = TextAreaField(
        "Description",
        validators=[
            Length(max=DESCRIPTION_MAX, message=_too_long("The description", DESCRIPTION_MAX)),
            Readable(),
        ],
    )
    visibility = RadioField("Who can see it", choices=VISIBILITY_CHOICES, default=Visibility.OPEN.value)
    marking_ceiling = RadioField("Marking ceiling", choices=CEILING_CHOICES, default=Marking.OFFICIAL.value)
    region = SelectField("Region", choices=REGION_CHOICES, default="")
    parent = SelectField("Parent community", choices=choices([("", "None")]), default="")

    def set_parents(self, parents: list[Any]) -> None:
        self.parent.choices = choices(
            [("", "None (a top-level community)"), *((str(c.id), c.name) for c in parents)]
        )

    def parent_id(self) -> int | None:
        return int(self.parent.data) if self.parent.data else None


class CommunitySettingsForm(CommunityForm):
    """A community's settings as its managers change them: the community's fields and its rules."""

    second_approver = RadioField(
        "Approving a document version",
        choices=choices(
            [
                ("yes", "Needs a second person: moderators cannot approve versions they uploaded"),
                ("no", "Moderators may approve versions they uploaded themselves"),
            ]
        ),
        default="yes",
        validate_choice=False,
        # Absent (a form from before the question existed): the setting is left as it is.
        validators=[AnyOf(["yes", "no", None], message="Select whether approval needs a second person")],
    )


class CommunityRequestForm(CommunityForm):
    reason = TextAreaField(
        "Why is this community needed?",
        validators=[
            DataRequired("Say why the community is needed"),
            Length(max=REASON_MAX, message=_too_long("The reason", REASON_MAX)),
            Readable(),
        ],
    )


class RejectForm(FlaskForm):
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Give a reason for rejecting the request"),
            Length(max=REASON_MAX, message=_too_long("The reason", REASON_MAX)),
            Readable(),
        ],
    )
