"""Reading bookings for pages: what a person's booking page shows and lets them do, the other
dates they could move to, and who is on a course for the coordinators' people page.

Nothing here writes; the rules these pages offer are carried out by services/changes.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import (
    CANCELLABLE,
    Attendance,
    Booking,
    BookingStatus,
    Course,
    CourseDay,
    CourseStatus,
    Person,
    with_details,
)
from . import allocation
from .waitlist import has_completed, offer_number, waitlist_positions

ENDED = (
    BookingStatus.CANCELLED,
    BookingStatus.DECLINED,
    BookingStatus.EXPIRED,
    BookingStatus.WITHDRAWN,
    BookingStatus.MOVED,
)


@dataclass(frozen=True)
class BookingSummary:
    """Everything a person's booking page needs, decided here rather than in a template."""

    booking: Booking
    course: Course
    #: "place", "waiting", "offer", "offer_ended", "moved", "ended", or, for a place on a
    #: course that is over, "completed", "missed" or "finished" (the register is not done)
    state: str
    position: int | None
    offer_ends_at: datetime | None
    completed_before: bool
    released: bool  #: places are open to everyone (people already trained can be offered one)
    changes_closed: bool  #: past the cut-off: only the training team can change it now
    can_cancel: bool
    can_move: bool
    moved_to: Booking | None
    #: After a course they missed part of: the day numbers missed and the next dates to book.
    missed_days: list[int] = field(default_factory=list)
    next_dates: list[Course] = field(default_factory=list)


#: A place on a course that is over, by its register outcome (rule "completion").
AFTER_COURSE_STATES = {
    Attendance.COMPLETED: "completed",
    Attendance.NOT_COMPLETED: "missed",
    Attendance.NOT_YET_KNOWN: "finished",
}


def _changes_closed(course: Course, now: datetime) -> bool:
    """Past the cut-off, or the course is not published: people cannot change bookings now."""
    return not course.is_open_for_booking(now)


def _offer_open(booking: Booking, now: datetime) -> bool:
    """An offer that can still be answered."""
    return booking.status == BookingStatus.OFFERED and not booking.offer_ran_out(now)


def _state(booking: Booking, now: datetime) -> str:
    status = booking.status
    if status == BookingStatus.CONFIRMED:
        if booking.course.is_over(now):
            return AFTER_COURSE_STATES[booking.attendance]
        return "place"
    if status == BookingStatus.WAITLISTED:
        return "waiting"
    if status == BookingStatus.OFFERED:
        return "offer" if _offer_open(booking, now) else "offer_ended"
    if status == BookingStatus.EXPIRED:
        return "offer_ended"
    if status == BookingStatus.MOVED:
        return "moved"
    if status == BookingStatus.AWAITING_APPROVAL:
        return "approval"  # their line manager has not answered yet
    if status in (BookingStatus.NOT_APPROVED, BookingStatus.LAPSED):
        return status.value
    return "ended"


def booking_summary(booking: Booking, *, now: datetime) -> BookingSummary:
    """The state of a booking in terms a person understands, and what they may do now.

    A course that is over offers no cancel or move; an offer is answered with its own
    "say no" button, so it offers no separate cancel either.
    """
    course = booking.course
    closed = _changes_closed(course, now) or course.is_over(now)
    state = _state(booking, now)
    missed = (
        [
            day.day_number
            for day, mark in zip(course.days, booking.day_marks, strict=True)
            if not (mark is not None and mark.counts)
        ]
        if state == "missed"
        else []
    )
    return BookingSummary(
        booking=booking,
        course=course,
        state=state,
        position=offer_number(booking, now=now),
        offer_ends_at=booking.offer_expires_at if state == "offer" else None,
        completed_before=has_completed(booking.person, booking.course_type_id),
        released=course.is_released(now),
        changes_closed=closed,
        can_cancel=booking.status in CANCELLABLE and not closed and state != "offer",
        can_move=booking.status == BookingStatus.CONFIRMED and not closed,
        moved_to=booking.moved_to,
        missed_days=missed,
        next_dates=other_dates(booking, now=now)[:3] if missed else [],
    )


def other_dates(booking: Booking, *, now: datetime | None = None) -> list[Course]:
    """Published courses of the same training other than this booking's, soonest first.

    With `now`, only those still taking bookings (before their cut-off).
    """
    query = (
        select(Course)
        .join(CourseDay, and_(CourseDay.course_id == Course.id, CourseDay.day_number == 1))
        .where(
            Course.course_type_id == booking.course_type_id,
            Course.id != booking.course_id,
            Course.status == CourseStatus.PUBLISHED,
        )
        .order_by(CourseDay.date, Course.id)
    )
    if now is not None:
        query = query.where(Course.is_open_for_booking(now))
    return list(db.session.scalars(with_details(query)))


def move_choices(booking: Booking, *, now: datetime) -> list[Course]:
    """Other dates of the same training this person could move to now (by the figures shown)."""
    candidates = other_dates(booking, now=now)
    figures = allocation.availability_for(candidates, now)
    group = booking.person.group
    return [course for course in candidates if figures[course.id].free_for(group) > 0]


@dataclass(frozen=True)
class CoursePeople:
    """Who is on a course, for the coordinators' people page."""

    places: list[Booking]
    offers: list[Booking]
    waiting: list[Booking]  #: in waitlist order
    ended: list[Booking]


def course_people(course: Course) -> CoursePeople:
    """Everyone with a booking on the course: places, open offers, the waitlist in order, ended."""
    bookings = db.session.scalars(
        select(Booking)
        .join(Person, Person.id == Booking.person_id)
        .options(contains_eager(Booking.person))
        .where(Booking.course_id == course.id)
        .order_by(Person.full_name, Booking.id)
    ).all()
    order = waitlist_positions(course)
    return CoursePeople(
        places=[b for b in bookings if b.status == BookingStatus.CONFIRMED],
        offers=[b for b in bookings if b.status == BookingStatus.OFFERED],
        waiting=sorted(
            (b for b in bookings if b.status == BookingStatus.WAITLISTED),
            key=lambda b: order.get(b.id, 0),
        ),
        ended=[b for b in bookings if b.status in ENDED],
    )
