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


def _body(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            InputRequired(message="Enter your message"),
            Length(max=POST_MAX, message=f"A post must be {POST_MAX:,} characters or fewer"),
            Readable(),
        ],
    )


def _title(label: str) -> StringField:
    return StringField(
        label,
        validators=[
            InputRequired(message="Enter a title"),
            Length(max=TOPIC_TITLE_MAX, message=f"The title must be {TOPIC_TITLE_MAX} characters or fewer"),
            Readable(),
        ],
    )


class CategoryForm(FlaskForm):
    title = StringField(
        "Name",
        validators=[
            InputRequired(message="Enter a name"),
            Length(
                max=CATEGORY_TITLE_MAX, message=f"The name must be {CATEGORY_TITLE_MAX} characters or fewer"
            ),
            Readable(),
        ],
    )
    description = StringField(
        "Description (optional)",
        validators=[
            Length(
                max=CATEGORY_DESCRIPTION_MAX,
                message=f"The description must be {CATEGORY_DESCRIPTION_MAX} characters or fewer",
            ),
            Readable(),
        ],
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
    tags = StringField(
        "Tags (optional)",
        validators=[Length(max=TAGS_MAX, message="The tags are too long together: use fewer"), Readable()],
    )
    marking = RadioField("Marking", choices=MARKING_CHOICES, default=Marking.OFFICIAL.value)


class ReplyForm(FlaskForm):
    body = _body("Your reply")


class PollForm(FlaskForm):
    question = StringField(
        "Question",
        validators=[
            InputRequired(message="Enter the question"),
            Length(
                max=POLL_QUESTION_MAX, message=f"The question must be {POLL_QUESTION_MAX} characters or fewer"
            ),
            Readable(),
        ],
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
        validators=[
            Length(max=DECISION_MAX, message=f"A decision must be {DECISION_MAX:,} characters or fewer"),
            Readable(),
        ],
    )


class TagsForm(FlaskForm):
    tags = StringField(
        "Tags",
        validators=[Length(max=TAGS_MAX, message="The tags are too long together: use fewer"), Readable()],
    )


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
