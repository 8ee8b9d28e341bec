"""Answering a message at the training mailbox: the website's one-time links, a short
acknowledgement, or (for a sender our mail server vouches for) a booking made at once.

A From address can be forged, so nothing is booked on it alone: a clear request for one
bookable course gets a reply with the one-time confirm link the website uses, unless our own
mail server recorded a DMARC pass for the sender's domain and that is switched on. A clear
cancellation from someone holding a place gets a one-click cancel link. A "yes" to the link
email is pointed back to the link we sent. Replies are rate limited per sender.

The mailbox services' settings (`MailboxConfig`) live here, the lowest of the three
mailbox modules: services/mailbox.py (the way in) and services/mailbox_triage.py (the
coordinators' list) both answer through this one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import func, select

from .. import time_limits
from ..extensions import db
from ..mail.inbound.authentication import dmarc_passed
from ..mail.inbound.parsing import DEFAULT_MAX_BYTES, ParsedMessage
from ..mail.inbound.understanding import CourseSummary, Intent, Understanding, says_yes
from ..mail.outbound import replies
from ..models import (
    ACTIVE,
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    EmailLink,
    InboundMessage,
    InboundOutcome,
    LinkPurpose,
    OutboxMessage,
    Person,
    with_details,
)
from . import links, outbox, people, requests
from .actors import ActorLike, How, person
from .allocation import NotForPartners
from .errors import BookingError
from .prerequisites import PrerequisiteMissing

#: Refusals whose words the sender is sent at once: a course they need to complete first,
#: or a course for council staff only (rules 23 and 24).
TELL_THE_SENDER = (PrerequisiteMissing, NotForPartners)

#: Who acted, in the audit trail, when a trusted sender is booked at once.
ACTOR_EMAIL_DMARC = person(
    How.MAILBOX, "the person, by email (their mail server's DMARC check passed)"
)

#: The kind of the reply that carries a confirm link.
LINK_EMAIL = "mailbox_booking_link"


@dataclass(frozen=True)
class MailboxConfig:
    """The settings the mailbox service needs, taken from the app's configuration."""

    site_url: str
    max_message_bytes: int = DEFAULT_MAX_BYTES
    #: The authserv-id of our own mail server; empty turns the DMARC fast path off.
    trusted_authserv_id: str = ""
    #: This service's own addresses: mail from them is never answered.
    own_addresses: tuple[str, ...] = ()
    council_domains: tuple[str, ...] = ()
    replies_per_sender_per_hour: int = 3
    replies_per_sender_per_day: int = 10

    @classmethod
    def from_mapping(cls, config: Mapping) -> MailboxConfig:
        """Build from a Flask config (or any mapping of the same names)."""
        own = [
            config.get("TRAINING_MAILBOX", ""),
            parseaddr(config.get("MAIL_DEFAULT_SENDER") or "")[1],
        ]
        return cls(
            site_url=str(config.get("SITE_URL", "")).rstrip("/"),
            max_message_bytes=int(config.get("MAILBOX_MAX_MESSAGE_BYTES") or DEFAULT_MAX_BYTES),
            trusted_authserv_id=str(config.get("MAILBOX_TRUSTED_AUTHSERV_ID") or "").strip(),
            own_addresses=tuple(a.strip().lower() for a in own if a and a.strip()),
            council_domains=tuple(d.lower() for d in config.get("COUNCIL_EMAIL_DOMAINS") or ()),
            replies_per_sender_per_hour=int(config.get("MAILBOX_REPLIES_PER_HOUR") or 3),
            replies_per_sender_per_day=int(config.get("MAILBOX_REPLIES_PER_DAY") or 10),
        )


# --- answering what the sender asked ------------------------------------------------------


def answer_booking_request(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    understanding: Understanding,
    course: Course,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    """A clear request for one course: book at once (a trusted sender), else reply with the
    website's one-time link; leave it for a coordinator when the course cannot be booked."""
    inbound.course_id = course.id
    if not course.is_open_for_booking(now):
        record["actions"].append("The course matched is not taking bookings.")
        return leave_for_a_coordinator(inbound, record, now=now, config=config)
    if _active_booking(parsed.sender, [course.id]):
        record["actions"].append("The sender already has a booking on this course.")
        return leave_for_a_coordinator(inbound, record, now=now, config=config)
    if _manager_address_needed(course, parsed.sender, understanding, config):
        return _ask_for_the_form(inbound, course, record, now=now, config=config)
    if _trusted(parsed, record, config):
        return _book_at_once(inbound, parsed, understanding, course, record, now=now, config=config)
    if not may_reply(inbound, now=now, config=config):
        record["actions"].append("No link sent: too many replies to this sender recently.")
        return InboundOutcome.TRIAGE
    _send_booking_link(
        inbound,
        course,
        email=parsed.sender,
        who=sender_details(record) | _manager(understanding),
        support_needs=understanding.support_needs,
        now=now,
        config=config,
    )
    record["actions"].append("Sent a link to confirm the place.")
    return InboundOutcome.BOOKING_LINK_SENT


def _manager_address_needed(
    course: Course, sender: str, understanding: Understanding, config: MailboxConfig
) -> bool:
    """Whether the training needs the sender's line manager's approval (rule 25, asked of
    the rule's home) and the message gave no usable address for them."""
    known = people.find_person(sender)
    group = known.group if known else people.classify_email(sender, config.council_domains)
    try:
        requests.require_manager_address(course, group, understanding.line_manager_email, sender)
    except requests.ManagerAddressNeeded:
        return True
    return False


def _manager(understanding: Understanding) -> dict:
    """The line manager's address the message gave, as a person's detail (or nothing)."""
    manager = understanding.line_manager_email
    return {"line_manager_email": manager} if manager else {}


def _ask_for_the_form(
    inbound: InboundMessage, course: Course, record: dict, *, now: datetime, config: MailboxConfig
) -> InboundOutcome:
    """No place and no wait: reply that their line manager must approve, with the website's
    booking form (which asks for the manager's address); keep it like other refusals."""
    record["actions"].append(
        "Not booked: this training needs their line manager's approval, and the email gave "
        "no line manager's address."
    )
    if may_reply(inbound, now=now, config=config):
        url = f"{config.site_url}/courses/{course.id}/book"
        replies.mailbox_manager_approval_needed(inbound, url, course, now=now)
        record["actions"].append(
            "Sent a reply saying their line manager must approve, with the link to book on "
            "the website."
        )
    return InboundOutcome.TRIAGE


def _trusted(parsed: ParsedMessage, record: dict, config: MailboxConfig) -> bool:
    """Whether to book at once: our own mail server recorded a DMARC pass for the sender's
    domain (and that is switched on), and we know whom they work for if we must."""
    trusted = bool(config.trusted_authserv_id) and dmarc_passed(
        parsed.authentication_results,
        authserv_id=config.trusted_authserv_id,
        domain=people.email_domain(parsed.sender),
    )
    record["dmarc_pass"] = trusted
    if trusted and people.organisation_missing(
        parsed.sender, record.get("organisation", ""), council_domains=config.council_domains
    ):
        record["actions"].append(
            "Not booked at once: we do not know their organisation, so the link asks for it."
        )
        return False
    return trusted


def _book_at_once(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    understanding: Understanding,
    course: Course,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    try:
        booking = book_sender(
            course,
            email=parsed.sender,
            who=sender_details(record) | _manager(understanding),
            support_needs=understanding.support_needs,
            actor=ACTOR_EMAIL_DMARC,
            now=now,
            config=config,
            manager_approval=True,
        )
    except BookingError as refusal:
        # A place on another date, say: a person should look, and the message must be
        # kept (raising here would undo it and the mail server would deliver it again).
        record["actions"].append(f"Could not book at once: {refusal.message}")
        if isinstance(refusal, TELL_THE_SENDER) and may_reply(inbound, now=now, config=config):
            # A rule about the course itself: the sender reads why, and what to book first.
            replies.mailbox_cannot_book(inbound, reason=refusal.message, now=now)
            record["actions"].append("Sent a reply saying why we could not book the place.")
            return InboundOutcome.TRIAGE
        return leave_for_a_coordinator(inbound, record, now=now, config=config)
    inbound.booking_id = booking.id
    done = "Booked" if booking.status == BookingStatus.CONFIRMED else "Put on the waitlist"
    if booking.status == BookingStatus.AWAITING_APPROVAL:
        done = "Asked their line manager to approve the request"
    record["actions"].append(
        f"{done} at once: their email provider confirmed the message came from their address."
    )
    return InboundOutcome.BOOKED


def answer_cancel_request(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    understanding: Understanding,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    held = _active_bookings(parsed.sender)
    if understanding.named:
        held = [b for b in held if b.course_id in understanding.course_ids]
    if len(held) != 1:
        record["actions"].append(
            "Asked to cancel, but we found no place held by this address that matches."
            if not held
            else "Asked to cancel, and this address holds more than one place."
        )
        return leave_for_a_coordinator(inbound, record, now=now, config=config)
    booking = held[0]
    inbound.course_id = booking.course_id
    inbound.booking_id = booking.id
    if not may_reply(inbound, now=now, config=config):
        record["actions"].append("No link sent: too many replies to this sender recently.")
        return InboundOutcome.TRIAGE
    _send_cancel_link(inbound, booking, now=now, config=config)
    record["actions"].append("Sent a link to confirm the cancellation.")
    return InboundOutcome.CANCEL_LINK_SENT


def yes_to_our_link(parsed: ParsedMessage, understanding: Understanding) -> EmailLink | None:
    """The confirm link we emailed this sender, when this message says yes to that email.

    A reply to our link email is known by the Message-ID it answers, or (when a mail program
    dropped that) by the subject we gave it. It counts as yes when it agrees and neither
    cancels nor names another course.
    """
    ours = [outbox.outbox_row_for_message_id(i) for i in parsed.in_reply_to]
    answers_ours = any(r is not None and r.kind == LINK_EMAIL for r in ours) or (
        parsed.is_reply
        and _without_reply_prefixes(parsed.subject)
        in {_without_reply_prefixes(s) for s in _link_email_subjects(parsed.sender)}
    )
    if not answers_ours or understanding.intent in (Intent.CANCEL, Intent.MOVE):
        return None
    if understanding.intent != Intent.BOOK and not says_yes(parsed.new_text):
        return None
    link = db.session.scalars(
        select(EmailLink)
        .where(EmailLink.email == parsed.sender, EmailLink.purpose == LinkPurpose.CONFIRM_BOOKING)
        .order_by(EmailLink.created_at.desc(), EmailLink.id.desc())
        .limit(1)
    ).first()
    if link is None or (
        understanding.course_ids and link.course_id not in understanding.course_ids
    ):
        return None
    return link


def _link_email_subjects(address: str) -> list[str]:
    """The subjects of the link emails we sent to `address`, newest first, then the fixed one
    (a link email is a reply, so its subject is "Re: " + the subject of the request)."""
    sent = db.session.scalars(
        select(OutboxMessage.subject)
        .where(OutboxMessage.kind == LINK_EMAIL, OutboxMessage.to_address == address)
        .order_by(OutboxMessage.id.desc())
    )
    return [*sent, replies.MAILBOX_SUBJECTS[LINK_EMAIL]]


def _without_reply_prefixes(subject: str) -> str:
    """ "RE: Re: Training place" -> "training place", to compare subjects of one thread."""
    return re.sub(r"^(\s*\w{2,3}\s*:\s*)+", "", subject).strip().lower()


def answer_yes(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    link: EmailLink,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    """Point the sender back to the link we sent while it still works (no new link: the one
    they have is as good); send a new one if it ran out; leave a used one to a coordinator."""
    course = db.session.get(Course, link.course_id) if link.course_id else None
    state = links.link_state(link, now=now)
    if course is None or state == links.LinkState.USED:
        record["actions"].append("A reply to the link we sent, which has been used already.")
        return leave_for_a_coordinator(inbound, record, now=now, config=config)
    inbound.course_id = course.id
    if state == links.LinkState.USABLE:
        if not may_reply(inbound, now=now, config=config):
            record["actions"].append("No reply sent: too many replies to this sender recently.")
            return InboundOutcome.TRIAGE
        subject = _link_email_subjects(link.email)[0]
        replies.mailbox_link_reminder(inbound, link, course, link_subject=subject, now=now)
        record["actions"].append("Pointed them back to the link we sent, which still works.")
        return InboundOutcome.BOOKING_LINK_SENT
    record["actions"].append("Their earlier link had run out.")
    understanding = Understanding(
        intent=Intent.BOOK,
        course_ids=(course.id,),
        line_manager_email=(link.details or {}).get("line_manager_email", ""),
    )
    return answer_booking_request(
        inbound, parsed, understanding, course, record, now=now, config=config
    )


def leave_for_a_coordinator(
    inbound: InboundMessage, record: dict, *, now: datetime, config: MailboxConfig
) -> InboundOutcome:
    """Leave it for a coordinator; tell the sender once that we have it."""
    if may_reply(inbound, now=now, config=config):
        replies.mailbox_acknowledgement(inbound, now=now)
        record["actions"].append("Sent a short reply saying we have the message.")
    else:
        record["actions"].append("No reply sent: too many replies to this sender recently.")
    return InboundOutcome.TRIAGE


def may_reply(inbound: InboundMessage, *, now: datetime, config: MailboxConfig) -> bool:
    """At most a few replies per sender per hour and per day; marks this one as replied."""
    if inbound.acknowledged_at is not None:
        return False  # one reply per message
    replied = InboundMessage.acknowledged_at
    base = select(func.count(InboundMessage.id)).where(
        InboundMessage.sender == inbound.sender,
        InboundMessage.id != inbound.id,
        replied.is_not(None),
    )
    last_hour = db.session.scalar(base.where(replied > now - timedelta(hours=1))) or 0
    last_day = db.session.scalar(base.where(replied > now - timedelta(days=1))) or 0
    if (
        last_hour >= config.replies_per_sender_per_hour
        or last_day >= config.replies_per_sender_per_day
    ):
        return False
    inbound.acknowledged_at = now
    return True


# --- replies that carry a link ------------------------------------------------------------


def _send_booking_link(
    inbound: InboundMessage,
    course: Course,
    *,
    email: str,
    who: dict,
    support_needs: str,
    now: datetime,
    config: MailboxConfig,
) -> EmailLink:
    """Issue the one-time confirm link for `course` and reply with it.

    The link is the website's own confirm link (same issuer, same /confirm page and rules);
    the reply that carries it names the course and says why they got it.
    """
    details = {
        **who,
        "email": email,
        "support_needs": support_needs,
        "source": "email",
        "inbound_message_id": inbound.id,
    }
    link, token = issue_link(
        LinkPurpose.CONFIRM_BOOKING, email, course=course, details=details, now=now
    )
    replies.mailbox_booking_link(inbound, link_url(config, link.purpose, token), course, now=now)
    return link


def _send_cancel_link(
    inbound: InboundMessage, booking: Booking, *, now: datetime, config: MailboxConfig
) -> EmailLink:
    """Issue a one-click cancel link for `booking` and reply with it.

    `/cancel/<token>` shows a button; pressing it runs `changes.cancel_by_link`.
    """
    link, token = issue_link(
        LinkPurpose.CANCEL_BY_EMAIL,
        booking.person.email,
        course=booking.course,
        booking=booking,
        details={"source": "email", "inbound_message_id": inbound.id},
        now=now,
    )
    replies.mailbox_cancel_link(inbound, link_url(config, link.purpose, token), booking, now=now)
    return link


def issue_link(
    purpose: LinkPurpose,
    email: str,
    *,
    now: datetime,
    course: Course | None = None,
    booking: Booking | None = None,
    details: dict | None = None,
) -> tuple[EmailLink, str]:
    """A new one-time link from the shared issuer (only the token's hash is stored)."""
    return links.issue_link(
        purpose,
        email,
        now=now,
        ttl=time_limits.MAILBOX_LINK_LIFETIME,
        course=course,
        booking=booking,
        details=details,
    )


def link_url(config: MailboxConfig, purpose: LinkPurpose, token: str) -> str:
    """The full address of an emailed link."""
    return config.site_url + links.link_path(purpose, token)


# --- seams to the booking rules -----------------------------------------------------------


def book_sender(
    course: Course,
    *,
    email: str,
    who: dict,
    support_needs: str,
    actor: ActorLike,
    now: datetime,
    config: MailboxConfig,
    manager_approval: bool = False,
) -> Booking:
    """Book at once through the website's rules (DMARC pass, or a coordinator's choice).

    With `manager_approval` (the sender's own request) a training that needs their line
    manager's approval waits for it, as on the website (rule 25); a coordinator's choice
    books as a coordinator adding someone does. A manager's address in `who` replaces the
    one on record: the sender has just said who their manager is.
    """
    person = _person_for(email, who, now=now, actor=actor, config=config)
    if not manager_approval:
        return requests.book_place(
            course, person, actor=actor, now=now, support_needs=support_needs
        )
    if who.get("line_manager_email"):
        person = people.update_details(person, {"line_manager_email": who["line_manager_email"]})
    return requests.book_or_ask_manager(
        course, person, actor=actor, now=now, support_needs=support_needs
    )


def _person_for(
    email: str, who: dict, *, now: datetime, actor: ActorLike, config: MailboxConfig
) -> Person:
    """The sender's person record; a new one takes the name (and organisation and job
    title, if the From header gave them) from their email; a known one gains only details
    missing from their record."""
    person = people.find_person(email)
    if person is None:
        return people.find_or_create_person(
            email, council_domains=config.council_domains, now=now, details=who, actor=actor
        )
    missing = {key: value for key, value in who.items() if not getattr(person, key, "")}
    return people.update_details(person, missing) if missing else person


def sender_details(record: dict) -> dict:
    """The details about the sender read from their email's From header (none empty)."""
    return {
        field: record[key]
        for field, key in (
            ("full_name", "name"),
            ("organisation", "organisation"),
            ("job_title", "job_title"),
        )
        if record.get(key)
    }


# --- reading the database -----------------------------------------------------------------


def candidate_courses(now: datetime) -> list[Course]:
    """Published courses that are not over: what a message could be about."""
    return list(
        db.session.scalars(
            with_details(
                select(Course)
                .where(Course.status == CourseStatus.PUBLISHED, ~Course.is_over(now))
                .order_by(Course.id)
            )
        )
    )


def course_summary(course: Course) -> CourseSummary:
    return CourseSummary(
        id=course.id,
        days=tuple(day.date for day in course.days),
        town=course.venue.town if course.venue else "",
    )


def _active_bookings(email: str) -> list[Booking]:
    return list(
        db.session.scalars(
            select(Booking)
            .join(Person, Person.id == Booking.person_id)
            .where(Person.email == email, Booking.status.in_(ACTIVE))
            .order_by(Booking.id)
        )
    )


def _active_booking(email: str, course_ids: list[int]) -> Booking | None:
    return next((b for b in _active_bookings(email) if b.course_id in course_ids), None)
