"""Every email the service sends: rendered from templates and written to the outbox.

Services call these functions inside their own transaction, so a message exists exactly
when the change that caused it commits. Nothing here talks to a mail server: the outbox
sender (services/outbox.py with the SMTP adapter in mailer.py) does that later.

This is an adapter, not a service: it reads settings (SITE_URL, TRAINING_MAILBOX, the
secret key) from the current app and renders Jinja templates in `templates/email/`.

Calendar invitations: each course day is its own message carrying one invitation
(Outlook acts on one invitation per message and only its first event). The confirmation
itself carries no invitation, because Outlook deletes a meeting request from the inbox once
it is accepted, and the confirmation holds the link to manage the booking. Every time
invitations are built for a booking its `invite_sequence` goes up by one here (the single
place invitations are made), so services need not bump it.

The training mailbox gets a separate copy of every confirmation, change and cancellation
(one summary message for changes that reach everyone on a course).
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask import current_app, has_request_context, render_template
from markupsafe import Markup
from sqlalchemy import select

from . import invites
from .extensions import db
from .models import Booking, BookingStatus, Course, CourseDay, OutboxMessage
from .web import long_date

if TYPE_CHECKING:
    from .services.courses import ScheduleChange

#: Message kinds that carry calendar invitations; their presence means "invites were sent".
INVITE = "calendar_invite"
INVITE_CANCELLED = "calendar_cancel"
MAILBOX_COPY = "mailbox_copy"

#: Set on flask.g when a request queued mail, so the best-effort sender knows to run.
QUEUED_FLAG = "outbox_queued"

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


# --- The entry points services call -------------------------------------------------------


def sign_in_link(email: str, url: str, *, now: datetime, lifetime: timedelta) -> OutboxMessage:
    """The link that signs an attendee in to "My bookings" (works once, for `lifetime`)."""
    text, html = render("sign_in_link", url=url, minutes=int(lifetime.total_seconds() // 60))
    return queue(
        "sign_in_link", to=email, subject="Your link to sign in", text=text, html=html, now=now
    )


def confirm_your_email(
    email: str, course: Course, token: str, *, now: datetime, expires_at: datetime | None = None
) -> OutboxMessage:
    """Ask someone to follow a link to prove their address before their request is booked."""
    return _person_message(
        "confirm_your_email",
        to=email,
        subject=f"Confirm your email address to book {_course_name(course)}",
        context={"course": course, "confirm_url": _confirm_url(token), "expires_at": expires_at},
        now=now,
    )


def place_confirmed(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone they have a place; send a calendar invitation for each day."""
    return _tell(
        "place_confirmed",
        booking,
        subject=f"You have a place: {_course_title(booking)}",
        calendar=invites.REQUEST,
        now=now,
    )


def waitlisted(booking: Booking, *, now: datetime, position: int | None) -> OutboxMessage:
    """Tell someone they are on the waitlist, and where (`position`, 1 is next, worked out by
    the caller from services/waitlist.py); cancel any invitations they had."""
    return _tell(
        "waitlisted",
        booking,
        subject=f"You are on the waitlist: {_course_title(booking)}",
        context={"position": position},
        calendar=invites.CANCEL,
        now=now,
    )


def place_offered(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Offer a free place to someone on the waitlist, with links to accept or decline."""
    manage_url = _manage_url(booking)
    return _tell(
        "place_offered",
        booking,
        subject=f"A place is free for you: {_course_title(booking)}",
        context={
            "accept_url": f"{manage_url}?answer=accept",
            "decline_url": f"{manage_url}?answer=decline",
            "offer_expires_at": booking.offer_expires_at,
        },
        now=now,
    )


def offer_ended(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone the place offered to them is no longer held (they declined or did not answer)."""
    return _tell(
        "offer_ended",
        booking,
        subject=f"The place we offered you has ended: {_course_title(booking)}",
        context={"declined": booking.status == BookingStatus.DECLINED},
        now=now,
    )


def booking_cancelled(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone their booking is cancelled; cancel the calendar entries."""
    return _tell(
        "booking_cancelled",
        booking,
        subject=f"Your booking is cancelled: {_course_title(booking)}",
        calendar=invites.CANCEL,
        now=now,
    )


def booking_moved(old: Booking, new: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone their place moved to another date: cancel the old days, invite to the new."""
    message = _booking_message(
        "booking_moved",
        new,
        subject=f"Your place has moved to {new.course.first_day.date:%-d %B %Y}",
        context={"old_course": old.course, "old_days": old.course.days},
        now=now,
    )
    _cancel_invitations_if_sent(old, now=now)
    if new.status == BookingStatus.CONFIRMED:
        _send_invitations(new, method=invites.REQUEST, now=now)
    _mailbox_copy(message, new, now=now)
    return message


def course_changed(
    course: Course, bookings: Iterable[Booking], *, change: ScheduleChange, now: datetime
) -> list[OutboxMessage]:
    """Tell everyone on a course what changed of its dates, times or venue, old and new;
    update their calendars."""
    bookings = list(bookings)
    messages = [
        _tell(
            "course_changed",
            booking,
            subject=f"Your course has changed: {_course_and_date(course)}",
            context={"change": change},
            calendar=invites.REQUEST if booking.status == BookingStatus.CONFIRMED else None,
            copy_to_mailbox=False,
            now=now,
        )
        for booking in bookings
    ]
    _mailbox_summary(
        "course_changed",
        course,
        bookings,
        subject=f"Copy: course changed: {_course_and_date(course)}",
        now=now,
        change=change,
    )
    return messages


def course_cancelled(
    course: Course, bookings: Iterable[Booking], *, now: datetime
) -> list[OutboxMessage]:
    """Tell everyone on a cancelled course (places, offers and waits); cancel calendar entries."""
    bookings = list(bookings)
    messages = [
        _tell(
            "course_cancelled",
            booking,
            subject=f"Your course is cancelled: {_course_and_date(course)}",
            context={"reason": course.cancelled_reason},
            calendar=invites.CANCEL,
            copy_to_mailbox=False,
            now=now,
        )
        for booking in bookings
    ]
    _mailbox_summary(
        "course_cancelled",
        course,
        bookings,
        subject=f"Copy: course cancelled: {_course_and_date(course)}",
        now=now,
    )
    return messages


def reminder(
    booking: Booking, *, now: datetime, days_before: int, dedupe_key: str | None = None
) -> OutboxMessage:
    """Remind someone with a place of the venue, times and what to bring."""
    return _booking_message(
        "reminder",
        booking,
        subject=f"Reminder: your training starts on {long_date(booking.course.first_day.date)}",
        context={"days_before": days_before},
        now=now,
        dedupe_key=dedupe_key,
    )


def course_completed(
    booking: Booking, *, now: datetime, dedupe_key: str | None = None
) -> OutboxMessage:
    """Thank someone after day 2 and confirm their training is complete."""
    return _booking_message(
        "course_completed",
        booking,
        subject=f"Thank you for coming: {_course_name(booking.course)}",
        now=now,
        dedupe_key=dedupe_key,
    )


def course_not_completed(
    booking: Booking,
    *,
    now: datetime,
    missed_days: Sequence[int],
    next_courses: Sequence[Course] = (),
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """After day 2, tell someone who missed a day what happens next, with the next dates."""
    return _booking_message(
        "course_not_completed",
        booking,
        subject=f"What happens next: {_course_name(booking.course)}",
        context={"missed_days": list(missed_days), "next_courses": list(next_courses)},
        now=now,
        dedupe_key=dedupe_key,
    )


# --- Links ---------------------------------------------------------------------------------


def _site_url() -> str:
    return current_app.config["SITE_URL"].rstrip("/")


def _manage_url(booking: Booking) -> str:
    """The link in every email that lets the person see and change their booking."""
    from .services.links import manage_token

    if booking.id is None:
        db.session.flush()
    return f"{_site_url()}/b/{manage_token(booking, current_app.config['SECRET_KEY'])}"


def _confirm_url(token: str) -> str:
    """The link that proves someone's address and books the place they asked for."""
    return f"{_site_url()}/confirm/{token}"


# --- Building messages ---------------------------------------------------------------------


def _course_name(course: Course) -> str:
    return course.course_type.name


def _course_title(booking: Booking) -> str:
    return _course_and_date(booking.course)


def _course_and_date(course: Course) -> str:
    return f"{_course_name(course)}, {course.first_day.date.day} {course.first_day.date:%B %Y}"


def _booking_context(booking: Booking) -> dict:
    course = booking.course
    return {
        "booking": booking,
        "person": booking.person,
        "course": course,
        "days": course.days,
        "venue": course.venue,
        "manage_url": _manage_url(booking),
    }


def _tell(
    kind: str,
    booking: Booking,
    *,
    subject: str,
    now: datetime,
    context: dict | None = None,
    calendar: str | None = None,
    copy_to_mailbox: bool = True,
) -> OutboxMessage:
    """The message to the person, then their calendar invitations or cancellations (REQUEST
    always; CANCEL only if they ever had invitations), then the copy for the mailbox."""
    message = _booking_message(kind, booking, subject=subject, context=context, now=now)
    if calendar == invites.REQUEST:
        _send_invitations(booking, method=invites.REQUEST, now=now)
    elif calendar == invites.CANCEL:
        _cancel_invitations_if_sent(booking, now=now)
    if copy_to_mailbox:
        _mailbox_copy(message, booking, now=now)
    return message


def _booking_message(
    kind: str,
    booking: Booking,
    *,
    subject: str,
    now: datetime,
    context: dict | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    return _person_message(
        kind,
        to=booking.person.email,
        subject=subject,
        context={**_booking_context(booking), **(context or {})},
        now=now,
        booking=booking,
        dedupe_key=dedupe_key,
    )


def _person_message(
    kind: str,
    *,
    to: str,
    subject: str,
    context: dict,
    now: datetime,
    booking: Booking | None = None,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
) -> OutboxMessage:
    text, html = render(kind, **context)
    return queue(
        kind,
        to=to,
        subject=subject,
        text=text,
        html=html,
        now=now,
        booking_id=booking.id if booking else None,
        dedupe_key=dedupe_key,
        attachments=attachments,
    )


# --- Replies to messages that arrived at the training mailbox ------------------------------
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
    "mailbox_calendar_link": "Dates for Signs of Safety training",
    "mailbox_booking_for_you": "Please confirm your place on Signs of Safety training",
    "mailbox_too_large": "Your email was too large for us to read",
    "mailbox_link_reminder": "Use the link we sent to confirm your place",
}


def mailbox_booking_link(inbound, link_url: str, course: Course, *, now: datetime) -> OutboxMessage:
    """Reply naming the course we matched, with the one-time link that books it."""
    return _mailbox_reply(
        "mailbox_booking_link", inbound, now=now, link_url=link_url, course=course
    )


def mailbox_cancel_link(
    inbound, link_url: str, booking: Booking, *, now: datetime
) -> OutboxMessage:
    """Reply naming the place we found, with a one-click link that cancels it."""
    return _mailbox_reply(
        "mailbox_cancel_link",
        inbound,
        now=now,
        link_url=link_url,
        course=booking.course,
        booking_id=booking.id,
    )


def mailbox_acknowledgement(inbound, *, now: datetime) -> OutboxMessage:
    """A short "we have your message, a person will reply" note."""
    return _mailbox_reply("mailbox_acknowledgement", inbound, now=now)


def mailbox_link_reminder(
    inbound, link, course: Course, *, link_subject: str, now: datetime
) -> OutboxMessage:
    """Point someone who replied "yes" back to the confirm link we already sent them (in the
    email with the subject `link_subject`)."""
    return _mailbox_reply(
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
    return _mailbox_reply("mailbox_too_large", inbound, now=now, limit=limit)


def mailbox_calendar_link(inbound, calendar_url: str, *, now: datetime) -> OutboxMessage:
    """A coordinator's reply pointing the sender to the course calendar."""
    return _mailbox_reply("mailbox_calendar_link", inbound, now=now, link_url=calendar_url)


def mailbox_booking_link_for_named_person(
    email: str, name: str, link_url: str, course: Course, *, now: datetime
) -> OutboxMessage:
    """To someone another person's email asked us to book: their own one-time link."""
    kind = "mailbox_booking_for_you"
    text, html = render(kind, name=name, link_url=link_url, course=course)
    return queue(kind, to=email, subject=MAILBOX_SUBJECTS[kind], text=text, html=html, now=now)


def _mailbox_reply(kind: str, inbound, *, now: datetime, booking_id: int | None = None, **context):
    from .mail_parsing import message_ids, one_line, thread_ids

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
    from .mail_parsing import one_line

    subject = one_line(subject, limit=SUBJECT_LIMIT)
    if not subject:
        return otherwise
    if not _REPLY_PREFIX.match(subject):
        subject = f"Re: {subject}"
    return subject[:SUBJECT_LIMIT]


def render(kind: str, **context) -> tuple[str, str]:
    """Render `templates/email/<kind>.txt` and `.html` (the HTML autoescaped)."""
    context.setdefault("training_mailbox", current_app.config["TRAINING_MAILBOX"])
    context.setdefault("site_url", _site_url())
    text = _BLANK_LINES.sub("\n\n", render_template(f"email/{kind}.txt", **context)).strip() + "\n"
    html = render_template(f"email/{kind}.html", **context)
    return text, html


def queue(
    kind: str,
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    now: datetime,
    booking_id: int | None = None,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
    in_reply_to: str = "",
    reference_ids: str = "",
) -> OutboxMessage:
    """Write one message to the outbox in the caller's transaction."""
    message = OutboxMessage(
        kind=kind,
        dedupe_key=dedupe_key,
        to_address=to,
        reply_to=current_app.config["TRAINING_MAILBOX"],
        subject=subject,
        text_body=text,
        html_body=html,
        attachments=attachments or [],
        booking_id=booking_id,
        in_reply_to=in_reply_to,
        reference_ids=reference_ids,
        next_attempt_at=now,
        created_at=now,
    )
    db.session.add(message)
    if has_request_context():
        from flask import g

        setattr(g, QUEUED_FLAG, True)
    return message


# --- Calendar invitations ------------------------------------------------------------------


def _organiser() -> tuple[str, str]:
    return current_app.config["TRAINING_MAILBOX"], current_app.config["SERVICE_NAME"]


def _send_invitations(booking: Booking, *, method: str, now: datetime) -> list[OutboxMessage]:
    """One message per course day, each carrying one invitation (or cancellation)."""
    booking.invite_sequence = (booking.invite_sequence or 0) + 1
    organiser, organiser_name = _organiser()
    kind = INVITE if method == invites.REQUEST else INVITE_CANCELLED
    messages = []
    for day in booking.course.days:
        data = invites.day_invitation(
            booking,
            day,
            method=method,
            sequence=booking.invite_sequence,
            organiser=organiser,
            organiser_name=organiser_name,
            now=now,
        )
        attachment = {
            "filename": f"day-{day.day_number}.ics",
            "content_type": f"text/calendar; method={method}; charset=UTF-8",
            "data": base64.b64encode(data).decode("ascii"),
        }
        messages.append(
            _person_message(
                kind,
                to=booking.person.email,
                subject=_invite_subject(booking, day, method),
                context={**_booking_context(booking), "day": day},
                now=now,
                booking=booking,
                attachments=[attachment],
            )
        )
    return messages


def _invite_subject(booking: Booking, day: CourseDay, method: str) -> str:
    when = long_date(day.date)
    name = _course_name(booking.course)
    if method == invites.CANCEL:
        return f"Calendar entry cancelled: {name}, day {day.day_number}, {when}"
    return f"Calendar invitation: {name}, day {day.day_number}, {when}"


def _invites_were_sent(booking: Booking) -> bool:
    if booking.id is None or not booking.invite_sequence:
        return False  # the sequence goes up with every invitation: none was ever sent
    return (
        db.session.scalar(
            select(OutboxMessage.id)
            .where(OutboxMessage.booking_id == booking.id, OutboxMessage.kind == INVITE)
            .limit(1)
        )
        is not None
    )


def _cancel_invitations_if_sent(booking: Booking, *, now: datetime) -> list[OutboxMessage]:
    """Remove the days from the person's calendar, if we ever put them there."""
    if not _invites_were_sent(booking):
        return []
    return _send_invitations(booking, method=invites.CANCEL, now=now)


def booking_calendar(booking: Booking, *, now: datetime | None = None) -> bytes:
    """Both days of a booking as an `.ics` file for the booking page (same UIDs as invites)."""
    from .clock import now as clock_now

    organiser, organiser_name = _organiser()
    return invites.booking_calendar(
        booking, organiser=organiser, organiser_name=organiser_name, now=now or clock_now()
    )


# --- Copies for the training mailbox -------------------------------------------------------


def _mailbox_copy(original: OutboxMessage, booking: Booking, *, now: datetime) -> OutboxMessage:
    """A separate copy of a message to one person, sent to the training mailbox."""
    # The person's own links must not sit in a shared mailbox: point them at this booking's
    # page in the coordinators' area instead. (The pattern is the same for every booking,
    # so `re` compiles it once and keeps it.)
    personal_link = re.escape(f"{_site_url()}/b/") + r"[^\s\"'<>]*"
    booking_page = f"{_site_url()}/coordinator/bookings/{booking.id}"
    context = {
        "person": booking.person,
        "booking": booking,
        "course": booking.course,
        "original_text": re.sub(personal_link, booking_page, original.text_body),
        # Already rendered by our own autoescaping templates, so safe to include as it is;
        # only what is inside its <body>, so the copy stays one HTML document.
        "original_html": Markup(  # noqa: S704
            re.sub(personal_link, booking_page, _inside_body(original.html_body))
        ),
    }
    text, html = render(MAILBOX_COPY, **context)
    return queue(
        MAILBOX_COPY,
        to=current_app.config["TRAINING_MAILBOX"],
        subject=f"Copy: {original.subject}",
        text=text,
        html=html,
        now=now,
        booking_id=booking.id,
    )


def _inside_body(html: str) -> str:
    """What is between <body ...> and </body> in one of our rendered emails."""
    match = _BODY.search(html)
    return match.group(1).strip() if match else html


def _mailbox_summary(
    kind: str,
    course: Course,
    bookings: list[Booking],
    *,
    subject: str,
    now: datetime,
    change: ScheduleChange | None = None,
) -> OutboxMessage | None:
    """One message to the mailbox listing everyone told about a change to a whole course."""
    if not bookings:
        return None
    text, html = render(
        "mailbox_summary",
        cancelled=kind == "course_cancelled",
        change=change,
        course=course,
        bookings=bookings,
        days=course.days,
    )
    return queue(
        MAILBOX_COPY,
        to=current_app.config["TRAINING_MAILBOX"],
        subject=subject,
        text=text,
        html=html,
        now=now,
    )
