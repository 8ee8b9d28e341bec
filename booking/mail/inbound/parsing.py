"""Reading one email that arrived at the training mailbox: pure functions, no database.

`parse_message(raw, ...)` never raises for anything a sender can put in a message. It takes
the text a person wrote (the plain-text part, or the text of an HTML-only message), leaves
out attachments, quoted earlier messages and signatures, and says whether the message is
something people write (`MessageKind.FROM_A_PERSON`) or an automatic message that must never
be answered (calendar replies, out-of-office, bounces). Anything odd it meets is written into
`problems` in plain English.

The work is split by concern: headers.py and names.py (who sent it), body.py (the MIME tree),
html.py and quotes.py (the sender's own words), kinds.py (person or automatic),
authentication.py (DMARC); callers import each name from its own module. Which library reads
what is in docs/mailbox.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from email import message_from_bytes, policy

from ...text import one_line
from ...words import size_in_words
from .body import Body, bounced_addresses
from .headers import header, raw_values, sender_of, threading
from .kinds import FORWARD_SUBJECT, REPLY_SUBJECT, MessageKind, NotRequestReason, classify
from .quotes import strip_quotes_and_signature

#: The largest message read by default (the setting MAILBOX_MAX_MESSAGE_BYTES overrides it).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class ParsedMessage:
    """What one incoming message says, ready for the mailbox service."""

    #: The From address, checked and lower-cased; empty if there was no usable one.
    sender: str
    #: The name in the From header, made safe to show (no control characters).
    display_name: str
    #: The decoded Subject on one line (line breaks and control characters become spaces).
    subject: str
    #: Only what the sender wrote this time: no quoted messages, no signature.
    new_text: str
    #: "mid:<Message-ID>" (a well-formed one, in lower case) or "sha256:<hash of sender, date
    #: and text>": one per message, so a second delivery of it is known.
    fingerprint: str
    kind: MessageKind
    #: Why it is not a request (a NotRequestReason), or empty.
    reason: str = ""
    #: Plain-English notes about anything odd met while reading.
    problems: tuple[str, ...] = ()
    #: The Authentication-Results header values, newest (topmost) first.
    authentication_results: tuple[str, ...] = ()
    #: The message is a forward of someone else's message.
    is_forward: bool = False
    #: The Subject starts with "Re:": it was written in reply to an earlier message.
    is_reply: bool = False
    #: How many attachments were left out (their contents are never kept).
    attachments_skipped: int = 0
    size: int = 0
    #: Text left out as quoted or signature (kept only for a forward, for the coordinator).
    removed_text: str = field(default="", repr=False)
    #: Message-IDs this message answers (In-Reply-To, then References), as sent.
    in_reply_to: tuple[str, ...] = ()
    #: For a delivery report (bounce): the addresses it says could not be reached ...
    bounced_to: tuple[str, ...] = ()
    #: ... and the Message-IDs of the returned message it quotes.
    bounced_message_ids: tuple[str, ...] = ()
    #: For our replies' headers, exactly as sent ("<...>", case kept), well-formed ids only:
    #: its Message-ID (for In-Reply-To) ...
    message_id_header: str = ""
    #: ... and the thread it belongs to (References, else a single In-Reply-To), oldest
    #: first, at most MAX_REFERENCES.
    references: tuple[str, ...] = ()


# --- the entry point -----------------------------------------------------------------------


def parse_message(
    raw: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    size: int | None = None,
    own_addresses: tuple[str, ...] | list[str] = (),
) -> ParsedMessage:
    """Read one RFC 822 message. Never raises for anything in the message itself.

    `size` is the message's full size when `raw` holds only its start (a mail server pipe or
    an IMAP server told us how big it is); `own_addresses` are this service's own addresses,
    so a message from them is never answered. Of a message over `max_bytes` only the start
    is read: enough to record it and to know whether it is automatic (never to answer).
    """
    size = len(raw) if size is None else max(size, len(raw))
    too_large = size > max_bytes
    problems = (
        [_TOO_LARGE.format(size_in_words(size), size_in_words(max_bytes))] if too_large else []
    )
    # The parser never raises for a damaged message: it notes defects (Body reads them).
    msg = message_from_bytes(raw[:65536] if too_large else raw, policy=policy.default)
    sender, display_name = sender_of(msg, problems)
    subject = one_line(header(msg, "subject"), limit=300)
    # Of an oversized message only the start is read: any damage found there is our own cut.
    body = Body(msg, [] if too_large else problems)
    full_text = hashlib.sha256(raw[:65536]).hexdigest() if too_large else body.text()
    new_text, removed = ("", "") if too_large else strip_quotes_and_signature(full_text)
    kind, reason = classify(msg, sender, subject, body, own_addresses)
    if too_large and kind == MessageKind.FROM_A_PERSON:
        kind, reason = MessageKind.TOO_LARGE, "too_large"
    is_bounce = reason == NotRequestReason.BOUNCE
    ids = threading(msg)
    return ParsedMessage(
        sender=sender,
        display_name=display_name,
        subject=subject,
        new_text=new_text,
        fingerprint=_fingerprint(ids["message_id_header"], sender, header(msg, "date"), full_text),
        kind=kind,
        reason=reason,
        problems=tuple(dict.fromkeys(problems)),
        authentication_results=tuple(raw_values(msg, "authentication-results")),
        is_forward=bool(FORWARD_SUBJECT.match(subject)) or body.saw_forward,
        is_reply=bool(REPLY_SUBJECT.match(subject)),
        attachments_skipped=body.attachments,
        size=size,
        removed_text=removed,
        bounced_to=bounced_addresses(msg) if is_bounce else (),
        bounced_message_ids=tuple(dict.fromkeys(body.returned_ids))[:20] if is_bounce else (),
        **ids,
    )


_TOO_LARGE = "The message is {}, larger than the {} we read, so it was not read."


def _fingerprint(message_id: str, sender: str, date_header: str, text: str) -> str:
    """The well-formed Message-ID in lower case, without its angle brackets; a message
    without one is known by a hash of its sender, date and text."""
    if message_id:
        return "mid:" + message_id.strip("<>").lower()
    # The text is tidied already (lines end in "\n" and have no trailing spaces).
    material = "\x00".join([sender, one_line(date_header, limit=200), text])
    return "sha256:" + hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()
