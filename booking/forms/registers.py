"""Forms for registers: one person's mark, and a walk-in."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import BooleanField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional

from ..models import Mark

MARK_CHOICES = [
    SelectChoice(Mark.PRESENT.value, "Present"),
    SelectChoice(Mark.LATE.value, "Late"),
    SelectChoice(Mark.LEFT_EARLY.value, "Left early"),
    SelectChoice(Mark.ABSENT.value, "Absent"),
]


class MarkForm(FlaskForm):
    """One person's mark for one day (the register renders the fields itself, per person)."""

    mark = RadioField(
        "Mark",
        choices=MARK_CHOICES,
        validators=[InputRequired("Choose present, late, left early or absent.")],
    )
    #: Only read with "left early": whether the day still counts towards completing.
    counts = BooleanField("The day still counts")
    reason = StringField("Reason for the change", validators=[Optional(), Length(max=500)])


class WalkInForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their email address."),
            Email("Enter an email address, like name@example.com."),
            Length(max=320),
        ],
    )
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        description="Not needed if they have booked with us before.",
        validators=[Optional(), Length(max=200)],
    )
    job_title = StringField(
        "Job title", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    team = StringField("Team", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    organisation = StringField(
        "Organisation", widget=GovTextInput(), validators=[Optional(), Length(max=200)]
    )
    reason = TextAreaField(
        "Reason (if the course is full, or the day is over)",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=1000)],
    )
    submit = SubmitField("Add and mark present", widget=GovSubmitInput())


class CheckInForm(FlaskForm):
    """A check-in code typed at the door."""

    code = StringField(
        "Check-in code",
        widget=GovTextInput(),
        description="6 letters and numbers, from their email or booking page.",
        validators=[
            InputRequired("Enter the code from their email or booking page."),
            Length(max=40),
        ],
    )
    submit = SubmitField("Check in", widget=GovSubmitInput())
