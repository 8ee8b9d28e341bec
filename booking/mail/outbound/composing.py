"""Every email the service sends: rendered from templates and written to the outbox.

Services call these functions inside their own transaction, so a message exists exactly
when the change that caused it commits. Nothing here talks to a mail server: the outbox
sender (services/outbox.py with the SMTP adapter in sending.py) does that later.

A builder, not a service: each function makes one message and decides nothing about who is
told what. services/emails.py decides that for changes to bookings and courses: which
messages go, the calendar invitations (one message per course day, with the booking's
`invite_sequence`, which it raises), and the copies for the training mailbox.

No Flask app is needed: what the messages need to know about the service (`MailSettings`:
its address, the training mailbox, its name and the key that signs booking links) is set
once by create_app (`configure`), and `templates/email/` is rendered with this module's own
Jinja environment, with the same filters as the pages (booking/words.py).
"""

from __future__ import annotations

import base64
import functools
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import segno
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ... import addresses
from ...extensions import db
from ...models import Booking, BookingStatus, Course, CourseDay, LinkPurpose, OutboxMessage
from ...values import ScheduleChange
from ...words import TEMPLATE_FILTERS, TEMPLATE_GLOBALS, long_date, short_date
from . import invitations

#: Message kinds that carry calendar invitations; their presence means "invites were sent".
INVITE = "calendar_invite"
INVITE_CANCELLED = "calendar_cancel"
MAILBOX_COPY = "mailbox_copy"

#: Where the email templates are: templates/email/ at the top of the project.
TEMPLATES = Path(__file__).resolve().parents[3] / "templates"

_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+\n")
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class MailSettings:
    """What every email needs to know about the service."""

    #: The public address every link starts with (SITE_URL), without a trailing slash.
    site_url: str
    #: The training mailbox: reply-to of every email, organiser of invitations, gets copies.
    mailbox: str
    #: The service's name, at the top of every email and as the invitations' organiser.
    service_name: str
    #: Signs the link to each booking's own page.
    secret_key: str

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        """Take them from a Flask config (or any mapping of the same names)."""
        return cls(
            site_url=str(config["SITE_URL"]).rstrip("/"),
            mailbox=config["TRAINING_MAILBOX"],
            service_name=config["SERVICE_NAME"],
            secret_key=config["SECRET_KEY"],
        )


_settings: MailSettings | None = None


def configure(settings: MailSettings) -> None:
    """Set what every email needs (create_app does, once it has its settings)."""
    global _settings
    _settings = settings


def settings() -> MailSettings:
    """What `configure` set."""
    if _settings is None:
        raise RuntimeError("Emails are not set up: create_app() calls composing.configure().")
    return _settings


@functools.cache
def _environment() -> Environment:
    """Jinja for templates/email/: HTML autoescaped, the pages' date and word filters."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(("html", "htm", "xml")),
    )
    environment.filters.update(TEMPLATE_FILTERS)
    environment.globals.update(TEMPLATE_GLOBALS)
    return environment


# --- The entry points services call -------------------------------------------------------


def sign_in_link(email: str, url: str, *, now: datetime, lifetime: timedelta) -> OutboxMessage:
    """The link that signs an attendee in to "My bookings" (works once, for `lifetime`)."""
    text, html = render("sign_in_link", url=url, lifetime=lifetime)
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
    """Tell someone they have a place."""
    return _booking_message(
        "place_confirmed",
        booking,
        subject=f"You have a place: {_course_title(booking)}",
        now=now,
    )


def waitlisted(booking: Booking, *, now: datetime, position: int | None) -> OutboxMessage:
    """Tell someone they are on the waitlist, and where (`position`, 1 is next, worked out by
    the caller from services/waitlist.py)."""
    return _booking_message(
        "waitlisted",
        booking,
        subject=f"You are on the waitlist: {_course_title(booking)}",
        context={"position": position, "released": booking.course.is_released(now)},
        now=now,
    )


def place_offered(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Offer a free place to someone on the waitlist, with links to accept or decline."""
    manage_url = _manage_url(booking)
    return _booking_message(
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
    return _booking_message(
        "offer_ended",
        booking,
        subject=f"The place we offered you has ended: {_course_title(booking)}",
        context={"declined": booking.status == BookingStatus.DECLINED},
        now=now,
    )


def booking_cancelled(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone their booking is cancelled."""
    return _booking_message(
        "booking_cancelled",
        booking,
        subject=f"Your booking is cancelled: {_course_title(booking)}",
        now=now,
    )


def booking_moved(old: Booking, new: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone their place moved to another date (`new`), and from which (`old`)."""
    return _booking_message(
        "booking_moved",
        new,
        subject=f"Your place has moved to {short_date(new.course.first_day.date)}",
        context={"old_course": old.course, "old_days": old.course.days},
        now=now,
    )


def course_changed(booking: Booking, *, change: ScheduleChange, now: datetime) -> OutboxMessage:
    """Tell someone on a course what changed of its dates, times or venue, old and new."""
    return _booking_message(
        "course_changed",
        booking,
        subject=f"Your course has changed: {_course_title(booking)}",
        context={"change": change},
        now=now,
    )


def course_cancelled(booking: Booking, *, now: datetime) -> OutboxMessage:
    """Tell someone on a cancelled course (a place, an offer or a wait) that it is cancelled."""
    return _booking_message(
        "course_cancelled",
        booking,
        subject=f"Your course is cancelled: {_course_title(booking)}",
        context={"reason": booking.course.cancelled_reason},
        now=now,
    )


def reminder(
    booking: Booking,
    *,
    now: datetime,
    days_before: int,
    dedupe_key: str | None = None,
    check_in_codes: Sequence[tuple[CourseDay, str]] = (),
) -> OutboxMessage:
    """Remind someone with a place of the venue, times and what to bring, with their
    check-in code for each day (in words, and as a QR code picture attached)."""
    return _person_message(
        "reminder",
        to=booking.person.email,
        subject=f"Reminder: your training starts on {long_date(booking.course.first_day.date)}",
        context={
            **booking_context(booking),
            "days_before": days_before,
            "check_in_codes": [(day, f"{code[:3]} {code[3:]}") for day, code in check_in_codes],
        },
        now=now,
        booking=booking,
        dedupe_key=dedupe_key,
        attachments=[_qr_picture(day, code) for day, code in check_in_codes],
    )


def _qr_picture(day: CourseDay, code: str) -> dict:
    """A check-in code's QR code as a PNG attachment (pictures in the email body are often
    hidden by mail programs; an attachment is always there to open at the door)."""
    picture = io.BytesIO()
    segno.make_qr(code, error="m").save(picture, kind="png", scale=10, border=4)
    return {
        "filename": f"check-in-code-day-{day.day_number}.png",
        "content_type": "image/png",
        "data": base64.b64encode(picture.getvalue()).decode("ascii"),
    }


def course_completed(
    booking: Booking,
    *,
    now: datetime,
    dedupe_key: str | None = None,
    feedback_closes_at: datetime | None = None,
    certificate: tuple[str, bytes] | None = None,
) -> OutboxMessage:
    """Thank someone after day 2 and confirm their training is complete; with
    `feedback_closes_at`, ask for their feedback by a link that works until then; with
    `certificate` (file name, PDF), attach their certificate of completion."""
    feedback_url = ""
    if feedback_closes_at is not None:
        feedback_url = settings().site_url + addresses.feedback_path(booking, settings().secret_key)
    return _booking_message(
        "course_completed",
        booking,
        subject=f"Thank you for coming: {_course_name(booking.course)}",
        context={
            "feedback_url": feedback_url,
            "feedback_closes_at": feedback_closes_at,
            "certificate_attached": certificate is not None,
        },
        now=now,
        dedupe_key=dedupe_key,
        attachments=[pdf_attachment(*certificate)] if certificate else None,
    )


def pdf_attachment(filename: str, data: bytes) -> dict:
    """A PDF file as an outbox attachment."""
    return {
        "filename": filename,
        "content_type": "application/pdf",
        "data": base64.b64encode(data).decode("ascii"),
    }


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


def _manage_url(booking: Booking) -> str:
    """The link in every email that lets the person see and change their booking."""
    if booking.id is None:
        db.session.flush()
    return settings().site_url + addresses.manage_path(booking, settings().secret_key)


def _confirm_url(token: str) -> str:
    """The link that proves someone's address and books the place they asked for."""
    return settings().site_url + addresses.link_path(LinkPurpose.CONFIRM_BOOKING, token)


# --- Building messages ---------------------------------------------------------------------


def _course_name(course: Course) -> str:
    return course.course_type.name


def _course_title(booking: Booking) -> str:
    return _course_and_date(booking.course)


def _course_and_date(course: Course) -> str:
    return f"{_course_name(course)}, {short_date(course.first_day.date)}"


def booking_context(booking: Booking) -> dict:
    course = booking.course
    return {
        "booking": booking,
        "person": booking.person,
        "course": course,
        "days": course.days,
        "venue": course.venue,
        "manage_url": _manage_url(booking),
    }


def _booking_message(
    kind: str,
    booking: Booking,
    *,
    subject: str,
    now: datetime,
    context: dict | None = None,
    dedupe_key: str | None = None,
    attachments: list[dict] | None = None,
) -> OutboxMessage:
    return _person_message(
        kind,
        to=booking.person.email,
        subject=subject,
        context={**booking_context(booking), **(context or {})},
        now=now,
        booking=booking,
        dedupe_key=dedupe_key,
        attachments=attachments,
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


def render(kind: str, **context) -> tuple[str, str]:
    """Render `templates/email/<kind>.txt` and `.html` (the HTML autoescaped)."""
    service = settings()
    context.setdefault("training_mailbox", service.mailbox)
    context.setdefault("site_url", service.site_url)
    context.setdefault("service_name", service.service_name)
    environment = _environment()
    text = environment.get_template(f"email/{kind}.txt").render(context)
    html = environment.get_template(f"email/{kind}.html").render(context)
    return _BLANK_LINES.sub("\n\n", text).strip() + "\n", html


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
        reply_to=settings().mailbox,
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
    return message


# --- Calendar invitations ------------------------------------------------------------------


def day_invitation(
    booking: Booking, day: CourseDay, *, method: str, now: datetime, sequence: int | None = None
) -> OutboxMessage:
    """One course day's calendar invitation (or cancellation), as a message of its own, with
    the booking's current `invite_sequence` (the service sending it raises that first), or
    `sequence` when it was frozen earlier."""
    service = settings()
    data = invitations.day_invitation(
        booking,
        day,
        method=method,
        sequence=booking.invite_sequence if sequence is None else sequence,
        organiser=service.mailbox,
        organiser_name=service.service_name,
        now=now,
    )
    attachment = {
        "filename": f"day-{day.day_number}.ics",
        "content_type": f"text/calendar; method={method}; charset=UTF-8",
        "data": base64.b64encode(data).decode("ascii"),
    }
    return _person_message(
        INVITE if method == invitations.REQUEST else INVITE_CANCELLED,
        to=booking.person.email,
        subject=_invite_subject(booking, day, method),
        context={**booking_context(booking), "day": day},
        now=now,
        booking=booking,
        attachments=[attachment],
    )


def _invite_subject(booking: Booking, day: CourseDay, method: str) -> str:
    when = long_date(day.date)
    name = _course_name(booking.course)
    if len(booking.course.days) > 1 or day.day_number > 1:  # "day 1" of one day says nothing
        when = f"day {day.day_number}, {when}"
    if method == invitations.CANCEL:
        return f"Calendar entry cancelled: {name}, {when}"
    return f"Calendar invitation: {name}, {when}"


def booking_calendar(booking: Booking, *, now: datetime) -> bytes:
    """Every day of a booking as an `.ics` file for the booking page (same UIDs as invites)."""
    service = settings()
    return invitations.booking_calendar(
        booking, organiser=service.mailbox, organiser_name=service.service_name, now=now
    )


# --- Copies for the training mailbox -------------------------------------------------------


def mailbox_copy(original: OutboxMessage, booking: Booking, *, now: datetime) -> OutboxMessage:
    """A separate copy of a message to one person, sent to the training mailbox."""
    # The person's own links must not sit in a shared mailbox: point them at this booking's
    # page in the coordinators' area instead. (The pattern is the same for every booking,
    # so `re` compiles it once and keeps it.)
    site_url = settings().site_url
    personal_link = re.escape(f"{site_url}/b/") + r"[^\s\"'<>]*"
    booking_page = f"{site_url}/coordinator/bookings/{booking.id}"
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
        to=settings().mailbox,
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


def mailbox_summary(
    kind: str,
    course: Course,
    bookings: list[Booking],
    *,
    now: datetime,
    change: ScheduleChange | None = None,
) -> OutboxMessage | None:
    """One message to the mailbox listing everyone told about a change to a whole course
    (`kind` "course_changed", with the `change`, or "course_cancelled")."""
    if not bookings:
        return None
    cancelled = kind == "course_cancelled"
    text, html = render(
        "mailbox_summary",
        cancelled=cancelled,
        change=change,
        course=course,
        bookings=bookings,
        days=course.days,
    )
    return queue(
        MAILBOX_COPY,
        to=settings().mailbox,
        subject=f"Copy: course {'cancelled' if cancelled else 'changed'}: {_course_and_date(course)}",
        text=text,
        html=html,
        now=now,
    )
