"""The messages to a person's line manager: short copies of the news about their place, and
the request to approve a booking. Builders only (services/emails.py decides who is told).

A copy never carries support needs or the person's own links. A confirmation's copy carries
the days as a calendar file to add (METHOD:PUBLISH, no ATTENDEE, attached as a file), never
an invitation in the manager's name.
"""

from __future__ import annotations

import base64
from datetime import datetime

from ...models import Booking, Course, OutboxMessage
from ...words import short_date
from . import invitations
from .composing import booking_context, queue, render, settings

MANAGER_COPY = "manager_copy"
APPROVAL_REQUEST = "manager_approval"

#: What each copy says happened, in the subject: "Someone you manage has a place: ...".
#: Subjects never name the person (they show in notifications and mail lists); the body does.
EVENTS = {
    "confirmed": "has a place",
    "cancelled": "is no longer booked",
    "course_cancelled": "is no longer booked (course cancelled)",
    "moved": "has moved to another date",
    "no_show": "did not come to",
    "not_completed": "did not complete",
    "completed": "has completed",
}


def _who(booking: Booking) -> str:
    return booking.person.full_name or booking.person.email


def _course_and_date(course: Course) -> str:
    return f"{course.course_type.name}, {short_date(course.first_day.date)}"


def manager_copy(
    booking: Booking,
    *,
    event: str,
    now: datetime,
    old_course: Course | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """A short copy for the line manager of what happened to `booking` (`event`, a key of
    `EVENTS`); a confirmation (or a move to a place) carries the days as a file to add."""
    course = booking.course
    attachments = []
    if event in ("confirmed", "moved") and booking.holds_place:
        service = settings()
        data = invitations.copy_calendar(
            booking, organiser=service.mailbox, organiser_name=service.service_name, now=now
        )
        attachments.append(
            {
                "filename": "training-dates.ics",
                "content_type": "text/calendar; method=PUBLISH; charset=UTF-8",
                "data": base64.b64encode(data).decode("ascii"),
                "as_file": True,
            }
        )
    text, html = render(
        MANAGER_COPY,
        event=event,
        person=booking.person,
        course=course,
        days=course.days,
        venue=course.venue,
        old_course=old_course,
        with_calendar=bool(attachments),
        who=_who(booking),
    )
    return queue(
        MANAGER_COPY,
        to=booking.person.line_manager_email,
        subject=f"Someone you manage {EVENTS[event]}: {_course_and_date(course)}",
        text=text,
        html=html,
        now=now,
        booking_id=booking.id,
        dedupe_key=dedupe_key,
        attachments=attachments,
    )


def approval_request(booking: Booking, token: str, *, now: datetime) -> OutboxMessage:
    """Ask the line manager to approve or decline the request, by a one-time link."""
    course = booking.course
    text, html = render(
        APPROVAL_REQUEST,
        person=booking.person,
        course=course,
        days=course.days,
        venue=course.venue,
        who=_who(booking),
        approve_url=f"{settings().site_url}/manager/approve/{token}",
        expires_at=booking.approval_expires_at,
    )
    return queue(
        APPROVAL_REQUEST,
        to=booking.person.line_manager_email,
        subject=f"Please approve a training request: {_course_and_date(course)}",
        text=text,
        html=html,
        now=now,
        booking_id=booking.id,
    )


def waiting_for_manager(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell the person their line manager has been asked, and that no place is held yet."""
    return _to_person(
        "waiting_for_manager",
        booking,
        subject=f"Waiting for your manager to approve: {_course_and_date(booking.course)}",
        now=now,
    )


def approval_decided(booking: Booking, *, now: datetime, lapsed: bool) -> OutboxMessage:
    """Tell the person their manager said no (with the reason), or did not answer in time."""
    said = "did not answer in time" if lapsed else "did not approve"
    return _to_person(
        "approval_decided",
        booking,
        subject=f"Your manager {said}: {_course_and_date(booking.course)}",
        now=now,
        lapsed=lapsed,
    )


def _to_person(kind: str, booking: Booking, *, subject: str, now: datetime, **context):
    text, html = render(kind, **booking_context(booking), **context)
    return queue(
        kind,
        to=booking.person.email,
        subject=subject,
        text=text,
        html=html,
        now=now,
        booking_id=booking.id,
    )
