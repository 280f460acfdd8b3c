"""Forms for writing wiki pages: creating and editing (with preview and conflict resolution)."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from polka.communities.forms import Readable, choices
from polka.forms import HiddenIntegerField, IdChoiceField
from polka.forms import PolkaForm as FlaskForm
from polka.markings import Marking
from polka.markup import MAX_SOURCE_CHARS
from polka.wiki.models import SUMMARY_MAX, TITLE_MAX

MARKING_CHOICES = choices((m.value, m.value) for m in Marking)
MARKING_HINTS = {
    Marking.OFFICIAL.value: "Most police information: may be shared with any POLKA user who can read this community",
    Marking.OFFICIAL_SENSITIVE.value: "Need to know: only members of this community can see it",
}


class _PageText(FlaskForm):
    body = TextAreaField(
        "Page text",
        validators=[
            Length(
                max=MAX_SOURCE_CHARS, message=f"The text must be {MAX_SOURCE_CHARS:,} characters or fewer"
            ),
            Readable(),
        ],
    )
    summary = StringField(
        "Summary of your changes (optional)",
        validators=[
            Length(max=SUMMARY_MAX, message=f"The summary must be {SUMMARY_MAX} characters or fewer"),
            Readable(),
        ],
    )
    marking = RadioField("Marking", choices=MARKING_CHOICES, default=Marking.OFFICIAL.value)


class NewPageForm(_PageText):
    title = StringField(
        "Title",
        validators=[
            InputRequired(message="Enter a title"),
            Length(max=TITLE_MAX, message=f"The title must be {TITLE_MAX} characters or fewer"),
            Readable(),
        ],
    )
    parent = IdChoiceField("Parent page (optional)", message="Choose a parent page from the list")

    def set_parents(self, pages: list[tuple[int, str]]) -> None:
        self.parent.choices = choices([("", "None – a top-level page"), *((str(i), t) for i, t in pages)])

    def parent_id(self) -> int | None:
        return self.parent.selected_id


class EditPageForm(_PageText):
    #: the approved revision the editor started from, and the marking the page had then
    base = HiddenIntegerField(validators=[InputRequired(), NumberRange(min=0, max=10**9)])
    base_marking = HiddenField()


class TemplateChoiceForm(FlaskForm):
    """The GET form on the new-page screen choosing a template to start from."""

    class Meta:
        csrf = False

    template = SelectField("Start from a template", choices=[], validate_choice=False, default="")
    title = StringField(validators=[Optional(), Length(max=TITLE_MAX)])
    parent = StringField(validators=[Optional(), Length(max=20)])
