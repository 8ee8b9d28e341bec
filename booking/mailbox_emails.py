"""Replies to messages that arrived at the training mailbox, queued in the outbox.

These are the mailbox's entry points into email, kept in their own module because
`booking/emails.py` (the email work) was not on this branch; after the merge they can move
to the end of emails.py, with `_queue` replaced by `emails.render` + `emails.queue` and the
templates extending `email/_layout.*`. Like every email entry point they render a
template and add an `OutboxMessage` in the caller's transaction; only the outbox sender
talks to SMTP.

Nothing from the incoming message's headers reaches an outgoing header: the recipient is
the checked From address the parser produced and every subject is fixed text.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template

from .extensions import db
from .mail_parsing import one_line
from .models import Booking, Course, InboundMessage, OutboxMessage

SUBJECTS = {
    "mailbox_booking_link": "Please confirm your place on Signs of Safety training",
    "mailbox_cancel_link": "Please confirm you want to cancel your place",
    "mailbox_acknowledgement": "We have your message",
    "mailbox_calendar_link": "Dates for Signs of Safety training",
}


def mailbox_booking_link(
    inbound: InboundMessage, link_url: str, course: Course, *, now: datetime
) -> OutboxMessage:
    """Reply naming the course we matched, with the one-time link that books it."""
    return _queue("mailbox_booking_link", inbound, now=now, link_url=link_url, course=course)


def mailbox_cancel_link(
    inbound: InboundMessage, link_url: str, booking: Booking, *, now: datetime
) -> OutboxMessage:
    """Reply naming the place we found, with a one-click link that cancels it."""
    return _queue(
        "mailbox_cancel_link",
        inbound,
        now=now,
        link_url=link_url,
        course=booking.course,
        booking_id=booking.id,
    )


def mailbox_acknowledgement(inbound: InboundMessage, *, now: datetime) -> OutboxMessage:
    """A short "we have your message, a person will reply" note."""
    return _queue("mailbox_acknowledgement", inbound, now=now)


def mailbox_calendar_link(
    inbound: InboundMessage, calendar_url: str, *, now: datetime
) -> OutboxMessage:
    """A coordinator's reply pointing the sender to the course calendar."""
    return _queue("mailbox_calendar_link", inbound, now=now, link_url=calendar_url)


def _queue(
    kind: str,
    inbound: InboundMessage,
    *,
    now: datetime,
    booking_id: int | None = None,
    **context,
) -> OutboxMessage:
    context.update(inbound=inbound, training_mailbox=current_app.config["TRAINING_MAILBOX"])
    message = OutboxMessage(
        kind=kind,
        to_address=one_line(inbound.sender, limit=320),
        reply_to=current_app.config["TRAINING_MAILBOX"],
        subject=SUBJECTS[kind],
        text_body=render_template(f"email/{kind}.txt", **context),
        html_body=render_template(f"email/{kind}.html", **context),
        booking_id=booking_id,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    return message
