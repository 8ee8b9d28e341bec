"""Forms for running the programme: courses, venues, duplicating, releasing and cancelling."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..services.courses import CourseDetails, DayDetails, VenueDetails
from ..services.rooms import RoomDetails
from ..time_limits import (
    CUTOFF_TIME,
    CUTOFF_WORKING_DAYS_BEFORE,
    RELEASE_BEFORE,
    in_words,
    working_days_in_words,
)
from ..words import time_of_day
from .fields import ClockTimeField, DayMonthYearField, WholeNumberField


def _venue_id(value):
    """Coerce a posted venue id; anything odd becomes 0 (not a choice, so a plain error)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _capacity_reason_field():
    return TextAreaField(
        "Why does this course need more places than the room holds?",
        description="This is kept in the audit trail.",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="The reason must be 1000 characters or fewer")],
    )


def _clash_reason_field():
    return TextAreaField(
        "Why save it anyway?",
        description="For example, the room is split in two. This is kept in the audit trail.",
        widget=GovTextArea(),
        validators=[Length(max=1000, message="The reason must be 1000 characters or fewer")],
    )


class CourseForm(FlaskForm):
    venue_id = SelectField(
        "Venue",
        coerce=_venue_id,
        widget=GovSelect(),
        invalid_choice_message="Choose a venue from the list",
        validators=[DataRequired("Choose a venue")],
    )
    room_id = SelectField(
        "Room",
        description="Choose a room at the venue, if you know it.",
        coerce=_venue_id,
        widget=GovSelect(),
        invalid_choice_message="Choose a room from the list",
        choices=[],
        default=0,
    )
    day1_date = DayMonthYearField(
        "Date of day 1",
        description="For example, 27 3 2026",
        required_message="Enter the date of day 1",
    )
    day1_starts_at = ClockTimeField(
        "Day 1 starts at",
        called="The time day 1 starts",
        description="For example, 9:30am",
        required_message="Enter the time day 1 starts",
    )
    day1_ends_at = ClockTimeField(
        "Day 1 ends at",
        called="The time day 1 ends",
        description="For example, 4:30pm",
        required_message="Enter the time day 1 ends",
    )
    day2_date = DayMonthYearField(
        "Date of day 2",
        description="For example, 28 3 2026",
        required_message="Enter the date of day 2",
    )
    day2_starts_at = ClockTimeField(
        "Day 2 starts at",
        called="The time day 2 starts",
        description="For example, 9:30am",
        required_message="Enter the time day 2 starts",
    )
    day2_ends_at = ClockTimeField(
        "Day 2 ends at",
        called="The time day 2 ends",
        description="For example, 4:30pm",
        required_message="Enter the time day 2 ends",
    )
    total_places = WholeNumberField(
        "Total places", required_message="Enter the total number of places"
    )
    partner_places = WholeNumberField(
        "Places kept for partner agencies",
        description=(
            "Until the release date these places are only for people outside the councils. "
            "Enter 0 if none are kept."
        ),
        required_message="Enter the number of places kept for partner agencies (0 if none)",
    )
    release_on = DayMonthYearField(
        "Date unfilled places open to everyone",
        description=f"Leave blank for {in_words(RELEASE_BEFORE)} before day 1.",
    )
    booking_closes_on = DayMonthYearField(
        "Last day to book",
        description=(
            f"Booking closes at {time_of_day(CUTOFF_TIME)} on this day. Leave blank for "
            f"{working_days_in_words(CUTOFF_WORKING_DAYS_BEFORE)} before day 1."
        ),
    )
    trainer_ids = SelectMultipleField(
        "Trainers who take the registers",
        description="They can sign in to see this course's people, registers and check-in.",
        widget=GovCheckboxesInput(),
        coerce=int,
        choices=[],
        validate_choice=True,
    )
    trainers = StringField(
        "Note about trainers",
        description="For example, the names of trainers without an account.",
        widget=GovTextInput(),
        validators=[Length(max=500, message="Trainers must be 500 characters or fewer")],
    )
    notes = TextAreaField(
        "Notes for people coming",
        description="Shown on the course page, for example about lunch or the room.",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Notes must be 5000 characters or fewer")],
    )
    capacity_reason = _capacity_reason_field()
    clash_reason = _clash_reason_field()
    #: "yes" once the coordinator has been told the release date has already passed.
    release_warning_seen = HiddenField()
    #: "yes" once the coordinator has been shown the course's clashes.
    clash_warning_seen = HiddenField()
    submit = SubmitField("Save course", widget=GovSubmitInput())

    def set_venues(self, venues) -> None:
        self.venue_id.choices = [SelectChoice("", "Choose a venue")] + [
            SelectChoice(str(v.id), f"{v.name}, {v.town}") for v in venues
        ]

    def set_rooms(self, rooms) -> None:
        self.room_id.choices = [SelectChoice("0", "No room chosen yet")] + [
            SelectChoice(
                str(r.id), f"{r.name} at {r.venue.name}, {r.venue.town} (holds {r.capacity})"
            )
            for r in rooms
        ]

    def set_trainers(self, trainers) -> None:
        self.trainer_ids.choices = [SelectChoice(t.id, t.full_name or t.email) for t in trainers]

    def fill_from(self, course) -> None:
        """Put a saved course's values into the form (for editing)."""
        from ..services.courses import last_day_to_book

        self.venue_id.data = course.venue_id
        self.room_id.data = course.room_id or 0
        for day in course.days:
            n = day.day_number
            self[f"day{n}_date"].data = day.date
            self[f"day{n}_starts_at"].data = day.starts_at
            self[f"day{n}_ends_at"].data = day.ends_at
        self.total_places.data = course.total_places
        self.partner_places.data = course.partner_places
        self.release_on.data = course.release_on
        self.booking_closes_on.data = last_day_to_book(course)
        self.trainers.data = course.trainers
        self.trainer_ids.data = [t.id for t in course.trainer_accounts]
        self.notes.data = course.notes

    def details(self, venues_by_id, trainers_by_id=None, rooms_by_id=None) -> CourseDetails:
        chosen = None
        if trainers_by_id is not None:
            chosen = [trainers_by_id[i] for i in self.trainer_ids.data or [] if i in trainers_by_id]
        return CourseDetails(
            venue=venues_by_id.get(self.venue_id.data),
            total_places=self.total_places.data,
            partner_places=self.partner_places.data,
            days=[
                DayDetails(self.day1_date.data, self.day1_starts_at.data, self.day1_ends_at.data),
                DayDetails(self.day2_date.data, self.day2_starts_at.data, self.day2_ends_at.data),
            ],
            release_on=self.release_on.data,
            booking_closes_on=self.booking_closes_on.data,
            trainers=self.trainers.data or "",
            notes=self.notes.data or "",
            trainer_accounts=chosen,
            room=(rooms_by_id or {}).get(self.room_id.data),
            capacity_reason=self.capacity_reason.data or "",
            clash_reason=self.clash_reason.data or "",
        )


class RoomForm(FlaskForm):
    name = StringField(
        "Name of the room",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the room's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    capacity = WholeNumberField(
        "How many people it holds for training",
        called="The number of people",
        required_message="Enter how many people the room holds",
    )
    submit = SubmitField("Save room", widget=GovSubmitInput())

    def details(self) -> RoomDetails:
        return RoomDetails(name=self.name.data or "", capacity=self.capacity.data)


class VenueForm(FlaskForm):
    name = StringField(
        "Name of the venue",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the venue's name"),
            Length(max=200, message="The name must be 200 characters or fewer"),
        ],
    )
    address = TextAreaField(
        "Address",
        description="Street and building, one line each. Put the town and postcode below.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Enter the address"),
            Length(max=1000, message="The address must be 1000 characters or fewer"),
        ],
    )
    town = StringField(
        "Town",
        widget=GovTextInput(),
        validators=[
            DataRequired("Enter the town"),
            Length(max=100, message="The town must be 100 characters or fewer"),
        ],
    )
    postcode = StringField(
        "Postcode",
        widget=GovTextInput(),
        validators=[Length(max=10, message="The postcode must be 10 characters or fewer")],
    )
    accessibility_notes = TextAreaField(
        "Accessibility",
        description="For example, step-free entrance, lifts, hearing loop, accessible toilets.",
        widget=GovTextArea(),
        validators=[
            Length(max=3000, message="Accessibility notes must be 3000 characters or fewer")
        ],
    )
    parking_notes = TextAreaField(
        "Parking and getting there",
        widget=GovTextArea(),
        validators=[Length(max=3000, message="Parking notes must be 3000 characters or fewer")],
    )
    submit = SubmitField("Save venue", widget=GovSubmitInput())

    def details(self) -> VenueDetails:
        return VenueDetails(
            name=self.name.data or "",
            address=self.address.data or "",
            town=self.town.data or "",
            postcode=self.postcode.data or "",
            accessibility_notes=self.accessibility_notes.data or "",
            parking_notes=self.parking_notes.data or "",
        )


class DuplicateCourseForm(FlaskForm):
    weeks_later = WholeNumberField(
        "How many weeks after this course?",
        called="The number of weeks",
        description="The copy has the same venue, places, times and trainers. It is saved as a draft.",
        required_message="Enter a number of weeks",
        default=4,
    )
    capacity_reason = _capacity_reason_field()
    clash_reason = _clash_reason_field()
    clash_warning_seen = HiddenField()
    submit = SubmitField("Make a draft copy", widget=GovSubmitInput())


class CancelCourseForm(FlaskForm):
    reason = TextAreaField(
        "Why is the course cancelled?",
        description="Everyone with a place or on the waitlist is sent this by email.",
        widget=GovTextArea(),
        validators=[
            DataRequired("Say why the course is cancelled"),
            Length(max=2000, message="The reason must be 2000 characters or fewer"),
        ],
    )
    submit = SubmitField("Cancel the course", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in (publish, release places, archive): CSRF only."""

    submit = SubmitField("Continue", widget=GovSubmitInput())
