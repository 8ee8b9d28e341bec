"""The booking rules: requests, places, waitlists, offers, cancellations and moves.

Every function that changes a booking lives here, takes the acting user (or a description
of who acted) and `now`, and runs in one transaction that locks the course row first.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .. import emails
from ..extensions import db
from ..models import ACTIVE, Booking, BookingStatus, Course, CourseStatus, User
from . import audit
from .db import lock_course, transactional
from .errors import NotAllowed, NotFound


@transactional
def cancel_course(
    course: Course, *, actor: User | str, now: datetime, reason: str
) -> list[Booking]:
    """Cancel a course: every place, offer and wait on it ends, and everyone is told."""
    course = lock_course(course.id)
    if course is None:
        raise NotFound("We could not find that course.")
    if course.status in (CourseStatus.CANCELLED, CourseStatus.FINISHED):
        raise NotAllowed("This course is already cancelled or finished.")
    if not reason.strip():
        raise NotAllowed("Please say why the course is cancelled.")
    course.status = CourseStatus.CANCELLED
    course.cancelled_reason = reason.strip()
    affected = list(
        db.session.scalars(
            select(Booking).where(Booking.course_id == course.id, Booking.status.in_(ACTIVE))
        )
    )
    for booking in affected:
        booking.status = BookingStatus.CANCELLED
        booking.ended_at = now
        booking.reason = "The course was cancelled."
        booking.invite_sequence += 1
    audit.record(
        "course.cancelled", course, actor=actor, now=now, reason=reason, bookings=len(affected)
    )
    emails.course_cancelled(course, affected, now=now)
    return affected


# Added by the registers work (issue 5) for walk-ins; to be reconciled with `coordinator_add`.
@transactional
def add_walk_in_booking(
    course: Course,
    person,
    *,
    actor: User | str,
    now: datetime,
    over_capacity: bool,
    reason: str,
) -> Booking:
    """Give a walk-in a confirmed place (beyond the number of places if `over_capacity`).

    The caller has locked the course and decided whether a place is free. A live booking the
    person already has on this course (waiting or offered) becomes the place.
    """
    from ..models import HOLDING

    existing = db.session.scalars(
        select(Booking).where(
            Booking.person_id == person.id,
            Booking.course_type_id == course.course_type_id,
            Booking.status.in_(ACTIVE),
        )
    ).all()
    elsewhere = [b for b in existing if b.course_id != course.id and b.status in HOLDING]
    if elsewhere:
        raise NotAllowed(
            f"{person.full_name or person.email} already has a place on another date. "
            "Move or cancel that booking first."
        )
    for wait in existing:
        if wait.course_id != course.id:  # waiting for another date: they have a place now
            wait.status = BookingStatus.WITHDRAWN
            wait.ended_at = now
            wait.reason = "They got a place on another date."
    booking = next((b for b in existing if b.course_id == course.id), None)
    if booking is None:
        import secrets

        booking = Booking(
            course=course,
            course_type_id=course.course_type_id,
            person=person,
            requested_at=now,
            link_key=secrets.token_hex(16),
            created_at=now,
        )
        db.session.add(booking)
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    booking.offer_expires_at = None
    booking.over_capacity = over_capacity
    booking.reason = reason.strip()
    db.session.flush()
    audit.record(
        "booking.walk_in_added",
        booking,
        actor=actor,
        now=now,
        reason=reason,
        course_id=course.id,
        over_capacity=over_capacity,
    )
    return booking


@transactional
def update_support_needs(
    booking: Booking, text: str, *, actor: User | str, now: datetime
) -> Booking:
    """Replace what someone told us about support they need (empty clears it).

    Only live bookings on courses that have not ended; the text never goes into the audit trail.
    """
    from .allocation import LONDON
    from .errors import ValidationError

    booking = db.session.get(Booking, booking.id, with_for_update=True, populate_existing=True)
    if booking is None:
        raise NotFound("We could not find that booking.")
    if booking.status not in ACTIVE or booking.course.last_day.date < now.astimezone(LONDON).date():
        raise NotAllowed("You can only change support needs for a course you are booked on.")
    text = (text or "").strip()
    if len(text) > 2000:
        raise ValidationError("Support needs must be 2000 characters or fewer.", "support_needs")
    booking.support_needs = text
    booking.support_needs_deleted_at = None
    audit.record("booking.support_needs_changed", booking, actor=actor, now=now, given=bool(text))
    return booking
