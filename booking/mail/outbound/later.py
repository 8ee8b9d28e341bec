"""Messages written now and rendered a moment later: "to compose" outbox rows.

A booking decided under the course lock must write its emails in the same transaction (if it
commits, they will be sent; if not, none), but rendering them (templates, the copy for the
training mailbox, calendar invitations) need not hold the lock. So the locked transaction
writes each message as a row with its address, kind and booking, and in `compose` the few
facts it must say as they were at the decision (an invitation's sequence and day; the
waitlist number is counted when the row is written out). The sender fills such rows in
(`rendered`, services/outbox.py `compose_waiting`) before it claims messages to send,
reading outside any write transaction; one it meets still unrendered after claiming it is
rendered then (`render`). Either way the row is the one message: it is sent once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert

from ...extensions import db
from ...models import Booking, CourseDay, OutboxMessage
from . import composing, invitations

#: `compose["message"]` values this module renders.
PLACE_CONFIRMED = "place_confirmed"
WAITLISTED = "waitlisted"


#: One "to compose" row's values, ready for `write`.
Row = dict


def queue(kind: str, booking: Booking, *, to: str, facts: dict, now: datetime) -> Row:
    """A message to be rendered later: its row, for `write`."""
    return {
        "kind": kind,
        "to_address": to,
        "reply_to": composing.settings().mailbox,
        "subject": "",
        "text_body": "",
        "html_body": "",
        "attachments": [],
        "booking_id": booking.id,
        "compose": facts,
        "next_attempt_at": now,
        "created_at": now,
    }


def write(rows: list[Row]) -> None:
    """Add the rows to the outbox in the caller's transaction: one plain multi-row INSERT,
    sent now (a booking writes them while it holds its course's lock, and the session's
    unit of work would cost more than the insert)."""
    db.session.execute(insert(_TABLE).values(rows))


_TABLE = cast(Table, OutboxMessage.__table__)


def person_message(kind: str, booking: Booking, *, now: datetime, **facts) -> Row:
    """The person's own message of `kind` (`PLACE_CONFIRMED` or `WAITLISTED`)."""
    return queue(kind, booking, to=booking.person.email, facts={"message": kind, **facts}, now=now)


def mailbox_copy(original: Row, booking: Booking, *, now: datetime) -> Row:
    """The training mailbox's copy of `original` (itself still to be rendered)."""
    return queue(
        composing.MAILBOX_COPY,
        booking,
        to=composing.settings().mailbox,
        facts={"message": composing.MAILBOX_COPY, "of": original["compose"]},
        now=now,
    )


def day_invitation(
    booking: Booking, day: CourseDay, *, method: str, sequence: int, now: datetime
) -> Row:
    """One course day's invitation (or cancellation) under the `sequence` given now."""
    kind = composing.INVITE if method == invitations.REQUEST else composing.INVITE_CANCELLED
    facts = {"message": kind, "day_id": day.id, "method": method, "sequence": sequence}
    return queue(kind, booking, to=booking.person.email, facts=facts, now=now)


#: The waitlist number to tell a waiting person (services/waitlist.py `offer_number`).
WaitlistNumber = Callable[[Booking, datetime], int | None]


def render(row: OutboxMessage, *, waitlist_number: WaitlistNumber) -> None:
    """Fill in a "to compose" row's subject, bodies and attachments, in the caller's
    transaction; it is then an ordinary message waiting to be sent."""
    if row.compose is None:
        return
    for name, value in rendered(row, waitlist_number=waitlist_number).items():
        setattr(row, name, value)


def rendered(row: OutboxMessage, *, waitlist_number: WaitlistNumber) -> dict:
    """What a "to compose" row will say (the columns `render` fills in, and `compose`
    emptied), without changing the row: rendering needs only to read.

    A waitlist email says the person's number as it is when the email is written (a few
    seconds after the decision, by the sender), unless the row froze one."""
    facts = row.compose
    assert facts is not None
    booking = db.session.get(Booking, row.booking_id)
    if booking is None:
        raise LookupError("The booking this message was about is gone.")
    made = _build(facts, booking, now=row.created_at, waitlist_number=waitlist_number)
    return {
        "subject": made.subject,
        "text_body": made.text_body,
        "html_body": made.html_body,
        "attachments": made.attachments,
        "compose": None,
    }


def _build(
    facts: dict, booking: Booking, *, now: datetime, waitlist_number: WaitlistNumber
) -> OutboxMessage:
    """The message the facts describe, built by composing.py and taken back out of the
    session (its fields are copied into the row that waited for them)."""
    message = facts["message"]
    if message == composing.MAILBOX_COPY:
        original = _build(facts["of"], booking, now=now, waitlist_number=waitlist_number)
        made = composing.mailbox_copy(original, booking, now=now)
    elif message == PLACE_CONFIRMED:
        made = composing.place_confirmed(booking, now=now)
    elif message == WAITLISTED:
        # `now` is when the booking was decided, so "released" reads as it did then.
        position = facts["position"] if "position" in facts else waitlist_number(booking, now)
        made = composing.waitlisted(booking, now=now, position=position)
    elif message in (composing.INVITE, composing.INVITE_CANCELLED):
        day = db.session.get(CourseDay, facts["day_id"])
        if day is None:
            raise LookupError("The course day this invitation was for is gone.")
        made = composing.day_invitation(
            booking, day, method=facts["method"], now=now, sequence=facts["sequence"]
        )
    else:
        raise ValueError(f"Unknown message to compose: {message!r}")
    db.session.expunge(made)
    return made
