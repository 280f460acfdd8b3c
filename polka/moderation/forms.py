"""Forms of moderation: a report, and a moderator's decision."""

from __future__ import annotations

from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.validators import InputRequired, Length

from polka.communities.forms import Readable, choices
from polka.forms import HiddenIntegerField
from polka.forms import PolkaForm as FlaskForm
from polka.moderation.models import HIDE_REASON_MAX, REPORT_TEXT_MAX, Outcome, ReportReason


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


class DecisionForm(FlaskForm):
    kind = HiddenField(validators=[InputRequired()])
    target = HiddenIntegerField(validators=[InputRequired()])
    outcome = RadioField(
        "Decision",
        choices=choices(
            [(Outcome.KEPT.value, "Keep it: nothing to change"), (Outcome.HIDDEN.value, "Hide it")]
        ),
        validators=[InputRequired(message="Choose whether to keep or hide it")],
    )
    reason = TextAreaField(
        "Reason for hiding it (its author sees this)",
        validators=[
            Length(max=HIDE_REASON_MAX, message=f"Say it in {HIDE_REASON_MAX} characters or fewer"),
            Readable(),
        ],
    )
