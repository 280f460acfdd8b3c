"""Forms for administrators keeping the list of organisations."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from polka.forms import PolkaForm as FlaskForm
from polka.organisations.data import KINDS, REGIONS


class OrganisationForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Enter the organisation's name"), Length(max=160)])
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k, k.capitalize()) for k in KINDS],
        validate_choice=True,
        default=KINDS[0],
    )
    region = SelectField("Region", choices=[SelectChoice(r, r) for r in REGIONS], validate_choice=True)
    active = BooleanField("Users can choose this organisation", default=True)


class DomainForm(FlaskForm):
    domain = StringField(
        "Email domain",
        validators=[DataRequired("Enter an email domain, like force.police.uk"), Length(max=120)],
    )
