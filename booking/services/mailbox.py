"""Messages that arrive at the training mailbox: record each once, then act on it.

`ingest(raw, now=, config=)` is the one way in, whether the message came from the mail
server's pipe (`flask mailbox ingest`) or from IMAP (`flask mailbox poll`). It reads the
message (booking/mail/inbound/parsing.py), works out what the sender wants
(booking/mail/inbound/understanding.py) and then:

- automatic messages (out-of-office, calendar replies, bounces) are recorded and never
  answered, so no mail loop can start; a bounce marks the message and person it is about;
- a clear request for one bookable course, a clear cancellation, or a "yes" to the link we
  sent is answered (services/mailbox_replies.py);
- anything else goes to the coordinators' triage list (services/mailbox_triage.py) and the
  sender gets one short "we have your message" reply.

The same message delivered twice is recognised by its fingerprint (a unique column) and
handled once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..mail.inbound.kinds import MessageKind, NotRequestReason
from ..mail.inbound.names import read_display_name
from ..mail.inbound.parsing import ParsedMessage, parse_message
from ..mail.inbound.understanding import Intent, Understanding, named_people, understand
from ..mail.outbound import replies
from ..models import InboundMessage, InboundOutcome, OutboxMessage, OutboxStatus
from ..text import one_line
from ..words import REASON_WORDS, size_in_words
from . import outbox, people
from .db import transactional
from .mailbox_replies import (
    MailboxConfig,
    answer_booking_request,
    answer_cancel_request,
    answer_yes,
    candidate_courses,
    course_summary,
    leave_for_a_coordinator,
    may_reply,
    yes_to_our_link,
)

__all__ = ["OPEN_OUTCOMES", "IngestResult", "MailboxConfig", "ingest", "person_name"]

#: Longest message text kept (the new text only; quoted messages are never stored).
MAX_STORED_CHARS = 20_000

#: Outcomes a coordinator still has to deal with.
OPEN_OUTCOMES = (InboundOutcome.TRIAGE, InboundOutcome.REJECTED)


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
    """What happens to the message: not read, not answered, or answered as it asks."""
    if parsed.kind == MessageKind.TOO_LARGE:
        return _too_large(inbound, parsed, record, now=now, config=config)
    if parsed.kind == MessageKind.NOT_A_REQUEST:
        words = REASON_WORDS.get(parsed.reason, "an automatic message")
        record["actions"].append(f"Not answered: this is {words}.")
        if parsed.reason == NotRequestReason.BOUNCE:
            record["actions"].extend(_record_bounce(parsed, now=now))
        return InboundOutcome.IGNORED
    if not parsed.sender:
        record["actions"].append("Not answered: we could not read the sender's address.")
        return InboundOutcome.TRIAGE
    return _answer(inbound, parsed, record, now=now, config=config)


def _too_large(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    record["actions"].append("Not read: the message is too large.")
    if parsed.sender and may_reply(inbound, now=now, config=config):
        replies.mailbox_too_large(inbound, limit=size_in_words(config.max_message_bytes), now=now)
        record["actions"].append("Told the sender the message was too large for us to read.")
    elif parsed.sender:
        record["actions"].append("No reply sent: too many replies to this sender recently.")
    return InboundOutcome.REJECTED


def _answer(
    inbound: InboundMessage,
    parsed: ParsedMessage,
    record: dict,
    *,
    now: datetime,
    config: MailboxConfig,
) -> InboundOutcome:
    """Read what the sender wants and answer it, or leave it for a coordinator."""
    courses = candidate_courses(now)
    understanding = understand(
        parsed.new_text,
        subject="" if parsed.is_reply or parsed.is_forward else parsed.subject,
        courses=[course_summary(c) for c in courses],
        now=now,
    )
    record.update(understanding.as_record())
    record["named_people"] = _named_people(parsed, config, understanding.line_manager_email)
    by_id = {c.id: c for c in courses}

    for_a_person = _for_a_person(parsed, understanding, record)
    if for_a_person:
        record["actions"].append(for_a_person)
        return leave_for_a_coordinator(inbound, record, now=now, config=config)
    earlier = yes_to_our_link(parsed, understanding)
    if earlier is not None:
        return answer_yes(inbound, parsed, earlier, record, now=now, config=config)
    matched = understanding.course_ids
    if understanding.intent == Intent.BOOK and len(matched) == 1:
        course = by_id[matched[0]]
        return answer_booking_request(
            inbound, parsed, understanding, course, record, now=now, config=config
        )
    if understanding.intent == Intent.CANCEL:
        return answer_cancel_request(inbound, parsed, understanding, record, now=now, config=config)
    if understanding.intent == Intent.BOOK:  # no single course: say how many matched
        many = f"{len(matched)} courses matched the message."
        record["actions"].append(many if matched else "No course matched the message.")
    return leave_for_a_coordinator(inbound, record, now=now, config=config)


def _named_people(parsed: ParsedMessage, config: MailboxConfig, manager: str = "") -> list[dict]:
    """Other people's addresses written in the message (and in a forwarded message), but
    not the sender's own line manager's, given for their approval (rule 25)."""
    text = parsed.new_text
    if parsed.is_forward:
        text = f"{text}\n{parsed.removed_text}"
    exclude = [parsed.sender, *config.own_addresses, *([manager] if manager else [])]
    found = named_people(text, exclude=exclude)
    return [{"name": one_line(name), "email": email} for name, email in found]


def _for_a_person(parsed: ParsedMessage, understanding: Understanding, record: dict) -> str:
    """Why a coordinator must read this message before anything is sent, or empty."""
    if parsed.is_forward:
        return "A forwarded message: left for a coordinator."
    if record["named_people"] or understanding.for_someone_else:
        return "The message asks about someone other than the sender: left for a coordinator."
    if understanding.has_question:
        return "The message asks a question: left for a coordinator."
    return ""


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


# --- what is kept of a message ------------------------------------------------------------


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
    return one_line(read_display_name(display_name).name)[:200]
