"""Whether a message is from a person or is automatic (a bounce, an out-of-office, a
calendar reply...), which must never be answered: answering those is how mail loops start."""

from __future__ import annotations

import enum
from email.message import Message

from .body import Body, content_type_of, param
from .headers import Headers
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
    msg: Message,
    headers: Headers,
    sender: str,
    subject: str,
    body: Body,
    own_addresses,
) -> tuple[MessageKind, str]:
    """From a person, or not a request (and why): checked in this order, first match wins."""
    reason = (
        _report_or_reply(msg, headers, sender, subject, body)
        or _automatic(headers, subject)
        or _not_a_person(sender, own_addresses)
    )
    if reason is not None:
        return MessageKind.NOT_A_REQUEST, reason.value
    return MessageKind.FROM_A_PERSON, ""


def _report_or_reply(
    msg: Message, headers: Headers, sender: str, subject: str, body: Body
) -> NotRequestReason | None:
    """A read receipt, a bounce, or a reply to a calendar invitation."""
    content_type = content_type_of(msg)
    report_type = body.report_type or (
        param(msg, "report-type").lower() if content_type == "multipart/report" else ""
    )
    if report_type == "disposition-notification" or _READ_RECEIPT_SUBJECT.match(subject):
        return NotRequestReason.READ_RECEIPT
    if report_type or body.report_type == "delivery-status":
        return NotRequestReason.BOUNCE
    return_path = headers.get("return-path").strip()
    if return_path in ("<>", "") and headers.has("return-path"):
        return NotRequestReason.BOUNCE
    local_part = sender.partition("@")[0]
    if _BOUNCE_SENDERS.match(local_part) or _BOUNCE_SUBJECT.match(subject):
        return NotRequestReason.BOUNCE
    if body.calendar_reply or _CALENDAR_SUBJECT.match(subject):
        return NotRequestReason.CALENDAR_REPLY
    return None


def _automatic(headers: Headers, subject: str) -> NotRequestReason | None:
    """An out-of-office or other automatic reply, or a mailing list."""
    auto_submitted = headers.get("auto-submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return NotRequestReason.AUTOMATIC_REPLY
    if any(
        headers.has(name)
        for name in ("x-auto-response-suppress", "x-autoreply", "x-autorespond", "x-autoresponder")
    ):
        return NotRequestReason.AUTOMATIC_REPLY
    if _AUTO_SUBJECT.match(subject):
        return NotRequestReason.AUTOMATIC_REPLY
    precedence = headers.get("precedence").strip().lower()
    if precedence in ("junk", "auto_reply"):
        return NotRequestReason.AUTOMATIC_REPLY
    if precedence in ("bulk", "list") or headers.has("list-id") or headers.has("list-unsubscribe"):
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
