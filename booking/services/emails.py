"""What each change to a booking or a course tells people: the email to the person, their
calendar invitations or cancellations, and the copy for the training mailbox.

The booking and course services call these inside their own transaction; the messages are
built by booking/mail/outbound/composing.py, and this module decides which are sent:

- Calendar invitations: each course day is its own message carrying one invitation
  (Outlook acts on one invitation per message and only its first event). A confirmation
  carries none itself, because Outlook deletes a meeting request from the inbox once it is
  accepted, and the confirmation holds the link to manage the booking. Invitations go when
  someone has a place; cancellations only to someone who was ever sent invitations.
- Every time invitations or cancellations are sent for a booking, its `invite_sequence`
  goes up by one first, here and nowhere else, so calendars take the newest as the one.
- The training mailbox gets a separate copy of every message to one person about their
  booking, and one summary for a change that reaches everyone on a course.
- A person's line manager, when they gave one, gets a short copy of a confirmation (with
  the days as a calendar file to add, not an invitation), a cancellation or a move, and the
  outcome after the course (a no-show, a missed day, or completion). Never support needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..mail.outbound import composing, invitations, later, manager_copies
from ..models import Booking, BookingStatus, Course, CourseDay, OutboxMessage
from ..values import DayDetails, ScheduleChange


def confirm_your_email(
    email: str, course: Course, token: str, *, now: datetime, expires_at: datetime | None = None
) -> OutboxMessage:
    """Ask someone to follow a link to prove their address before their request is booked."""
    return composing.confirm_your_email(email, course, token, now=now, expires_at=expires_at)


def place_confirmed(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone they have a place; send a calendar invitation for each day."""
    message = composing.place_confirmed(booking, now=now)
    send_invitations(booking, now=now)
    composing.mailbox_copy(message, booking, now=now)
    copy_to_manager(booking, "confirmed", now=now)
    return message


def waitlisted(booking: Booking, *, now: datetime, position: int | None) -> OutboxMessage:
    """Tell someone they are on the waitlist, and where; cancel any invitations they had."""
    message = composing.waitlisted(booking, now=now, position=position)
    cancel_invitations_if_sent(booking, now=now)
    composing.mailbox_copy(message, booking, now=now)
    return message


# --- Written under the course lock, rendered by the sender ------------------------------------
# A new booking's messages, as `place_confirmed` and `waitlisted` above, but written as
# "to compose" rows (mail/outbound/later.py) with what they must say frozen now, so the
# booking does only the decision: rendering is the sender's work (issue 16), outside the
# booking's lock and outside the request.


def place_confirmed_soon(booking: Booking, *, now: datetime) -> None:
    """`place_confirmed`, rendered by the sender."""
    message = later.person_message(later.PLACE_CONFIRMED, booking, now=now)
    booking.invite_sequence = (booking.invite_sequence or 0) + 1
    sequence = booking.invite_sequence
    rows = [message]
    for day in booking.course.days:
        rows.append(
            later.day_invitation(
                booking, day, method=invitations.REQUEST, sequence=sequence, now=now
            )
        )
    later.write([*rows, later.mailbox_copy(message, booking, now=now)])
    copy_to_manager(booking, "confirmed", now=now)  # only for some: rendered now


def waitlisted_soon(booking: Booking, *, now: datetime) -> None:
    """`waitlisted`, rendered by the sender, who works out their number then: counting the
    people ahead is the longest statement a booking would send while it holds the lock."""
    message = later.person_message(later.WAITLISTED, booking, now=now)
    rows = [message]
    if _invitations_were_sent(booking):
        booking.invite_sequence = (booking.invite_sequence or 0) + 1
        for day in booking.course.days:
            rows.append(
                later.day_invitation(
                    booking,
                    day,
                    method=invitations.CANCEL,
                    sequence=booking.invite_sequence,
                    now=now,
                )
            )
    later.write([*rows, later.mailbox_copy(message, booking, now=now)])


def place_offered(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Offer a free place to someone on the waitlist, with links to accept or decline."""
    message = composing.place_offered(booking, now=now)
    composing.mailbox_copy(message, booking, now=now)
    return message


def offer_ended(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone the place offered to them is no longer held (they declined or did not answer)."""
    message = composing.offer_ended(booking, now=now)
    composing.mailbox_copy(message, booking, now=now)
    return message


def booking_cancelled(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone their booking is cancelled; cancel the calendar entries."""
    message = composing.booking_cancelled(booking, now=now)
    cancel_invitations_if_sent(booking, now=now)
    composing.mailbox_copy(message, booking, now=now)
    copy_to_manager(booking, "cancelled", now=now)
    return message


def booking_moved(old: Booking, new: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone their place moved to another date: cancel the old days, invite to the new."""
    message = composing.booking_moved(old, new, now=now)
    cancel_invitations_if_sent(old, now=now)
    if new.status == BookingStatus.CONFIRMED:
        send_invitations(new, now=now)
    composing.mailbox_copy(message, new, now=now)
    copy_to_manager(new, "moved", now=now, old_course=old.course)
    return message


def course_changed(
    course: Course, bookings: Iterable[Booking], *, change: ScheduleChange, now: datetime
) -> list[OutboxMessage]:
    """Tell everyone on a course what changed of its dates, times or venue, old and new;
    update the calendars of those with a place."""
    told = list(bookings)
    messages = []
    for booking in told:
        messages.append(composing.course_changed(booking, change=change, now=now))
        if booking.status == BookingStatus.CONFIRMED:
            send_invitations(booking, now=now, removed=change.removed_days)
    composing.mailbox_summary("course_changed", course, told, now=now, change=change)
    return messages


def course_cancelled(
    course: Course, bookings: Iterable[Booking], *, now: datetime
) -> list[OutboxMessage]:
    """Tell everyone on a cancelled course (places, offers and waits); cancel calendar entries."""
    told = list(bookings)
    messages = []
    for booking in told:
        messages.append(composing.course_cancelled(booking, now=now))
        cancel_invitations_if_sent(booking, now=now)
        copy_to_manager(booking, "course_cancelled", now=now)
    composing.mailbox_summary("course_cancelled", course, told, now=now)
    return messages


# --- Line managers -------------------------------------------------------------------------


def copy_to_manager(
    booking: Booking,
    event: str,
    *,
    now: datetime,
    old_course: Course | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """A short copy for the person's line manager, if they gave one (`manager_copies.EVENTS`)."""
    if not (booking.person.line_manager_email or "").strip():
        return None
    return manager_copies.manager_copy(
        booking, event=event, now=now, old_course=old_course, dedupe_key=dedupe_key
    )


def approval_requested(booking: Booking, token: str, *, now: datetime) -> OutboxMessage:
    """Ask the line manager to approve a request (the one-time link), and tell the person."""
    message = manager_copies.approval_request(booking, token, now=now)
    person_message = manager_copies.waiting_for_manager(booking, now=now)
    composing.mailbox_copy(person_message, booking, now=now)
    return message


def approval_refused(booking: Booking, *, now: datetime, lapsed: bool) -> OutboxMessage:
    """Tell the person their manager said no (and why), or did not answer in time."""
    message = manager_copies.approval_decided(booking, now=now, lapsed=lapsed)
    composing.mailbox_copy(message, booking, now=now)
    return message


# --- Calendar invitations ------------------------------------------------------------------


def send_invitations(
    booking: Booking, *, now: datetime, removed: Sequence[tuple[int, DayDetails]] = ()
) -> list[OutboxMessage]:
    """An invitation for each course day, one message each, under a new sequence number;
    and a cancellation, under the same number, for each day the course no longer has."""
    messages = _send(booking, method=invitations.REQUEST, now=now)
    for number, old in removed:
        # The day's row is gone; a stand-in with its number (so its UID) and old times.
        gone = CourseDay(
            day_number=number, date=old.date, starts_at=old.starts_at, ends_at=old.ends_at
        )
        messages.append(composing.day_invitation(booking, gone, method=invitations.CANCEL, now=now))
    return messages


def cancel_invitations_if_sent(booking: Booking, *, now: datetime) -> list[OutboxMessage]:
    """Remove the days from the person's calendar, if we ever put them there."""
    if not _invitations_were_sent(booking):
        return []
    return _send(booking, method=invitations.CANCEL, now=now)


def _send(booking: Booking, *, method: str, now: datetime) -> list[OutboxMessage]:
    booking.invite_sequence = (booking.invite_sequence or 0) + 1
    return [
        composing.day_invitation(booking, day, method=method, now=now)
        for day in booking.course.days
    ]


def _invitations_were_sent(booking: Booking) -> bool:
    if booking.id is None or not booking.invite_sequence:
        return False  # the sequence goes up with every invitation: none was ever sent
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.booking_id == booking.id, OutboxMessage.kind == composing.INVITE)
            .limit(1)
        )
        is not None
    )
