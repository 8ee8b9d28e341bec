"""Email entry points the services call. Each writes outbox rows in the caller's transaction.

This is the small first version the course pages need (course changed, course cancelled):
plain-text messages only. The email work (issue 4) replaces the bodies with templated,
multipart messages and calendar invites; the names and arguments stay the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .extensions import db
from .models import Booking, Course, OutboxMessage


def _course_summary(course: Course) -> str:
    lines = [course.course_type.name, ""]
    for day in course.days:
        lines.append(
            f"Day {day.day_number}: {day.date:%A} {day.date.day} {day.date:%B %Y}, "
            f"{day.starts_at:%H:%M} to {day.ends_at:%H:%M}"
        )
    lines.append(f"Venue: {course.venue.one_line_address}")
    return "\n".join(lines)


def _queue(kind: str, booking: Booking, subject: str, body: str, now: datetime) -> None:
    db.session.add(
        OutboxMessage(
            kind=kind,
            to_address=booking.person.email,
            subject=subject,
            text_body=body,
            html_body="",
            booking_id=booking.id,
            next_attempt_at=now,
            created_at=now,
        )
    )


def course_changed(course: Course, holders: Iterable[Booking], *, now: datetime) -> None:
    """Tell everyone holding a place that the dates, times or venue have changed."""
    summary = _course_summary(course)
    for booking in holders:
        body = (
            f"Hello {booking.person.full_name or ''},\n\n"
            "The details of your training have changed. Here are the new details:\n\n"
            f"{summary}\n\nYour place is still booked."
        )
        _queue("course_changed", booking, "Your training course has changed", body, now)


def course_cancelled(course: Course, bookings: Iterable[Booking], *, now: datetime) -> None:
    """Tell everyone who had a place, an offer or a wait that the course is cancelled."""
    summary = _course_summary(course)
    for booking in bookings:
        body = (
            f"Hello {booking.person.full_name or ''},\n\n"
            "We are sorry: this training course has been cancelled.\n\n"
            f"{summary}\n\nYou can book another date on the training calendar."
        )
        _queue("course_cancelled", booking, "Your training course is cancelled", body, now)
