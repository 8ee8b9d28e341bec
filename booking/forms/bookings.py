"""Forms for booking a place, answering offers and the coordinators' booking actions."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, Regexp
from wtforms.validators import ValidationError as FieldError

from ..models import Group
from ..services.agencies import OTHER
from ..services.people import PERSON_FIELDS, classify_email
from ..services.requests import REQUEST_FIELDS
from ..words import GROUP_WORDS

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class BookingRequestForm(FlaskForm):
    """The public booking form. Nothing is booked until the emailed link is followed."""

    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Work email address",
        description="We will send a link to this address to confirm it is yours.",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your work email address"),
            Length(max=320, message="Your work email address must be 320 characters or fewer"),
            Email("Enter your work email address in the correct format, like name@example.com"),
        ],
    )
    job_title = StringField(
        "Job title",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your job title"),
            Length(max=200, message="Job title must be 200 characters or fewer"),
        ],
    )
    team = StringField(
        "Team or service",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter your team or service"),
            Length(max=200, message="Team or service must be 200 characters or fewer"),
        ],
    )
    organisation = StringField(
        "Organisation",
        description=(
            "If you do not work for Cumberland Council or Westmorland and Furness Council, "
            "tell us who you work for."
        ),
        widget=GovTextInput(),
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
    )
    agency = SelectField(
        "Partner agency",
        description=(
            "If you work for a partner agency, choose it. If it is not on the list, "
            "choose Other and tell us its name above."
        ),
        widget=GovSelect(),
        validators=[Optional()],
        invalid_choice_message="Choose one of the agencies shown, or Other",
    )
    line_manager_email = StringField(
        "Your line manager's email address (optional)",
        widget=GovTextInput(),
        validators=[
            Optional(),
            Length(
                max=320, message="Your line manager's email address must be 320 characters or fewer"
            ),
            Email(
                "Enter your line manager's email address in the correct format, "
                "like name@example.com"
            ),
        ],
    )
    support_needs = StringField(
        "Do you need any support or have any special requirements to attend?",
        description="Only the training team can see this. Leave it empty if not.",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Support needs must be 2000 characters or fewer")],
    )
    consent = BooleanField(
        "I agree to my details being used to arrange this training, as the privacy notice says",
        widget=GovCheckboxInput(),
        validators=[DataRequired("Tick the box to agree to how your details are used")],
    )
    submit = SubmitField("Send me a link to confirm", widget=GovSubmitInput())

    def __init__(self, *args, council_domains=(), agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.council_domains = list(council_domains)
        self.agency.choices = [
            SelectChoice("", "I work for the council, or I will not say"),
            *(SelectChoice(str(agency.id), agency.name) for agency in agencies),
            SelectChoice(OTHER, "Other"),
        ]

    def validate_organisation(self, field):
        email = (self.email.data or "").strip()
        is_partner = classify_email(email, self.council_domains) == Group.PARTNER
        if "@" in email and is_partner and not (field.data or "").strip():
            raise FieldError("Enter the organisation you work for")

    def for_signed_in(self, *, full: bool) -> None:
        """Someone signed in is booked at once, with no link: say so."""
        self.email.description = "You are signed in with this address."
        self.submit.label.text = "Join the waitlist" if full else "Book my place"

    def fill_from(self, person) -> None:
        """Start the form with what we already know about a signed-in person."""
        for name in ("email", *PERSON_FIELDS):
            getattr(self, name).data = getattr(person, name)

    def details(self) -> dict[str, str]:
        """What the booking service stores until the address is confirmed."""
        return {name: (getattr(self, name).data or "").strip() for name in REQUEST_FIELDS}


class ButtonForm(FlaskForm):
    """A form that is only a button (and its CSRF token): confirm, accept, decline, cancel."""

    submit = SubmitField("Continue", widget=GovSubmitInput())


class ConfirmForm(ButtonForm):
    """The button that uses a confirm link; it asks for the organisation when the link was
    sent to someone from a partner agency whose organisation we do not know (an email to
    the training mailbox gives no form to fill in)."""

    organisation = StringField(
        "Organisation",
        description="Tell us which organisation you work for.",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Organisation must be 200 characters or fewer")],
    )


class MoveForm(FlaskForm):
    course_id = RadioField(
        "Which date would you like instead?",
        coerce=int,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a date")],
        invalid_choice_message="Choose one of the dates shown",
        invalid_value_message="Choose one of the dates shown",
    )
    submit = SubmitField("Move my place", widget=GovSubmitInput())


REASON = "Reason"
REASON_HINT = "This is kept in the booking's history."


def _reason_field(message: str) -> StringField:
    return StringField(
        REASON,
        description=REASON_HINT,
        widget=GovTextArea(),
        validators=[
            DataRequired(message),
            Length(max=1000, message="Reason must be 1000 characters or fewer"),
        ],
    )


class CoordinatorAddForm(FlaskForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter their email address"), Email(EMAIL_FORMAT)],
    )
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired("Enter their full name"), Length(max=200)],
    )
    job_title = StringField("Job title", widget=GovTextInput(), validators=[Length(max=200)])
    team = StringField("Team or service", widget=GovTextInput(), validators=[Length(max=200)])
    organisation = StringField("Organisation", widget=GovTextInput(), validators=[Length(max=200)])
    support_needs = StringField(
        "Support needs or special requirements",
        widget=GovTextArea(),
        validators=[Length(max=2000)],
    )
    allow_over_capacity = BooleanField(
        "Add them even if the course is full", widget=GovCheckboxInput()
    )
    override_prerequisites = BooleanField(
        "They may come without the course this one needs first",
        description="Only if the course needs another one first. Your reason below is kept.",
        widget=GovCheckboxInput(),
    )
    reason = _reason_field("Say why you are adding this person")
    submit = SubmitField("Add to this course", widget=GovSubmitInput())

    def details(self) -> dict[str, str]:
        names = ("email", "full_name", "job_title", "team", "organisation", "support_needs")
        return {name: (getattr(self, name).data or "").strip() for name in names}


class CoordinatorCancelForm(FlaskForm):
    reason = _reason_field("Say why this booking is being cancelled")
    submit = SubmitField("Cancel this booking", widget=GovSubmitInput())


class CoordinatorPromoteForm(FlaskForm):
    reason = _reason_field("Say why this person is being given a place")
    submit = SubmitField("Give them a place now", widget=GovSubmitInput())


class CoordinatorMoveForm(FlaskForm):
    course_id = SelectField(
        "Move to",
        coerce=int,
        widget=GovSelect(),
        validators=[InputRequired("Choose a course")],
        invalid_choice_message="Choose one of the courses shown",
        invalid_value_message="Choose one of the courses shown",
    )
    allow_over_capacity = BooleanField(
        "Move them even if that course is full", widget=GovCheckboxInput()
    )
    reason = _reason_field("Say why this booking is being moved")
    submit = SubmitField("Move this booking", widget=GovSubmitInput())


class CoordinatorPriorityForm(FlaskForm):
    priority = StringField(
        "Queue priority",
        description="People with a number come first, lowest number first. Leave empty to clear.",
        widget=GovTextInput(),
        validators=[Regexp(r"^\s*\d{0,4}\s*$", message="Enter a whole number from 0 to 9999")],
    )
    reason = _reason_field("Say why their place in the queue is changing")
    submit = SubmitField("Save queue priority", widget=GovSubmitInput())

    def priority_value(self) -> int | None:
        text = (self.priority.data or "").strip()
        return int(text) if text else None


class CoordinatorGroupForm(FlaskForm):
    group = RadioField(
        "Which group are they in?",
        description="Their email address decides this unless you change it here.",
        choices=[SelectChoice(group.value, GROUP_WORDS[group]) for group in Group],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a group")],
        invalid_choice_message="Choose one of the groups shown",
    )
    reason = _reason_field("Say why their group is changing")
    submit = SubmitField("Change group", widget=GovSubmitInput())


def choices(pairs) -> list[SelectChoice]:
    """Options for a radio or select field from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
