"""Forms for the coordinators' privacy tools and the audit trail."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import EmailField, IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional


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

    action = StringField(
        "What happened",
        widget=GovTextInput(),
        description="For example booking.cancelled, or just booking",
        validators=[Optional(), Length(max=60)],
    )
    object_type = StringField(
        "Kind of record",
        widget=GovTextInput(),
        description="booking, course, person, user, attendancemark",
        validators=[Optional(), Length(max=40)],
    )
    object_id = IntegerField(
        "Record number",
        widget=GovTextInput(),
        validators=[Optional(), NumberRange(min=1, message="Enter a whole number")],
    )
    actor = StringField("Who", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    submit = SubmitField("Filter", widget=GovSubmitInput())
