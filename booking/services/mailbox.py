"""Messages that arrive at the training mailbox: record each once, then act on it.

`ingest(raw, now=, config=)` is the one way in, whether the message came from the mail
server's pipe (`flask mailbox ingest`) or from IMAP (`flask mailbox poll`). It reads the
message (booking/mail_parsing.py), works out what the sender wants
(booking/mail_understanding.py) and then:

- automatic messages (out-of-office, calendar replies, bounces) are recorded and never
  answered, so no mail loop can start;
- a clear request for one bookable course gets a reply with the one-time confirm link the
  website uses (a From address can be forged, so nothing is booked on it alone) — unless our
  own mail server recorded a DMARC pass for the sender's domain and that is switched on;
- a clear cancellation from someone holding a place gets a one-click cancel link;
- anything else goes to the coordinators' triage list and the sender gets one short
  "we have your message" reply.

Replies are rate limited per sender. The same message delivered twice is recognised by its
fingerprint (a unique column) and handled once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import emails, time_limits
from ..extensions import db
from ..mail_parsing import (
    DEFAULT_MAX_BYTES,
    REASON_WORDS,
    MessageKind,
    NotRequestReason,
    ParsedMessage,
    dmarc_passed,
    parse_message,
    read_display_name,
    size_in_words,
)
from ..mail_understanding import (
    CourseSummary,
    Intent,
    Understanding,
    named_people,
    says_yes,
    understand,
)
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
    OutboxStatus,
    Person,
    User,
    with_details,
)
from . import audit, links, outbox, people, requests
from .db import transactional
from .errors import BookingError, NotAllowed, ValidationError

#: Longest message text kept (the new text only; quoted messages are never stored).
MAX_STORED_CHARS = 20_000

#: Where each kind of emailed link lands (the website's own confirm and cancel pages).
LINK_PATHS = {
    LinkPurpose.CONFIRM_BOOKING: "/confirm/{token}",
    LinkPurpose.CANCEL_BY_EMAIL: "/cancel/{token}",
}

ACTOR_EMAIL_DMARC = "the person, by email (their mail server's DMARC check passed)"

#: Outcomes a coordinator still has to deal with.
OPEN_OUTCOMES = (InboundOutcome.TRIAGE, InboundOutcome.REJECTED)


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


@dataclass(frozen=True)
class IngestResult:
    message: InboundMessage
    #: True when this message had been handled before (the same fingerprint); nothing was done.
    duplicate: bool = False


# --- the way in ----------------------------------------------------------------------------


def ingest(
    raw: bytes, *, now: datetime, config: MailboxConfig, size: int | None = None
) -> IngestResult:
    """Record one raw message and act on it, once per fingerprint.

    `size` is the full size when `raw` holds only the start of an oversized message.
    Database errors propagate (the caller asks the mail server to try again later);
    nothing in the message itself makes this raise.
    """
    parsed = parse_message(
        raw, max_bytes=config.max_message_bytes, size=size, own_addresses=config.own_addresses
    )
    existing = _by_fingerprint(parsed.fingerprint)
    if existing is not None:
        return IngestResult(existing, duplicate=True)
    try:
        message = _record_and_act(parsed, now=now, config=config)
    except IntegrityError:
        # Another delivery of the same message won the race for the unique fingerprint.
        existing = _by_fingerprint(parsed.fingerprint)
        if existing is None:
            raise
        return IngestResult(existing, duplicate=True)
    return IngestResult(message, duplicate=False)


def _by_fingerprint(fingerprint: str) -> InboundMessage | None:
    return db.session.scalars(
        select(InboundMessage).where(InboundMessage.fingerprint == fingerprint)
    ).first()


@transactional
def _record_and_act(
    parsed: ParsedMessage, *, now: datetime, config: MailboxConfig
) -> InboundMessage:
    named = read_display_name(parsed.display_name)
    # Cleaned as every way in cleans a person's details (the replies greet them by name).
    who = people.clean_details(
        {"full_name": named.name, "organisation": named.organisation, "job_title": named.job_title}
    )
    record: dict = {
        "kind": parsed.kind.value,
        "reason": parsed.reason,
        "problems": list(parsed.problems),
        "attachments_skipped": parsed.attachments_skipped,
        "size": parsed.size,
        "name": who["full_name"],
        "organisation": who["organisation"],
        "job_title": who["job_title"],
        "actions": [],
    }
    inbound = InboundMessage(
        fingerprint=parsed.fingerprint,
        received_at=now,
        sender=parsed.sender,
        subject=parsed.subject,
        body_text=_stored_text(_text_to_keep(parsed)),
        outcome=InboundOutcome.TRIAGE,
        understanding={"name": record["name"]},  # the replies greet the sender by it
        message_id_header=parsed.message_id_header,
        reference_ids=" ".join(parsed.references),
    )
    db.session.add(inbound)
    db.session.flush()  # claims the fingerprint now: a racing copy fails here, before any reply

    inbound.outcome = _decide(inbound, parsed, record, now=now, config=config)
    if inbound.outcome not in OPEN_OUTCOMES:
        inbound.handled_at = now
    # A new dict (not the one inserted), so SQLAlchemy sees the JSON column change.
    inbound.understanding = record
    return inbound


def _decide(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    if parsed.kind == MessageKind.TOO_LARGE:
        record["actions"].append("Not read: the message is too large.")
        if parsed.sender and _may_reply(inbound, now=now, config=config):
            emails.mailbox_too_large(
                inbound, limit=size_in_words(config.max_message_bytes), now=now
            )
            record["actions"].append("Told the sender the message was too large for us to read.")
        elif parsed.sender:
            record["actions"].append("No reply sent: too many replies to this sender recently.")
        return InboundOutcome.REJECTED
    if parsed.kind == MessageKind.NOT_A_REQUEST:
        words = REASON_WORDS.get(parsed.reason, "an automatic message")
        record["actions"].append(f"Not answered: this is {words}.")
        if parsed.reason == NotRequestReason.BOUNCE:
            record["actions"].extend(_record_bounce(parsed, now=now))
        return InboundOutcome.IGNORED
    if not parsed.sender:
        record["actions"].append("Not answered: we could not read the sender's address.")
        return InboundOutcome.TRIAGE

    courses = _candidate_courses(now)
    understanding = understand(
        parsed.new_text,
        subject=parsed.subject,
        courses=[_summary(c) for c in courses],
        now=now,
        subject_counts=not (parsed.is_reply or parsed.is_forward),
    )
    record.update(understanding.as_record())
    record["named_people"] = _named_people(parsed, config)
    by_id = {c.id: c for c in courses}

    for_a_person = _for_a_person(parsed, understanding, record)
    if for_a_person:
        record["actions"].append(for_a_person)
        return _triage(inbound, record, now=now, config=config)
    earlier = _yes_to_our_link(parsed, understanding)
    if earlier is not None:
        return _answer_yes(inbound, parsed, earlier, record, now=now, config=config)
    if understanding.intent == Intent.BOOK and understanding.course_id is not None:
        return _request(
            inbound,
            parsed,
            understanding,
            by_id[understanding.course_id],
            record,
            now=now,
            config=config,
        )
    if understanding.intent == Intent.CANCEL:
        return _cancel(inbound, parsed, understanding, record, now=now, config=config)
    if understanding.intent == Intent.BOOK and understanding.ambiguity:
        record["actions"].append(understanding.ambiguity)
    return _triage(inbound, record, now=now, config=config)


def _named_people(parsed: ParsedMessage, config: MailboxConfig) -> list[dict]:
    """Other people's addresses written in the message (and in a forwarded message)."""
    text = parsed.new_text
    if parsed.is_forward:
        text = f"{text}\n{parsed.removed_text}"
    found = named_people(text, exclude=[parsed.sender, *config.own_addresses])
    return [{"name": people.one_line(name), "email": email} for name, email in found]


def _for_a_person(parsed: ParsedMessage, understanding: Understanding, record: dict) -> str:
    """Why a coordinator must read this message before anything is sent, or empty."""
    if parsed.is_forward:
        return "A forwarded message: left for a coordinator."
    if record["named_people"] or understanding.for_someone_else:
        return "The message asks about someone other than the sender: left for a coordinator."
    if understanding.has_question:
        return "The message asks a question: left for a coordinator."
    return ""


LINK_EMAIL = "mailbox_booking_link"


def _yes_to_our_link(parsed: ParsedMessage, understanding: Understanding) -> EmailLink | None:
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
    if not answers_ours or understanding.intent == Intent.CANCEL or understanding.mixed:
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
    return [*sent, emails.MAILBOX_SUBJECTS[LINK_EMAIL]]


def _without_reply_prefixes(subject: str) -> str:
    """ "RE: Re: Training place" -> "training place", to compare subjects of one thread."""
    return re.sub(r"^(\s*\w{2,3}\s*:\s*)+", "", subject).strip().lower()


def _answer_yes(
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
        return _triage(inbound, record, now=now, config=config)
    inbound.course_id = course.id
    if state == links.LinkState.USABLE:
        if not _may_reply(inbound, now=now, config=config):
            record["actions"].append("No reply sent: too many replies to this sender recently.")
            return InboundOutcome.TRIAGE
        subject = _link_email_subjects(link.email)[0]
        emails.mailbox_link_reminder(inbound, link, course, link_subject=subject, now=now)
        record["actions"].append("Pointed them back to the link we sent, which still works.")
        return InboundOutcome.BOOKING_LINK_SENT
    record["actions"].append("Their earlier link had run out.")
    understanding = Understanding(intent=Intent.BOOK, course_ids=(course.id,))
    return _request(inbound, parsed, understanding, course, record, now=now, config=config)


def _request(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    understanding: Understanding,
    course: Course,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    inbound.course_id = course.id
    if not course.is_open_for_booking(now):
        record["actions"].append("The course matched is not taking bookings.")
        return _triage(inbound, record, now=now, config=config)
    if _active_booking(parsed.sender, [course.id]):
        record["actions"].append("The sender already has a booking on this course.")
        return _triage(inbound, record, now=now, config=config)

    trusted = bool(config.trusted_authserv_id) and dmarc_passed(
        parsed.authentication_results,
        authserv_id=config.trusted_authserv_id,
        domain=parsed.sender_domain,
    )
    record["dmarc_pass"] = trusted
    if trusted and people.organisation_missing(
        parsed.sender, record.get("organisation", ""), council_domains=config.council_domains
    ):
        trusted = False
        record["actions"].append(
            "Not booked at once: we do not know their organisation, so the link asks for it."
        )
    if trusted:
        try:
            booking = _book_now(
                course,
                email=parsed.sender,
                who=_who(record),
                support_needs=understanding.support_needs,
                actor=ACTOR_EMAIL_DMARC,
                now=now,
                config=config,
            )
        except BookingError as refusal:
            # A place on another date, say: a person should look, and the message must be
            # kept (raising here would undo it and the mail server would deliver it again).
            record["actions"].append(f"Could not book at once: {refusal.message}")
            return _triage(inbound, record, now=now, config=config)
        inbound.booking_id = booking.id
        done = "Booked" if booking.status == BookingStatus.CONFIRMED else "Put on the waitlist"
        record["actions"].append(
            f"{done} at once: their email provider confirmed the message came from their address."
        )
        return InboundOutcome.BOOKED

    if not _may_reply(inbound, now=now, config=config):
        record["actions"].append("No link sent: too many replies to this sender recently.")
        return InboundOutcome.TRIAGE
    _send_booking_link(
        inbound,
        course,
        email=parsed.sender,
        who=_who(record),
        support_needs=understanding.support_needs,
        now=now,
        config=config,
    )
    record["actions"].append("Sent a link to confirm the place.")
    return InboundOutcome.BOOKING_LINK_SENT


def _cancel(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    understanding: Understanding,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    held = _active_bookings(parsed.sender)
    if understanding.dates or understanding.towns or understanding.months:
        held = [b for b in held if b.course_id in understanding.course_ids]
    if len(held) != 1:
        record["actions"].append(
            "Asked to cancel, but we found no place held by this address that matches."
            if not held
            else "Asked to cancel, and this address holds more than one place."
        )
        return _triage(inbound, record, now=now, config=config)
    booking = held[0]
    inbound.course_id = booking.course_id
    inbound.booking_id = booking.id
    if not _may_reply(inbound, now=now, config=config):
        record["actions"].append("No link sent: too many replies to this sender recently.")
        return InboundOutcome.TRIAGE
    _send_cancel_link(inbound, booking, now=now, config=config)
    record["actions"].append("Sent a link to confirm the cancellation.")
    return InboundOutcome.CANCEL_LINK_SENT


def _triage(
    inbound: InboundMessage, record: dict, *, now: datetime, config: MailboxConfig
) -> InboundOutcome:
    """Leave it for a coordinator; tell the sender once that we have it."""
    if _may_reply(inbound, now=now, config=config):
        emails.mailbox_acknowledgement(inbound, now=now)
        record["actions"].append("Sent a short reply saying we have the message.")
    else:
        record["actions"].append("No reply sent: too many replies to this sender recently.")
    return InboundOutcome.TRIAGE


def _may_reply(inbound: InboundMessage, *, now: datetime, config: MailboxConfig) -> bool:
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


# --- bounces -------------------------------------------------------------------------------


def _record_bounce(parsed: ParsedMessage, *, now: datetime) -> list[str]:
    """Mark the messages and people a delivery report is about; say what was marked.

    A bounce is matched to one of our own outbox messages by the Message-ID it quotes (only
    if it was sent to an address the report says failed, when it names any), or else to
    the failed address when we have sent mail to it. An address we never wrote to is not
    marked, so a forged report cannot mark anyone we have not emailed.
    """
    failed = set(parsed.bounced_to)
    rows = []
    for message_id in parsed.bounced_message_ids:
        row = outbox.outbox_row_for_message_id(message_id)
        if row is not None and (not failed or row.to_address.lower() in failed):
            rows.append(row)
    matched = {row.to_address.lower() for row in rows}
    for address in sorted(failed - matched):
        row = _last_sent_to(address)
        if row is not None:
            rows.append(row)
    notes = []
    for row in rows:
        row.bounced_at = now
        person = people.find_person(row.to_address)
        if person is not None:
            person.email_bounced_at = now
        notes.append(
            f"Our email to {row.to_address} could not be delivered: "
            + ("noted on their record." if person is not None else "noted on the message.")
        )
    return list(dict.fromkeys(notes)) or ["It is not about any email we sent."]


def _last_sent_to(address: str) -> OutboxMessage | None:
    return db.session.scalars(
        select(OutboxMessage)
        .where(
            func.lower(OutboxMessage.to_address) == address,
            OutboxMessage.status == OutboxStatus.SENT,
        )
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    ).first()


# --- seams to the booking rules --------------------------------------------------------------


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
    link, token = _issue_link(
        LinkPurpose.CONFIRM_BOOKING, email, course=course, details=details, now=now
    )
    emails.mailbox_booking_link(inbound, link_url(config, link.purpose, token), course, now=now)
    return link


def _send_cancel_link(
    inbound: InboundMessage, booking: Booking, *, now: datetime, config: MailboxConfig
) -> EmailLink:
    """Issue a one-click cancel link for `booking` and reply with it.

    `/cancel/<token>` shows a button; pressing it runs `changes.cancel_by_link`.
    """
    link, token = _issue_link(
        LinkPurpose.CANCEL_BY_EMAIL,
        booking.person.email,
        course=booking.course,
        booking=booking,
        details={"source": "email", "inbound_message_id": inbound.id},
        now=now,
    )
    emails.mailbox_cancel_link(inbound, link_url(config, link.purpose, token), booking, now=now)
    return link


def _book_now(
    course: Course,
    *,
    email: str,
    who: dict,
    support_needs: str,
    actor: User | str,
    now: datetime,
    config: MailboxConfig,
) -> Booking:
    """Book at once through the website's rules (DMARC pass, or a coordinator's choice)."""
    person = _person_for(email, who, now=now, actor=actor, config=config)
    return requests.book_place(course, person, actor=actor, now=now, support_needs=support_needs)


def _issue_link(
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
    return config.site_url + LINK_PATHS[purpose].format(token=token)


def _person_for(
    email: str, who: dict, *, now: datetime, actor: User | str, config: MailboxConfig
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


def _who(record: dict) -> dict:
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


# --- reading the database ------------------------------------------------------------------


def _candidate_courses(now: datetime) -> list[Course]:
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


def _summary(course: Course) -> CourseSummary:
    return CourseSummary(
        id=course.id,
        first_day=course.first_day.date,
        second_day=course.last_day.date,
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


def _text_to_keep(parsed: ParsedMessage) -> str:
    """The sender's new text; for a forward, the forwarded message too, since a coordinator
    needs it to act (it is never read for dates or intent)."""
    if parsed.is_forward and parsed.removed_text:
        return f"{parsed.new_text}\n\n[The forwarded message]\n{parsed.removed_text}"
    return parsed.new_text


def _stored_text(text: str) -> str:
    if len(text) <= MAX_STORED_CHARS:
        return text
    return text[:MAX_STORED_CHARS].rsplit("\n", 1)[0] + "\n[The rest of the message was not kept.]"


def person_name(display_name: str, email: str) -> str:
    """A name to greet someone by, from the From header: "Bloggs, Jo" becomes "Jo Bloggs"."""
    return people.one_line(read_display_name(display_name).name)[:200]


# --- the coordinators' triage list -----------------------------------------------------------


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
    courses = _candidate_courses(now)
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
    actor: User,
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
    who = _who(record)
    if (organisation or "").strip():
        who["organisation"] = organisation.strip()[:200]
    if people.organisation_missing(
        message.sender, who.get("organisation", ""), council_domains=config.council_domains
    ):
        raise ValidationError("Enter the organisation this person works for.", field="organisation")
    booking = _book_now(
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
    message.closed_by_id = actor.id
    message.understanding = record
    audit.record("mailbox.booked_from_message", message, actor=actor, now=now, course_id=course.id)
    return message


def _link_for_named_person(
    message: InboundMessage,
    course: Course,
    email: str,
    record: dict,
    *,
    actor: User,
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
    link, token = _issue_link(
        LinkPurpose.CONFIRM_BOOKING, email, course=course, details=details, now=now
    )
    emails.mailbox_booking_link_for_named_person(
        email, named[email], link_url(config, link.purpose, token), course, now=now
    )
    message.course_id = course.id
    message.outcome = InboundOutcome.BOOKING_LINK_SENT
    message.handled_at = now
    message.closed_by_id = actor.id
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
    message: InboundMessage, *, calendar_url: str, actor: User, now: datetime
) -> InboundMessage:
    """A coordinator answers with a link to the course calendar; the message is closed."""
    message = _lock_open(message)
    if not message.sender:
        raise NotAllowed("We do not have an email address for this sender.")
    emails.mailbox_calendar_link(message, calendar_url, now=now)
    message.acknowledged_at = now
    return _close(message, "Replied with a link to the course calendar.", actor=actor, now=now)


@transactional
def close_message(
    message: InboundMessage, note: str, *, actor: User, now: datetime
) -> InboundMessage:
    """A coordinator closes a message with a note saying what they did."""
    note = (note or "").strip()
    if not note:
        raise ValidationError("Write a note saying what you did with this message.", field="note")
    message = _lock_open(message)
    return _close(message, note[:2000], actor=actor, now=now)


def _close(message: InboundMessage, note: str, *, actor: User, now: datetime) -> InboundMessage:
    message.outcome = InboundOutcome.CLOSED
    message.handled_at = now
    message.closed_note = note
    message.closed_by_id = actor.id
    audit.record("mailbox.message_closed", message, actor=actor, now=now)
    return message
