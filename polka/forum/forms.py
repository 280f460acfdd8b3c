"""Forms of the forum: a category (managers), a new topic, a reply, a poll and a decision."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from polka.communities.forms import Readable, choices
from polka.forms import PolkaForm as FlaskForm
from polka.forum.models import (
    CATEGORY_DESCRIPTION_MAX,
    CATEGORY_TITLE_MAX,
    DECISION_MAX,
    POLL_QUESTION_MAX,
    POST_MAX,
    TOPIC_TITLE_MAX,
    CategoryMode,
    PollResults,
)
from polka.markings import Marking
from polka.tags import TAGS_MAX

MARKING_CHOICES = choices((m.value, m.value) for m in Marking)
MARKING_HINTS = {
    Marking.OFFICIAL.value: "Most police information: anyone who can read this community's forum can read the topic",
    Marking.OFFICIAL_SENSITIVE.value: "Need to know: only members of this community can see the topic and its replies",
}


def _checked(limit: int, too_long: str, required: str | None = None) -> list[object]:
    """A text field's checks: given (saying ``required`` when it is not), at most ``limit`` characters
    (saying ``too_long``), nothing unreadable."""
    validators: list[object] = [Length(max=limit, message=too_long), Readable()]
    return [InputRequired(message=required), *validators] if required is not None else validators


def _body(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=_checked(
            POST_MAX, f"A post must be {POST_MAX:,} characters or fewer", "Enter your message"
        ),
    )


def _title(label: str) -> StringField:
    return StringField(
        label,
        validators=_checked(
            TOPIC_TITLE_MAX, f"The title must be {TOPIC_TITLE_MAX} characters or fewer", "Enter a title"
        ),
    )


def _tags(label: str) -> StringField:
    return StringField(label, validators=_checked(TAGS_MAX, "The tags are too long together: use fewer"))


class CategoryForm(FlaskForm):
    title = StringField(
        "Name",
        validators=_checked(
            CATEGORY_TITLE_MAX, f"The name must be {CATEGORY_TITLE_MAX} characters or fewer", "Enter a name"
        ),
    )
    description = StringField(
        "Description (optional)",
        validators=_checked(
            CATEGORY_DESCRIPTION_MAX,
            f"The description must be {CATEGORY_DESCRIPTION_MAX} characters or fewer",
        ),
    )
    mode = RadioField(
        "Who may post",
        choices=choices((mode.value, mode.label) for mode in CategoryMode),
        default=CategoryMode.OPEN.value,
    )
    premoderated = BooleanField("Every post waits for a moderator's approval")


class TopicForm(FlaskForm):
    title = _title("Title")
    body = _body("Your message")
    is_question = BooleanField("This is a question: someone can answer it")
    with_poll = BooleanField("Add a poll to it next")
    tags = _tags("Tags (optional)")
    marking = RadioField("Marking", choices=MARKING_CHOICES, default=Marking.OFFICIAL.value)


class ReplyForm(FlaskForm):
    body = _body("Your reply")


class PollForm(FlaskForm):
    question = StringField(
        "Question",
        validators=_checked(
            POLL_QUESTION_MAX,
            f"The question must be {POLL_QUESTION_MAX} characters or fewer",
            "Enter the question",
        ),
    )
    options = TextAreaField(
        "Options, one per line",
        validators=[InputRequired(message="Give at least 2 options, one per line"), Readable()],
    )
    multiple = BooleanField("Voters may choose more than one option")
    named = RadioField(
        "Who voted for what",
        choices=choices(
            [
                ("anonymous", "Anonymous: nobody is shown who chose what"),
                ("named", "Named: everyone who can read the topic sees who chose each option"),
            ]
        ),
        default="anonymous",
    )
    results = RadioField(
        "When the results show",
        choices=choices((results.value, results.label) for results in PollResults),
        default=PollResults.AFTER_VOTING.value,
    )
    closes_at = StringField("Closes at (UK time, optional)", validators=[Readable()])


class DecisionForm(FlaskForm):
    decision = TextAreaField(
        "Decision",
        validators=_checked(DECISION_MAX, f"A decision must be {DECISION_MAX:,} characters or fewer"),
    )


class TagsForm(FlaskForm):
    tags = _tags("Tags")


class MoveForm(FlaskForm):
    category = StringField(
        "Move it to", validators=[InputRequired(message="Choose a category from the list")]
    )


class MergeForm(FlaskForm):
    target = StringField(
        "The topic to merge it into",
        validators=[InputRequired(message="Enter the number of the topic to merge into, or its address")],
    )


class SplitForm(FlaskForm):
    title = _title("Title of the new topic")
    category = StringField("Category", validators=[InputRequired(message="Choose a category from the list")])
