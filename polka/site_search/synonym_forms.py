"""The form administrators keep the thesaurus with: one group of terms that mean the same."""

from __future__ import annotations

from wtforms import TextAreaField
from wtforms.validators import DataRequired

from polka.forms import PolkaForm as FlaskForm


class SynonymGroupForm(FlaskForm):
    # The length and every other rule are the service's (``polka.search.thesaurus.check_group``), so a
    # form and an import get the same messages.
    terms = TextAreaField(
        "Terms that mean the same", validators=[DataRequired("Enter the terms, one a line")]
    )
