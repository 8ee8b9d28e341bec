"""Whether a message is from a person or is automatic (a bounce, an out-of-office, a
calendar reply...), which must never be answered: answering those is how mail loops start."""

from __future__ import annotations

import enum
from email.message import Message

from .body import Body
from .headers import header, raw_values
from .text import phrases


class MessageKind(enum.StrEnum):
    FROM_A_PERSON = "from_a_person"  #: read it and act on it
    NOT_A_REQUEST = "not_a_request"  #: automatic: record it, never answer it
    TOO_LARGE = "too_large"  #: over the size limit: recorded, not read


class NotRequestReason(enum.StrEnum):
    CALENDAR_REPLY = "calendar_reply"
    AUTOMATIC_REPLY = "automatic_reply"
    MAILING_LIST = "mailing_list"
    BOUNCE = "bounce"
    READ_RECEIPT = "read_receipt"
    FROM_OURSELVES = "from_ourselves"
    NO_REPLY_SENDER = "no_reply_sender"


FORWARD_SUBJECT = phrases("forward_subject", where="start")
REPLY_SUBJECT = phrases("reply_subject", where="start")
_AUTO_SUBJECT = phrases("automatic_subject", where="start")
_CALENDAR_SUBJECT = phrases("calendar_subject", where="start")
_BOUNCE_SUBJECT = phrases("bounce_subject", where="start")
_READ_RECEIPT_SUBJECT = phrases("read_receipt_subject", where="start")
_BOUNCE_SENDERS = phrases("bounce_sender", where="start")
_NO_REPLY = phrases("no_reply_sender", where="start")


def classify(
    msg: Message, sender: str, subject: str, body: Body, own_addresses
) -> tuple[MessageKind, str]:
    """From a person, or not a request (and why): checked in this order, first match wins."""
    reason = (
        _report_or_reply(msg, sender, subject, body)
        or _automatic(msg, subject)
        or _not_a_person(sender, own_addresses)
    )
    if reason is not None:
        return MessageKind.NOT_A_REQUEST, reason.value
    return MessageKind.FROM_A_PERSON, ""


def _report_or_reply(
    msg: Message, sender: str, subject: str, body: Body
) -> NotRequestReason | None:
    """A read receipt, a bounce, or a reply to a calendar invitation."""
    if body.report_type == "disposition-notification" or _READ_RECEIPT_SUBJECT.match(subject):
        return NotRequestReason.READ_RECEIPT
    # An empty Return-Path is the envelope sender of a bounce (RFC 5321 4.5.5).
    empty_return_path = header(msg, "return-path").strip() in ("<>", "")
    if body.report_type or (empty_return_path and raw_values(msg, "return-path")):
        return NotRequestReason.BOUNCE
    if _BOUNCE_SENDERS.match(sender.partition("@")[0]) or _BOUNCE_SUBJECT.match(subject):
        return NotRequestReason.BOUNCE
    if body.calendar_reply or _CALENDAR_SUBJECT.match(subject):
        return NotRequestReason.CALENDAR_REPLY
    return None


#: Headers that mark an automatic reply whatever their value.
_AUTOMATIC_HEADERS = ("x-auto-response-suppress", "x-autoreply", "x-autorespond", "x-autoresponder")


def _automatic(msg: Message, subject: str) -> NotRequestReason | None:
    """An out-of-office or other automatic reply, or a mailing list."""
    auto_submitted = header(msg, "auto-submitted").split(";")[0].strip().lower()
    precedence = header(msg, "precedence").strip().lower()
    if (
        auto_submitted not in ("", "no")
        or any(raw_values(msg, name) for name in _AUTOMATIC_HEADERS)
        or _AUTO_SUBJECT.match(subject)
        or precedence in ("junk", "auto_reply")
    ):
        return NotRequestReason.AUTOMATIC_REPLY
    if precedence in ("bulk", "list") or raw_values(msg, "list-id") + raw_values(
        msg, "list-unsubscribe"
    ):
        return NotRequestReason.MAILING_LIST
    return None


def _not_a_person(sender: str, own_addresses) -> NotRequestReason | None:
    """Mail from this service's own addresses, or from a no-reply address."""
    own = {address.strip().lower() for address in own_addresses if address}
    if sender and sender in own:
        return NotRequestReason.FROM_OURSELVES
    if _NO_REPLY.match(sender.partition("@")[0]):
        return NotRequestReason.NO_REPLY_SENDER
    return None
