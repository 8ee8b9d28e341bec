"""The coordinators' triage list: messages at the training mailbox that a person must read,
and what a coordinator does with one (book the sender, send someone the message names their
own link, reply with the course calendar, or close it with a note).

Each action locks the message first, so two coordinators cannot both deal with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..mail.outbound import replies
from ..models import Course, CourseStatus, InboundMessage, InboundOutcome, LinkPurpose
from . import audit, people
from .actors import ActorLike, as_actor
from .db import transactional
from .errors import NotAllowed, ValidationError
from .mailbox import OPEN_OUTCOMES
from .mailbox_replies import (
    MailboxConfig,
    book_sender,
    candidate_courses,
    issue_link,
    link_url,
    sender_details,
)


def triage_messages(limit: int = 200) -> list[InboundMessage]:
    """Messages waiting for a coordinator, oldest first."""
    return list(
        db.session.scalars(
            select(InboundMessage)
            .where(InboundMessage.outcome.in_(OPEN_OUTCOMES))
            .order_by(InboundMessage.received_at, InboundMessage.id)
            .limit(limit)
        )
    )


def guessed_courses(message: InboundMessage) -> list[Course]:
    """The courses the system matched for a message (any that still exist)."""
    ids = [i for i in (message.understanding or {}).get("course_ids") or [] if isinstance(i, int)]
    if not ids:
        return []
    return list(db.session.scalars(select(Course).where(Course.id.in_(ids)).order_by(Course.id)))


def organisation_missing(message: InboundMessage, config: Mapping) -> bool:
    """Whether booking the sender needs the organisation they work for, which we lack."""
    if not message.sender:
        return False
    return people.organisation_missing(
        message.sender,
        (message.understanding or {}).get("organisation", ""),
        council_domains=MailboxConfig.from_mapping(config).council_domains,
    )


def courses_to_offer(now: datetime) -> list[Course]:
    """Courses a coordinator can book someone onto from the triage list, soonest first."""
    courses = candidate_courses(now)
    return sorted(courses, key=lambda c: (c.first_day.date, c.id))


def _lock_open(message: InboundMessage) -> InboundMessage:
    locked = db.session.scalars(
        select(InboundMessage)
        .where(InboundMessage.id == message.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    if locked.outcome not in OPEN_OUTCOMES:
        raise NotAllowed("Someone has already dealt with this message.")
    return locked


@transactional
def book_from_triage(
    message: InboundMessage,
    course: Course,
    *,
    actor: ActorLike,
    now: datetime,
    config: MailboxConfig,
    organisation: str = "",
    for_email: str = "",
) -> InboundMessage:
    """A coordinator books the sender onto `course` through the booking rules, or sends a
    person the message names (`for_email`) their own link to confirm a place.

    A partner agency sender whose organisation we do not know must have it given (the
    booking form asks everyone from a partner agency).
    """
    message = _lock_open(message)
    if not message.sender:
        raise NotAllowed("We do not have an email address for this sender.")
    if course.status != CourseStatus.PUBLISHED:
        raise ValidationError("Choose a course that is published.", field="course_id")
    record = dict(message.understanding or {})
    record.setdefault("actions", [])
    for_email = (for_email or "").strip().lower()
    if for_email and for_email != message.sender:
        return _link_for_named_person(
            message, course, for_email, record, actor=actor, now=now, config=config
        )
    who = sender_details(record)
    if (organisation or "").strip():
        who["organisation"] = organisation.strip()[:200]
    if people.organisation_missing(
        message.sender, who.get("organisation", ""), council_domains=config.council_domains
    ):
        raise ValidationError("Enter the organisation this person works for.", field="organisation")
    booking = book_sender(
        course,
        email=message.sender,
        who=who,
        support_needs="",  # the coordinator adds any needs from the message themselves
        actor=actor,
        now=now,
        config=config,
    )
    message.course_id = course.id
    message.booking_id = booking.id
    message.outcome = InboundOutcome.BOOKED
    message.handled_at = now
    record["actions"] = [*record["actions"], "A coordinator booked the place."]
    message.closed_by_id = as_actor(actor).user_id
    message.understanding = record
    audit.record("mailbox.booked_from_message", message, actor=actor, now=now, course_id=course.id)
    return message


def _link_for_named_person(
    message: InboundMessage,
    course: Course,
    email: str,
    record: dict,
    *,
    actor: ActorLike,
    now: datetime,
    config: MailboxConfig,
) -> InboundMessage:
    """Send someone the message named their own link to confirm a place on `course`."""
    named = {p.get("email"): p.get("name", "") for p in record.get("named_people") or []}
    if email not in named:
        raise ValidationError("Choose one of the people shown.", field="person")
    if not course.is_open_for_booking(now):
        raise ValidationError(
            "That course is not taking bookings. Add them on the course's people page instead.",
            field="course_id",
        )
    details = {"email": email, "source": "email", "inbound_message_id": message.id}
    if named[email]:
        details["full_name"] = named[email]
    link, token = issue_link(
        LinkPurpose.CONFIRM_BOOKING, email, course=course, details=details, now=now
    )
    replies.mailbox_booking_link_for_named_person(
        email, named[email], link_url(config, link.purpose, token), course, now=now
    )
    message.course_id = course.id
    message.outcome = InboundOutcome.BOOKING_LINK_SENT
    message.handled_at = now
    message.closed_by_id = as_actor(actor).user_id
    record["actions"] = [
        *record["actions"],
        f"A coordinator sent {named[email] or email} a link to confirm the place.",
    ]
    message.understanding = record
    audit.record(
        "mailbox.link_sent_to_named_person", message, actor=actor, now=now, course_id=course.id
    )
    return message


@transactional
def reply_with_calendar(
    message: InboundMessage, *, calendar_url: str, actor: ActorLike, now: datetime
) -> InboundMessage:
    """A coordinator answers with a link to the course calendar; the message is closed."""
    message = _lock_open(message)
    if not message.sender:
        raise NotAllowed("We do not have an email address for this sender.")
    replies.mailbox_calendar_link(message, calendar_url, now=now)
    message.acknowledged_at = now
    return _close(message, "Replied with a link to the course calendar.", actor=actor, now=now)


@transactional
def close_message(
    message: InboundMessage, note: str, *, actor: ActorLike, now: datetime
) -> InboundMessage:
    """A coordinator closes a message with a note saying what they did."""
    note = (note or "").strip()
    if not note:
        raise ValidationError("Write a note saying what you did with this message.", field="note")
    message = _lock_open(message)
    return _close(message, note[:2000], actor=actor, now=now)


def _close(
    message: InboundMessage, note: str, *, actor: ActorLike, now: datetime
) -> InboundMessage:
    message.outcome = InboundOutcome.CLOSED
    message.handled_at = now
    message.closed_note = note
    message.closed_by_id = as_actor(actor).user_id
    audit.record("mailbox.message_closed", message, actor=actor, now=now)
    return message
