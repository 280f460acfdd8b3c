"""The preferences form: how often each reason is emailed, when digests come, and pausing email."""

from __future__ import annotations

from typing import Any

from wtforms import IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from polka.forms import PolkaForm
from polka.notifications.preferences import MAX_PAUSE_DAYS, WEEKDAYS, Preferences
from polka.notifications.reasons import ABOUT, Frequency, Reason

FREQUENCY_CHOICES = [
    SelectChoice(Frequency.IMMEDIATELY.value, "At once"),
    SelectChoice(Frequency.DAILY.value, "In a daily digest"),
    SelectChoice(Frequency.WEEKLY.value, "In a weekly digest"),
    SelectChoice(Frequency.NEVER.value, "Never (only in POLKA)"),
]


def _hour(hour: int) -> str:
    return f"{hour:02d}:00"


class PreferencesForm(PolkaForm):
    """A question for each reason (``reason_<value>``, added below), and the digests' time."""

    digest_hour = SelectField(
        "Time of day for digests (UK time)",
        choices=[SelectChoice(str(hour), _hour(hour)) for hour in range(24)],
        coerce=int,
    )
    digest_weekday = SelectField(
        "Day of the week for the weekly digest",
        choices=[SelectChoice(str(day), name) for day, name in enumerate(WEEKDAYS)],
        coerce=int,
    )


for _reason in Reason:
    setattr(
        PreferencesForm,
        f"reason_{_reason.value}",
        RadioField(
            ABOUT[_reason].label,
            choices=FREQUENCY_CHOICES,
            validators=[InputRequired("Choose how often to be emailed.")],
        ),
    )


def preferences_form(prefs: Preferences, **kwargs: Any) -> PreferencesForm:
    """The form filled with ``prefs`` (what was sent, when it was sent)."""
    chosen = {f"reason_{reason.value}": frequency.value for reason, frequency in prefs.frequencies.items()}
    return PreferencesForm(
        digest_hour=prefs.digest_hour, digest_weekday=prefs.digest_weekday, **chosen, **kwargs
    )


def chosen_frequencies(form: Any) -> dict[Reason, Frequency]:
    return {reason: Frequency(form[f"reason_{reason.value}"].data) for reason in Reason}


class PauseForm(PolkaForm):
    days = IntegerField(
        "Pause all email for how many days?",
        validators=[
            InputRequired("Enter how many days to pause email for, like 14."),
            NumberRange(1, MAX_PAUSE_DAYS, f"Pause email for 1 to {MAX_PAUSE_DAYS} days."),
        ],
    )
