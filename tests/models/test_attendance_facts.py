"""The register rules: which days count, completed or not, and no-shows; each defined once
and the same in Python and SQL."""

from __future__ import annotations

import pytest

from booking.models import Attendance, AttendanceMark, Booking, BookingStatus, Mark

from ..support.hybrids import same_in_python_and_sql

P, L, E, A = Mark.PRESENT, Mark.LATE, Mark.LEFT_EARLY, Mark.ABSENT


def booked(db, make, course, *marks, status=BookingStatus.CONFIRMED):
    """A booking with one mark per day given: a Mark, (Mark, counts) for left early, or None."""
    booking = make.booking(course, status=status)
    for day, given in zip(course.days, marks, strict=False):
        if given is None:
            continue
        mark, counts = given if isinstance(given, tuple) else (given, given != A)
        db.session.add(
            AttendanceMark(
                booking_id=booking.id, course_day_id=day.id, mark=mark, counts_as_attended=counts
            )
        )
    db.session.commit()
    return booking


def test_a_day_counts_if_they_came_or_left_early_with_the_coordinators_say_so(db, make):
    course = make.course()
    booked(db, make, course, P, L)
    booked(db, make, course, (E, True), (E, False))
    booked(db, make, course, A)
    marks = db.session.query(AttendanceMark).all()
    found = same_in_python_and_sql(AttendanceMark, marks, AttendanceMark.counts, lambda m: m.counts)
    assert {(m.mark, m.counts_as_attended) for m in marks if m.id in found} == {
        (P, True),
        (L, True),
        (E, True),
    }


@pytest.fixture
def outcomes(db, make):
    course = make.course()
    return {
        "nothing marked": booked(db, make, course),
        "day 1 only": booked(db, make, course, P),
        "day 2 only": booked(db, make, course, None, P),
        "both days": booked(db, make, course, P, L),
        "left early, counted": booked(db, make, course, P, (E, True)),
        "left early, not counted": booked(db, make, course, (E, False), P),
        "missed day 2": booked(db, make, course, P, A),
        "missed both": booked(db, make, course, A, A),
        "missed day 1, day 2 not marked": booked(db, make, course, A),
        "cancelled after missing day 1": booked(
            db, make, course, A, A, status=BookingStatus.CANCELLED
        ),
    }


@pytest.mark.parametrize(
    ("outcome", "names"),
    [
        (
            Attendance.NOT_YET_KNOWN,
            {"nothing marked", "day 1 only", "day 2 only", "missed day 1, day 2 not marked"},
        ),
        (Attendance.COMPLETED, {"both days", "left early, counted"}),
        (
            Attendance.NOT_COMPLETED,
            {
                "left early, not counted",
                "missed day 2",
                "missed both",
                "cancelled after missing day 1",
            },
        ),
    ],
)
def test_completed_means_every_day_has_a_mark_that_counts(outcomes, outcome, names):
    found = same_in_python_and_sql(
        Booking,
        outcomes.values(),
        Booking.attendance == outcome,
        lambda b: b.attendance == outcome,
    )
    assert {name for name, b in outcomes.items() if b.id in found} == names


def test_the_outcome_read_in_sql_is_the_enum(db, outcomes):
    value = db.session.scalar(
        db.select(Booking.attendance).where(Booking.id == outcomes["both days"].id)
    )
    assert value is Attendance.COMPLETED


def test_a_no_show_still_holds_the_place_and_was_absent_on_day_1(outcomes):
    found = same_in_python_and_sql(
        Booking, outcomes.values(), Booking.is_no_show, lambda b: b.is_no_show
    )
    assert {name for name, b in outcomes.items() if b.id in found} == {
        "missed both",
        "missed day 1, day 2 not marked",
    }
