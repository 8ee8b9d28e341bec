"""Forms for the coordinators' list of partner agencies."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectChoice, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length


class AgencyForm(FlaskForm):
    name = StringField(
        "Name of the agency",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the agency’s name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    domains = TextAreaField(
        "Email domains",
        description=(
            "One on each line, like cumbria.police.uk. People with an address there are "
            "linked to this agency. If other organisations share the domain, add a colon and "
            "words the organisation’s name contains, like nhs.net: North Cumbria"
        ),
        widget=GovTextArea(),
        validators=[Length(max=4000, message="The domains must be 4000 characters or fewer")],
    )
    contact_email = StringField(
        "Contact’s email address (optional)",
        description=(
            "This person can sign in with an emailed link and see who from the agency is "
            "booked, waiting or trained."
        ),
        widget=GovTextInput(),
        validators=[Length(max=320, message="The address must be 320 characters or fewer")],
    )
    submit = SubmitField("Save agency", widget=GovSubmitInput())

    def fill_from(self, agency) -> None:
        self.name.data = agency.name
        self.contact_email.data = agency.contact_email
        self.domains.data = "\n".join(
            f"{d.domain}: {d.name_contains}" if d.name_contains else d.domain
            for d in agency.domains
        )


class LinkAgencyForm(FlaskForm):
    agency = SelectField(
        "Agency",
        widget=GovSelect(),
        validators=[DataRequired("Choose an agency")],
        invalid_choice_message="Choose one of the agencies shown",
    )
    submit = SubmitField("Link", widget=GovSubmitInput())

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agency.choices = [
            SelectChoice("", "Choose an agency"),
            *(SelectChoice(str(a.id), a.name) for a in agencies),
        ]
