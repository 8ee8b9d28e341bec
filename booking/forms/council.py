"""Forms for administrators linking coordinators' accounts to council accounts."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


class LinkCouncilAccountForm(FlaskForm):
    provider = SelectField(
        "Council",
        widget=GovSelect(),
        invalid_choice_message="Choose a council from the list",
        validators=[DataRequired("Choose a council")],
    )
    subject = StringField(
        "Subject identifier",
        widget=GovTextInput(),
        description=(
            "The identifier the council's sign-in gives for this person. It is on the audit "
            "trail when their council sign-in found no account."
        ),
        validators=[DataRequired("Enter the subject identifier"), Length(max=255)],
    )
    submit = SubmitField("Link council account", widget=GovSubmitInput())
