"""Forms for the coordinators' mailbox triage list."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


class BookFromMessageForm(FlaskForm):
    """Choose whose place and which course (choices are set by the view)."""

    person = RadioField(
        "Whose place?",
        widget=GovRadioInput(),
        description=(
            "The sender is booked now. Anyone else gets an email with their own link to "
            "confirm the place."
        ),
        validators=[DataRequired(message="Choose whose place to book")],
    )
    course_id = RadioField(
        "Which course?",
        widget=GovRadioInput(),
        description="Courses that have not started yet, soonest first.",
        coerce=int,
        validators=[InputRequired(message="Choose a course")],
    )
    #: Shown only when the sender is from a partner agency and we do not know who for.
    organisation = StringField(
        "Organisation",
        widget=GovTextInput(),
        description="They are from a partner agency. Which organisation do they work for?",
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
    )
    book = SubmitField("Book the place", widget=GovSubmitInput())


class ReplyWithCalendarForm(FlaskForm):
    reply = SubmitField("Reply with a link to the course calendar", widget=GovSubmitInput())


class CloseMessageForm(FlaskForm):
    note = TextAreaField(
        "Note",
        widget=GovTextArea(),
        description="Say what you did, for example ‘Phoned them and booked 3 March’.",
        validators=[
            InputRequired(message="Write a note saying what you did with this message"),
            Length(max=2000, message="Keep the note under 2,000 characters"),
        ],
    )
    close = SubmitField("Close this message", widget=GovSubmitInput())
