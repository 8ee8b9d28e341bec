"""Forms for course types: what a kind of course is, for whom, and its defaults."""

from __future__ import annotations

from datetime import time

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..services.course_types import CourseTypeDetails
from ..time_limits import CUTOFF_TIME, CUTOFF_WORKING_DAYS_BEFORE, RELEASE_BEFORE
from ..words import time_of_day
from .fields import ClockTimeField, WholeNumberField

#: How many days a course of a type has: "1" to "5".
DAY_CHOICES = [SelectChoice(str(n), "1 day" if n == 1 else f"{n} days") for n in range(1, 6)]


class CourseTypeForm(FlaskForm):
    name = StringField(
        "Name",
        description="As people see it on the calendar, for example Signs of Safety Advanced Training.",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter the name of the course type"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    summary = StringField(
        "Short description for the calendar",
        description="One sentence, shown under each course of this type.",
        widget=GovTextInput(),
        validators=[
            Length(max=300, message="The short description must be 300 characters or fewer")
        ],
    )
    description = TextAreaField(
        "Full description",
        description="Shown on each course's page.",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="The description must be 5000 characters or fewer")],
    )
    what_to_bring = TextAreaField(
        "What to bring",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="What to bring must be 2000 characters or fewer")],
    )
    days_count = RadioField(
        "How many days does each course have?",
        choices=DAY_CHOICES,
        default="2",
        invalid_choice_message="Choose a number of days from 1 to 5",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose how many days each course has")],
    )
    default_starts_at = ClockTimeField(
        "Each day usually starts at",
        called="The time each day starts",
        description="For example, 9:30am",
        default=time(9, 30),
        required_message="Enter the time each day usually starts",
    )
    default_ends_at = ClockTimeField(
        "Each day usually ends at",
        called="The time each day ends",
        description="For example, 4:30pm",
        default=time(16, 30),
        required_message="Enter the time each day usually ends",
    )
    partners_may_book = RadioField(
        "Who can book?",
        choices=[
            SelectChoice("yes", "Council staff and partner agencies"),
            SelectChoice("no", "Council staff only"),
        ],
        default="yes",
        invalid_choice_message="Choose who can book",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose who can book")],
    )
    manager_approval_required = RadioField(
        "Do council staff need their line manager's approval?",
        description=(
            "If yes, no place is held until their line manager approves by an emailed link. "
            "Partner agencies are never asked."
        ),
        choices=[SelectChoice("no", "No"), SelectChoice("yes", "Yes")],
        default="no",
        invalid_choice_message="Choose whether a line manager must approve",
        widget=GovRadioInput(),
    )
    default_total_places = WholeNumberField(
        "Usual total places", required_message="Enter the usual total number of places", default=20
    )
    default_partner_places = WholeNumberField(
        "Usual places kept for partner agencies",
        description="Enter 0 if none are kept. Ignored for courses for council staff only.",
        required_message="Enter the usual places kept for partner agencies (0 if none)",
        default=4,
    )
    release_days_before = WholeNumberField(
        "Unfilled places open to everyone, days before day 1",
        called="Days before day 1",
        required_message="Enter how many days before day 1 unfilled places open to everyone",
        default=RELEASE_BEFORE.days,
    )
    cutoff_working_days_before = WholeNumberField(
        "Booking closes, working days before day 1",
        called="Working days before day 1",
        description=(
            f"Booking closes at {time_of_day(CUTOFF_TIME)} on that day. "
            "Working days are Monday to Friday."
        ),
        required_message="Enter how many working days before day 1 booking closes",
        default=CUTOFF_WORKING_DAYS_BEFORE,
    )
    prerequisite_ids = SelectMultipleField(
        "Courses people must have completed first",
        description="Leave all unticked if anyone can book.",
        widget=GovCheckboxesInput(),
        coerce=int,
        choices=[],
        validate_choice=True,
        invalid_choice_message="Choose courses from the list",
    )
    submit = SubmitField("Save course type", widget=GovSubmitInput())

    def set_prerequisite_choices(self, types, editing=None) -> None:
        self.prerequisite_ids.choices = [
            SelectChoice(t.id, t.name) for t in types if editing is None or t.id != editing.id
        ]

    def fill_from(self, course_type) -> None:
        """Put a saved type's values into the form (for editing)."""
        for name in (
            "name",
            "summary",
            "description",
            "what_to_bring",
            "default_starts_at",
            "default_ends_at",
            "default_total_places",
            "default_partner_places",
            "release_days_before",
            "cutoff_working_days_before",
        ):
            self[name].data = getattr(course_type, name)
        self.days_count.data = str(course_type.days_count)
        self.partners_may_book.data = "yes" if course_type.partners_may_book else "no"
        self.manager_approval_required.data = (
            "yes" if course_type.manager_approval_required else "no"
        )
        self.prerequisite_ids.data = [t.id for t in course_type.prerequisites]

    def details(self, types_by_id) -> CourseTypeDetails:
        return CourseTypeDetails(
            name=self.name.data or "",
            summary=self.summary.data or "",
            description=self.description.data or "",
            what_to_bring=self.what_to_bring.data or "",
            days_count=int(self.days_count.data),
            default_starts_at=self.default_starts_at.data,
            default_ends_at=self.default_ends_at.data,
            default_total_places=self.default_total_places.data,
            default_partner_places=self.default_partner_places.data,
            partners_may_book=self.partners_may_book.data == "yes",
            manager_approval_required=self.manager_approval_required.data == "yes",
            release_days_before=self.release_days_before.data,
            cutoff_working_days_before=self.cutoff_working_days_before.data,
            prerequisites=[
                types_by_id[i] for i in self.prerequisite_ids.data or [] if i in types_by_id
            ],
        )
