"""Whether a message is from a person or is automatic (a bounce, an out-of-office, a
calendar reply...), which must never be answered: answering those is how mail loops start."""

from __future__ import annotations

import enum
from email.message import Message

from .body import Body
from .headers import header
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
_BOUNCE_SENDERS = phrases("bounce_sender", where="start")
_NO_REPLY = phrases("no_reply_sender", where="start")
#: Headers that mark an automatic reply whatever their value.
_AUTOMATIC_HEADERS = ("x-auto-response-suppress", "x-autoreply", "x-autorespond", "x-autoresponder")


def classify(
    msg: Message, sender: str, subject: str, body: Body, own_addresses
) -> tuple[MessageKind, str]:
    """From a person, or not a request and why: the first reason, in this order, whose
    signs are in the message or whose words (phrases.toml) start its subject."""
    local_part = sender.partition("@")[0]
    # An empty Return-Path is the envelope sender of a bounce (RFC 5321 4.5.5).
    empty_return_path = "return-path" in msg and header(msg, "return-path").strip() in ("<>", "")
    auto_submitted = header(msg, "auto-submitted").split(";")[0].strip().lower()
    precedence = header(msg, "precedence").strip().lower()
    signs = {
        NotRequestReason.READ_RECEIPT: body.report_type == "disposition-notification",
        NotRequestReason.BOUNCE: bool(body.report_type)
        or empty_return_path
        or bool(_BOUNCE_SENDERS.match(local_part)),
        NotRequestReason.CALENDAR_REPLY: body.calendar_reply,
        NotRequestReason.AUTOMATIC_REPLY: auto_submitted not in ("", "no")
        or any(name in msg for name in _AUTOMATIC_HEADERS)
        or precedence in ("junk", "auto_reply"),
        NotRequestReason.MAILING_LIST: precedence in ("bulk", "list")
        or any(name in msg for name in ("list-id", "list-unsubscribe")),
        NotRequestReason.FROM_OURSELVES: bool(sender)
        and sender in {address.strip().lower() for address in own_addresses if address},
        NotRequestReason.NO_REPLY_SENDER: bool(_NO_REPLY.match(local_part)),
    }
    for reason, seen in signs.items():
        if seen or (reason in _SUBJECTS and _SUBJECTS[reason].match(subject)):
            return MessageKind.NOT_A_REQUEST, reason.value
    return MessageKind.FROM_A_PERSON, ""


#: The words that start the subject of these kinds of automatic message (phrases.toml).
_SUBJECTS = {
    reason: phrases(f"{reason}_subject", where="start")
    for reason in ("read_receipt", "bounce", "calendar_reply", "automatic_reply")
}
