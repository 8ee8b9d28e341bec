"""Replies to messages that arrived at the training mailbox (built here, queued through
composing's outbox rows like every other email)."""

from __future__ import annotations

import re
from datetime import datetime

from ...models import Booking, Course, OutboxMessage
from ...text import one_line
from ..inbound.headers import message_ids, thread_ids
from .composing import queue, render

# A reply threads with the message it answers in the sender's mail program: "Re: " + its
# subject, In-Reply-To its Message-ID and References its thread. Only checked values reach
# an outgoing header: the recipient is the checked From address the parser produced, the
# subject is on one line (no control characters), and ids are well-formed "<...@...>" only.

#: Fixed subjects: for a reply to a message that had no subject, and for messages that are
#: not replies.
MAILBOX_SUBJECTS = {
    "mailbox_booking_link": "Please confirm your place on Signs of Safety training",
    "mailbox_cancel_link": "Please confirm you want to cancel your place",
    "mailbox_acknowledgement": "We have your message",
    "mailbox_cannot_book": "We could not book a place for you",
    "mailbox_calendar_link": "Dates for Signs of Safety training",
    "mailbox_booking_for_you": "Please confirm your place on Signs of Safety training",
    "mailbox_too_large": "Your email was too large for us to read",
    "mailbox_link_reminder": "Use the link we sent to confirm your place",
    "mailbox_manager_approval_needed": "Your line manager needs to approve this training",
}


def mailbox_booking_link(inbound, link_url: str, course: Course, *, now: datetime) -> OutboxMessage:
    """Reply naming the course we matched, with the one-time link that books it."""
    return mailbox_reply("mailbox_booking_link", inbound, now=now, link_url=link_url, course=course)


def mailbox_cancel_link(
    inbound, link_url: str, booking: Booking, *, now: datetime
) -> OutboxMessage:
    """Reply naming the place we found, with a one-click link that cancels it."""
    return mailbox_reply(
        "mailbox_cancel_link",
        inbound,
        now=now,
        link_url=link_url,
        course=booking.course,
        booking_id=booking.id,
    )


def mailbox_acknowledgement(inbound, *, now: datetime) -> OutboxMessage:
    """A short "we have your message, a person will reply" note."""
    return mailbox_reply("mailbox_acknowledgement", inbound, now=now)


def mailbox_cannot_book(inbound, *, reason: str, now: datetime) -> OutboxMessage:
    """Why the booking rules refused the place the sender asked for (a course they need
    first, or a course for council staff only), in the rule's own plain words."""
    return mailbox_reply("mailbox_cannot_book", inbound, now=now, reason=reason)


def mailbox_manager_approval_needed(
    inbound, book_url: str, course: Course, *, now: datetime
) -> OutboxMessage:
    """This training needs the sender's line manager's approval and their email gave no
    manager's address: book on the website, whose form asks for it (rule 25)."""
    return mailbox_reply(
        "mailbox_manager_approval_needed", inbound, now=now, link_url=book_url, course=course
    )


def mailbox_link_reminder(
    inbound, link, course: Course, *, link_subject: str, now: datetime
) -> OutboxMessage:
    """Point someone who replied "yes" back to the confirm link we already sent them (in the
    email with the subject `link_subject`)."""
    return mailbox_reply(
        "mailbox_link_reminder",
        inbound,
        now=now,
        course=course,
        sent_at=link.created_at,
        expires_at=link.expires_at,
        link_subject=link_subject,
    )


def mailbox_too_large(inbound, *, limit: str, now: datetime) -> OutboxMessage:
    """Tell the sender their message was too large to read (`limit` says the largest read)."""
    return mailbox_reply("mailbox_too_large", inbound, now=now, limit=limit)


def mailbox_calendar_link(inbound, calendar_url: str, *, now: datetime) -> OutboxMessage:
    """A coordinator's reply pointing the sender to the course calendar."""
    return mailbox_reply("mailbox_calendar_link", inbound, now=now, link_url=calendar_url)


def mailbox_booking_link_for_named_person(
    email: str, name: str, link_url: str, course: Course, *, now: datetime
) -> OutboxMessage:
    """To someone another person's email asked us to book: their own one-time link."""
    kind = "mailbox_booking_for_you"
    text, html = render(kind, name=name, link_url=link_url, course=course)
    return queue(kind, to=email, subject=MAILBOX_SUBJECTS[kind], text=text, html=html, now=now)


def mailbox_reply(kind: str, inbound, *, now: datetime, booking_id: int | None = None, **context):
    text, html = render(kind, inbound=inbound, **context)
    in_reply_to = next(iter(message_ids(inbound.message_id_header or "")), "")
    references = message_ids(inbound.reference_ids or "") if in_reply_to else []
    return queue(
        kind,
        to=one_line(inbound.sender, limit=320),
        subject=reply_subject(inbound.subject, otherwise=MAILBOX_SUBJECTS[kind]),
        text=text,
        html=html,
        now=now,
        booking_id=booking_id,
        in_reply_to=in_reply_to,
        reference_ids=" ".join(thread_ids([*references, in_reply_to])) if in_reply_to else "",
    )


_REPLY_PREFIX = re.compile(r"re\s*:", re.IGNORECASE)
#: The longest subject the outbox keeps.
SUBJECT_LIMIT = 300


def reply_subject(subject: str | None, *, otherwise: str) -> str:
    """ "Re: " + the subject answered (once, however it is written), on one line; `otherwise`
    when there was no subject."""
    subject = one_line(subject, limit=SUBJECT_LIMIT)
    if not subject:
        return otherwise
    if not _REPLY_PREFIX.match(subject):
        subject = f"Re: {subject}"
    return subject[:SUBJECT_LIMIT]
