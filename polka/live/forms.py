"""Forms of live sessions: scheduling one, a question, a moderator's decisions, an answer.

Dates, times and people are taken as typed and checked by the services, which name the field of every
refusal; the forms only keep what was typed."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, StringField, TextAreaField

from polka.communities.forms import Readable, choices
from polka.forms import IdChoiceField
from polka.forms import PolkaForm as FlaskForm
from polka.live.models import ANSWER_MAX, QUESTION_MAX, REASON_MAX
from polka.markings import Marking

MARKING_HINTS = {
    Marking.OFFICIAL.value: "Anyone who can read this community sees the session, its questions and answers",
    Marking.OFFICIAL_SENSITIVE.value: "Need to know: only members of this community see it or take part",
}


def _text(label: str, description: str = "") -> StringField:
    return StringField(label, validators=[Readable()], description=description)


class SessionForm(FlaskForm):
    title = _text("Title")
    description = TextAreaField("Description (optional)", validators=[Readable()])
    date = _text("Date")
    opens = _text("Opens at")
    closes = _text("Closes at")
    panel = _text("Panel")
    moderators = _text("Moderators")
    event = _text("Event (optional)")
    marking = RadioField(
        "Marking", choices=choices((m.value, m.value) for m in Marking), default=Marking.OFFICIAL.value
    )
    advance_questions = BooleanField("Take questions before the session opens", default=True)
    anonymous_allowed = BooleanField("Participants may ask anonymously")


class QuestionForm(FlaskForm):
    body = TextAreaField(
        "Your question", validators=[Readable()], description=f"At most {QUESTION_MAX:,} characters"
    )
    anonymous = BooleanField("Ask anonymously")


class WordingForm(FlaskForm):
    """A moderator's wording of a question (approving it edited, or editing an approved one)."""

    body = TextAreaField(
        "Wording", validators=[Readable()], description=f"At most {QUESTION_MAX:,} characters"
    )


class ReasonForm(FlaskForm):
    reason = _text("Reason", f"At most {REASON_MAX} characters")


class MergeForm(FlaskForm):
    into = IdChoiceField("Merge it into", message="Choose an approved question from the list")


class AnswerForm(FlaskForm):
    body = TextAreaField(
        "Your answer",
        validators=[Readable()],
        description=f"At most {ANSWER_MAX:,} characters. You can use Markdown.",
    )
    answered = BooleanField("Mark the question answered", default=True)
