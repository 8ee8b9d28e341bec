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


def _tell(kind: str, subject: str, opening: str, closing: str, course, bookings, now) -> None:
    summary = _course_summary(course)
    for booking in bookings:
        name = booking.person.full_name or "there"
        body = f"Hello {name},\n\n{opening}\n\n{summary}\n\n{closing}"
        _queue(kind, booking, subject, body, now)


def course_changed(course: Course, holders: Iterable[Booking], *, now: datetime) -> None:
    """Tell everyone holding a place that the dates, times or venue have changed."""
    _tell(
        "course_changed",
        "Your training course has changed",
        "The details of your training have changed. Here are the new details:",
        "Your place is still booked.",
        course,
        holders,
        now,
    )


def course_cancelled(course: Course, bookings: Iterable[Booking], *, now: datetime) -> None:
    """Tell everyone who had a place, an offer or a wait that the course is cancelled."""
    _tell(
        "course_cancelled",
        "Your training course is cancelled",
        "We are sorry: this training course has been cancelled.",
        "You can book another date on the training calendar.",
        course,
        bookings,
        now,
    )
