"""Forms of the events: an event or series, one occurrence moved or held elsewhere, a cancellation.

Dates, times, zones and rules are taken as typed and checked by the services (``polka.localtime``,
``polka.recurrence``), which name the field of every refusal; the form only keeps what was typed."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField

from polka.communities.forms import Readable, choices
from polka.events.models import ACTION_MAX, CANCEL_REASON_MAX, NOTE_MAX, Answer, PaperRole
from polka.forms import HiddenIntegerField
from polka.forms import PolkaForm as FlaskForm
from polka.localtime import DEFAULT_ZONE, Fold
from polka.markings import Marking
from polka.recurrence import Repeat

MARKING_HINTS = {
    Marking.OFFICIAL.value: "Anyone who can read this community's calendar sees the event",
    Marking.OFFICIAL_SENSITIVE.value: "Need to know: only members of this community see it, and calendar "
    "apps show only that there is an event, with its time and a link",
}
REPEAT_LABELS = {
    Repeat.NEVER: "Does not repeat",
    Repeat.WEEKLY: "Every week",
    Repeat.FORTNIGHTLY: "Every two weeks",
    Repeat.MONTHLY_DATE: "Every month on the same date",
    Repeat.MONTHLY_WEEKDAY: "Every month on the same weekday (for example, the second Tuesday)",
    Repeat.QUARTERLY: "Every three months on the same weekday",
    Repeat.YEARLY: "Every year",
}
#: The zones offered first; any other IANA zone name may be typed.
COMMON_ZONES = (
    DEFAULT_ZONE,
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Brussels",
    "Europe/Madrid",
    "Atlantic/Canary",
    "America/New_York",
    "Asia/Dubai",
    "UTC",
)
_FOLD_CHOICES = choices(
    [
        (Fold.FIRST.value, "The first: still on summer time (BST), before the clocks go back"),
        (Fold.SECOND.value, "The second: back on winter time (GMT), an hour later"),
    ]
)


def _text(label: str) -> StringField:
    return StringField(label, validators=[Readable()])


class EventForm(FlaskForm):
    title = _text("Title")
    description = TextAreaField("Description (optional)", validators=[Readable()])
    all_day = BooleanField("All day (one day or several)")
    start_date = _text("Start date")
    start_time = _text("Start time")
    start_fold = RadioField("Which 01:00–02:00 is meant?", choices=_FOLD_CHOICES, validate_choice=False)
    end_date = _text("End date (if it ends on another day)")
    end_time = _text("End time")
    end_fold = RadioField("Which 01:00–02:00 is meant?", choices=_FOLD_CHOICES, validate_choice=False)
    zone = _text("Time zone")
    repeat = SelectField(
        "Repeats", choices=choices((r.value, REPEAT_LABELS[r]) for r in Repeat), default=Repeat.NEVER.value
    )
    repeat_end = RadioField(
        "The series ends",
        choices=choices([("count", "After a number of times"), ("until", "On a date")]),
        default="count",
    )
    repeat_count = _text("Number of times")
    repeat_until = _text("Last date")
    location = _text("Where (optional)")
    online_link = _text("Joining link for an online meeting (optional)")
    organiser = _text("Organiser (optional)")
    contact = _text("Contact (optional)")
    capacity = _text("Places (optional)")
    marking = RadioField(
        "Marking", choices=choices((m.value, m.value) for m in Marking), default=Marking.OFFICIAL.value
    )
    invitation_only = BooleanField("By invitation only")
    names_shown = BooleanField("Attendees see who else is going")
    minutes_taken = BooleanField("Minutes are taken at this meeting")
    #: the event's ``sequence`` the form was made from (a change made since is not overwritten)
    version = HiddenIntegerField(default=0)


class OccurrenceForm(FlaskForm):
    start_date = _text("Date")
    start_time = _text("Start time")
    start_fold = RadioField("Which 01:00–02:00 is meant?", choices=_FOLD_CHOICES, validate_choice=False)
    end_date = _text("End date (if it ends on another day)")
    end_time = _text("End time")
    end_fold = RadioField("Which 01:00–02:00 is meant?", choices=_FOLD_CHOICES, validate_choice=False)
    location = _text("Where")


class CancelForm(FlaskForm):
    reason = StringField(
        "Why (optional: attendees are shown it)",
        validators=[Readable()],
        description=f"At most {CANCEL_REASON_MAX} characters",
    )


class AnswerForm(FlaskForm):
    answer = RadioField(
        "Are you coming?", choices=choices((a.value, a.label) for a in Answer), validate_choice=False
    )
    note = StringField(
        "Note (optional)",
        validators=[Readable()],
        description=f"For the organiser: at most {NOTE_MAX} characters",
    )


class InviteForm(FlaskForm):
    handles = TextAreaField("Who to invite", validators=[Readable()])


_ROLES = choices((role.value, role.label) for role in PaperRole)


class PaperForm(FlaskForm):
    """A paper uploaded from the event's page into the library (the file comes with the request)."""

    role = RadioField("It is", choices=_ROLES, default=PaperRole.PAPER.value, validate_choice=False)
    title = _text("Title (optional: the file's name otherwise)")
    marking = RadioField(
        "Marking", choices=choices((m.value, m.value) for m in Marking), default=Marking.OFFICIAL.value
    )


class LinkForm(FlaskForm):
    """A document already in a library, added to the pack: by its title or number, then, when the
    words match several, by choosing one."""

    role = RadioField("It is", choices=_ROLES, default=PaperRole.PAPER.value, validate_choice=False)
    target = _text("The document's title or number")
    choice = RadioField("Which one?", choices=[], validate_choice=False)


class ActionForm(FlaskForm):
    what = StringField(
        "What is to be done", validators=[Readable()], description=f"At most {ACTION_MAX} characters"
    )
    who = _text("Who will do it (their @handle)")
    due = _text("By when")
