"""Forms for the coordinators' privacy tools and the audit trail."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import EmailField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..words import AUDIT_ACTION_WORDS, AUDIT_RECORD_WORDS

#: The areas of the audit trail, to choose every action in one ("booking" matches
#: "booking.cancelled", "booking.moved" ...).
AUDIT_AREAS = {
    "account": "Anything about coordinator accounts",
    "attendance": "Anything about registers",
    "booking": "Anything about bookings",
    "course": "Anything about courses",
    "mailbox": "Anything about emails to the training team",
    "person": "Anything about people",
    "training": "Anything about completed training",
    "venue": "Anything about venues",
}


def _action_choices() -> list[SelectChoice]:
    """Any; then each area; then each action, by its words (the values are the codes)."""
    actions = sorted(AUDIT_ACTION_WORDS.items(), key=lambda item: item[1].lower())
    return (
        [SelectChoice("", "Anything")]
        + [SelectChoice(code, words) for code, words in AUDIT_AREAS.items()]
        + [SelectChoice(code, words) for code, words in actions]
    )


class FindPersonForm(FlaskForm):
    """Posted (with its CSRF token), so the address never appears in a web address."""

    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter their email address"), Length(max=320)],
    )
    submit = SubmitField("Find", widget=GovSubmitInput())


class EraseForm(FlaskForm):
    reason = TextAreaField(
        "Why are you erasing this person's details?",
        widget=GovTextArea(),
        description="For example, they asked us to. This is kept in the audit trail.",
        validators=[DataRequired("Say why you are erasing their details"), Length(max=1000)],
    )
    submit = SubmitField("Erase their details", widget=GovSubmitInput())


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # filters a read-only list

    action = SelectField(
        "What happened",
        widget=GovSelect(),
        choices=_action_choices(),
        validators=[Optional()],
    )
    object_type = SelectField(
        "Kind of record",
        widget=GovSelect(),
        choices=[SelectChoice("", "Any")]
        + [SelectChoice(code, words) for code, words in AUDIT_RECORD_WORDS.items()],
        validators=[Optional()],
    )
    object_id = IntegerField(
        "Record number",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, message="Enter a whole number")],
    )
    actor = StringField("Who", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    submit = SubmitField("Filter", widget=GovSubmitInput())
