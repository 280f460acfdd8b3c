"""Forms of moderation: a report, and a moderator's decision."""

from __future__ import annotations

from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from polka.communities.forms import Readable, choices
from polka.forms import HiddenIntegerField
from polka.forms import PolkaForm as FlaskForm
from polka.moderation.models import (
    HIDE_REASON_MAX,
    REPORT_TEXT_MAX,
    SILENCE_REASON_MAX,
    WORD_MAX,
    Outcome,
    ReportReason,
    WordAction,
)
from polka.moderation.rules import NEW_MEMBER_POSTS_MAX, SILENCE_DAYS


class ReportForm(FlaskForm):
    reason = RadioField(
        "Why are you reporting it?",
        choices=choices((reason.value, reason.label) for reason in ReportReason),
        validators=[InputRequired(message="Choose why you are reporting it")],
    )
    text = TextAreaField(
        "What is wrong with it (optional unless you chose “Something else”)",
        validators=[
            Length(max=REPORT_TEXT_MAX, message=f"Say it in {REPORT_TEXT_MAX} characters or fewer"),
            Readable(),
        ],
    )


def _reason(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            Length(max=HIDE_REASON_MAX, message=f"Say it in {HIDE_REASON_MAX} characters or fewer"),
            Readable(),
        ],
    )


class _Decision(FlaskForm):
    """A moderator's decision on one item of the queue (``kind`` and ``target`` name it)."""

    kind = HiddenField(validators=[InputRequired()])
    target = HiddenIntegerField(validators=[InputRequired()])


class DecisionForm(_Decision):
    outcome = RadioField(
        "Decision",
        choices=choices(
            [(Outcome.KEPT.value, "Keep it: nothing to change"), (Outcome.HIDDEN.value, "Hide it")]
        ),
        validators=[InputRequired(message="Choose whether to keep or hide it")],
    )
    reason = _reason("Reason for hiding it (its author sees this)")


class WordForm(FlaskForm):
    word = StringField(
        "Word or phrase",
        validators=[
            InputRequired(message="Enter a word or phrase"),
            Length(max=WORD_MAX, message=f"Enter {WORD_MAX} characters or fewer"),
            Readable(),
        ],
    )
    action = RadioField(
        "What happens to a post holding it",
        choices=choices((action.value, action.label) for action in WordAction),
        default=WordAction.BLOCK.value,
    )


class SilenceForm(FlaskForm):
    email = StringField(
        "The member's email address",
        validators=[InputRequired(message="Enter the member's email address"), Length(max=254), Readable()],
    )
    days = SelectField(
        "For how long",
        choices=choices((str(days), f"{days} day{'s' if days > 1 else ''}") for days in SILENCE_DAYS),
        default="7",
    )
    reason = StringField(
        "Reason (they see it)",
        validators=[
            InputRequired(message="Enter a reason"),
            Length(max=SILENCE_REASON_MAX, message=f"Say it in {SILENCE_REASON_MAX} characters or fewer"),
            Readable(),
        ],
    )


class ApprovalForm(_Decision):
    outcome = RadioField(
        "Decision",
        choices=choices([("approve", "Approve: publish it in its place"), ("reject", "Reject it")]),
        validators=[InputRequired(message="Choose whether to approve or reject it")],
    )
    reason = _reason("Reason for rejecting it (its author sees this)")


class NewMemberPostsForm(FlaskForm):
    posts = IntegerField(
        "How many of a new member's first posts wait for a moderator",
        validators=[
            InputRequired(message="Enter a number from 0 to 20"),
            NumberRange(min=0, max=NEW_MEMBER_POSTS_MAX, message="Enter a number from 0 to 20"),
        ],
    )
