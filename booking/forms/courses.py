"""Forms for running the programme: courses, venues, duplicating, releasing and cancelling."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..services.courses import MAX_DAYS, CourseDetails, DayDetails
from ..services.rooms import RoomDetails
from ..services.venues import VenueDetails
from ..time_limits import (
    CUTOFF_TIME,
    CUTOFF_WORKING_DAYS_BEFORE,
    RELEASE_BEFORE,
    in_words,
    working_days_in_words,
)
from ..words import how_many, time_of_day
from .fields import ClockTimeField, DayMonthYearField, WholeNumberField


def _venue_id(value):
    """Coerce a posted venue id; anything odd becomes 0 (not a choice, so a plain error)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _day_fields(n: int) -> tuple:
    """The date, start and end of day `n` (made in this order, so the page and the error
    summary list them so)."""
    return (
        DayMonthYearField(
            f"Date of day {n}",
            description=f"For example, {26 + n} 3 2026",
            required_message=f"Enter the date of day {n}",
        ),
        ClockTimeField(
            f"Day {n} starts at",
            called=f"The time day {n} starts",
            description="For example, 9:30am",
            required_message=f"Enter the time day {n} starts",
        ),
        ClockTimeField(
            f"Day {n} ends at",
            called=f"The time day {n} ends",
            description="For example, 4:30pm",
            required_message=f"Enter the time day {n} ends",
        ),
    )


def days_wanted(typed: str | None, default: int) -> int:
    """The number of days asked for (from the address or the form), if it is one a course
    may have; otherwise `default`."""
    try:
        count = int(typed or "")
    except ValueError:
        return default
    return count if 1 <= count <= MAX_DAYS else default


class DaysCountForm(FlaskForm):
    """The choice of how many days the course form shows: a GET form of its own above it,
    so it works without JavaScript and pressing Enter in the course form still saves."""

    class Meta:
        csrf = False

    days = SelectField(
        "Number of days",
        coerce=str,
        widget=GovSelect(),
        choices=[SelectChoice(str(n), how_many(n, "day")) for n in range(1, MAX_DAYS + 1)],
    )
    show = SubmitField("Show this many days", widget=GovSubmitInput())


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
    #: How many days the form asks for (the GET form above it changes this, see
    #: `days_wanted`); fields of days after it are taken off the form when it is made.
    days_count = HiddenField()
    day1_date, day1_starts_at, day1_ends_at = _day_fields(1)
    day2_date, day2_starts_at, day2_ends_at = _day_fields(2)
    day3_date, day3_starts_at, day3_ends_at = _day_fields(3)
    day4_date, day4_starts_at, day4_ends_at = _day_fields(4)
    day5_date, day5_starts_at, day5_ends_at = _day_fields(5)
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
    agency_cap = WholeNumberField(
        "Most places one partner agency can hold (optional)",
        called="The most places one partner agency can hold",
        description=(
            "Until the release date, so one large agency cannot take every partner place. "
            "Leave blank for the usual limit."
        ),
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
    self_check_in = BooleanField(
        "People can check themselves in",
        description=(
            "On the day, you show a code on the room's screen and people scan it with their "
            "own phone to mark themselves present."
        ),
        widget=GovCheckboxInput(),
        default=True,
    )
    notes = TextAreaField(
        "Notes for people coming",
        description="Shown on the course page, for example about lunch or the room.",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Notes must be 5000 characters or fewer")],
    )
    coordinator_note = TextAreaField(
        "Note for coordinators",
        description=(
            "Only coordinators see this. For example, the names of trainers without an account."
        ),
        widget=GovTextArea(),
        validators=[Length(max=5000, message="The note must be 5000 characters or fewer")],
    )
    capacity_reason = _capacity_reason_field()
    clash_reason = _clash_reason_field()
    #: "yes" once the coordinator has been told the release date has already passed.
    release_warning_seen = HiddenField()
    #: The chosen course type's slug (a new course); empty means the introductory course.
    course_type = HiddenField()
    #: "yes" once the coordinator has been shown the course's clashes.
    clash_warning_seen = HiddenField()
    submit = SubmitField("Save course", widget=GovSubmitInput())

    def __init__(self, *args, days: int, **kwargs):
        super().__init__(*args, **kwargs)
        #: How many days this form asks for (1 to MAX_DAYS).
        self.days_shown = days
        self.days_count.data = str(days)
        for n in range(days + 1, MAX_DAYS + 1):
            for part in ("date", "starts_at", "ends_at"):
                del self[f"day{n}_{part}"]

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

    def use_type(self, course_type, *, fill: bool) -> None:
        """Fit the form to a course type: its release and cut-off defaults in the hints, and
        (`fill`) its usual places and times. (Its number of days is `days=`, given when the
        form is made: `services.courses.default_days_count`.)"""
        self.course_type.data = course_type.slug
        self.release_on.description = (
            f"Leave blank for {in_words(timedelta(days=course_type.release_days_before))} "
            "before day 1."
        )
        self.booking_closes_on.description = (
            f"Booking closes at {time_of_day(CUTOFF_TIME)} on this day. Leave blank for "
            f"{working_days_in_words(course_type.cutoff_working_days_before)} before day 1."
        )
        if not course_type.partners_may_book:
            self.partner_places.description = (
                "This course is for council staff only, so no places are kept for partner "
                "agencies. Enter 0."
            )
        if fill:
            self.total_places.data = course_type.default_total_places
            self.partner_places.data = (
                course_type.default_partner_places if course_type.partners_may_book else 0
            )
            for name, _ in self._fields.items():
                if name.endswith("_starts_at"):
                    self[name].data = course_type.default_starts_at
                elif name.endswith("_ends_at"):
                    self[name].data = course_type.default_ends_at

    def fill_from(self, course) -> None:
        """Put a saved course's values into the form (for editing)."""
        from ..services.courses import last_day_to_book

        self.venue_id.data = course.venue_id
        self.room_id.data = course.room_id or 0
        for day in course.days[: self.days_shown]:
            n = day.day_number
            self[f"day{n}_date"].data = day.date
            self[f"day{n}_starts_at"].data = day.starts_at
            self[f"day{n}_ends_at"].data = day.ends_at
        self.total_places.data = course.total_places
        self.partner_places.data = course.partner_places
        self.agency_cap.data = course.agency_cap
        self.release_on.data = course.release_on
        self.booking_closes_on.data = last_day_to_book(course)
        self.coordinator_note.data = course.coordinator_note
        self.trainer_ids.data = [t.id for t in course.trainer_accounts]
        self.notes.data = course.notes
        self.self_check_in.data = course.self_check_in

    def details(self, venues_by_id, trainers_by_id=None, rooms_by_id=None) -> CourseDetails:
        chosen = None
        if trainers_by_id is not None:
            chosen = [trainers_by_id[i] for i in self.trainer_ids.data or [] if i in trainers_by_id]
        return CourseDetails(
            venue=venues_by_id.get(self.venue_id.data),
            total_places=self.total_places.data,
            partner_places=self.partner_places.data,
            agency_cap=self.agency_cap.data,
            days=[
                DayDetails(
                    self[f"day{n}_date"].data,
                    self[f"day{n}_starts_at"].data,
                    self[f"day{n}_ends_at"].data,
                )
                for n in range(1, self.days_shown + 1)
            ],
            release_on=self.release_on.data,
            booking_closes_on=self.booking_closes_on.data,
            notes=self.notes.data or "",
            coordinator_note=self.coordinator_note.data or "",
            trainer_accounts=chosen,
            self_check_in=bool(self.self_check_in.data),
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
