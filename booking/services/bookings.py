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
