"""PLACEHOLDER until the email branch (issue 4) lands: the entry points the booking service calls.

The skeleton's commit names these functions but the file was missing, so the booking branch
carries this minimal version to run. Each call writes one plain-text outbox row in the caller's
transaction. When merging, keep the email branch's module and check the signatures below.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from .extensions import db
from .models import Booking, Course, OutboxMessage


def _site() -> str:
    return current_app.config["SITE_URL"]


def _manage_url(booking: Booking) -> str:
    from .services.links import manage_token

    return f"{_site()}/b/{manage_token(booking, current_app.config['SECRET_KEY'])}"


def _queue(kind: str, to: str, subject: str, body: str, *, now: datetime, booking_id=None):
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        reply_to=current_app.config["TRAINING_MAILBOX"],
        subject=subject,
        text_body=body,
        html_body="",
        booking_id=booking_id,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message


def confirm_your_email(
    email: str, course: Course, token: str, *, now: datetime, expires_at: datetime | None = None
):
    url = f"{_site()}/confirm/{token}"
    body = f"Follow this link to confirm your booking request:\n\n{url}\n"
    return _queue("confirm_your_email", email, "Confirm your email address", body, now=now)


def place_confirmed(booking: Booking, *, now: datetime):
    body = f"You have a place.\n\nManage your booking: {_manage_url(booking)}\n"
    return _queue(
        "place_confirmed",
        booking.person.email,
        "You have a place",
        body,
        now=now,
        booking_id=booking.id,
    )


def waitlisted(booking: Booking, *, now: datetime, position: int | None = None):
    body = f"You are number {position} on the waitlist.\n\nManage: {_manage_url(booking)}\n"
    return _queue(
        "waitlisted",
        booking.person.email,
        "You are on the waitlist",
        body,
        now=now,
        booking_id=booking.id,
    )


def place_offered(booking: Booking, *, now: datetime):
    body = f"A place is free for you.\n\nAccept or decline: {_manage_url(booking)}\n"
    return _queue(
        "place_offered",
        booking.person.email,
        "A place is free for you",
        body,
        now=now,
        booking_id=booking.id,
    )


def offer_ended(booking: Booking, *, now: datetime):
    return _queue(
        "offer_ended",
        booking.person.email,
        "Your offer of a place has ended",
        "The place we offered you has gone to the next person.\n",
        now=now,
        booking_id=booking.id,
    )


def booking_cancelled(booking: Booking, *, now: datetime):
    return _queue(
        "booking_cancelled",
        booking.person.email,
        "Your booking is cancelled",
        "Your booking is cancelled.\n",
        now=now,
        booking_id=booking.id,
    )


def booking_moved(old: Booking, new: Booking, *, now: datetime):
    body = f"You have moved to another date.\n\nManage: {_manage_url(new)}\n"
    return _queue(
        "booking_moved",
        new.person.email,
        "Your booking has moved",
        body,
        now=now,
        booking_id=new.id,
    )


def course_cancelled(course: Course, bookings: list[Booking], *, now: datetime):
    for booking in bookings:
        _queue(
            "course_cancelled",
            booking.person.email,
            "Your course is cancelled",
            "Your course is cancelled.\n",
            now=now,
            booking_id=booking.id,
        )
