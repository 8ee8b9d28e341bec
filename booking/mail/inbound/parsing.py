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
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser, BytesParser

from ...words import size_in_words
from .body import Body, bounced_addresses, note_defects
from .headers import (
    Headers,
    message_id_header,
    normalise_message_id,
    referenced_ids,
    sender_of,
    sent_date,
    thread,
)
from .kinds import FORWARD_SUBJECT, REPLY_SUBJECT, MessageKind, NotRequestReason, classify
from .quotes import strip_quotes_and_signature
from .text import one_line

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
    #: The Message-ID without angle brackets, or empty.
    message_id: str
    #: "mid:<Message-ID>" or "sha256:<hash of sender, date and body>": one per message.
    fingerprint: str
    kind: MessageKind
    #: Why it is not a request (a NotRequestReason), or empty.
    reason: str = ""
    #: Plain-English notes about anything odd met while reading.
    problems: tuple[str, ...] = ()
    #: The Authentication-Results header values, newest (topmost) first.
    authentication_results: tuple[str, ...] = ()
    sent_at: datetime | None = None
    #: The message is a forward of someone else's message.
    is_forward: bool = False
    #: The Subject starts with "Re:": it was written in reply to an earlier message.
    is_reply: bool = False
    #: How many attachments were left out (their contents are never kept).
    attachments_skipped: int = 0
    size: int = 0
    #: Text left out as quoted or signature (kept only for a forward, for the coordinator).
    removed_text: str = field(default="", repr=False)
    #: Message-IDs this message answers (In-Reply-To, then References), without brackets.
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

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


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
    so a message from them is never answered.
    """
    problems: list[str] = []
    size = len(raw) if size is None else max(size, len(raw))
    if size > max_bytes:
        return _too_large(raw, size, max_bytes, own_addresses)

    # The parser never raises for a damaged message: it notes defects (note_defects reads them).
    msg = BytesParser(policy=policy.default).parsebytes(raw)

    headers = Headers(msg, problems)
    about = _from_headers(headers, problems)
    body = Body(problems).read(msg)
    full_text = body.text()
    new_text, removed = strip_quotes_and_signature(full_text)
    note_defects(msg, problems)

    kind, reason = classify(msg, headers, about["sender"], about["subject"], body, own_addresses)
    is_bounce = reason == NotRequestReason.BOUNCE
    lowered_subject = about["subject"].lower()
    return ParsedMessage(
        **about,
        new_text=new_text,
        fingerprint=_fingerprint(about, headers.get("date"), full_text),
        kind=kind,
        reason=reason,
        problems=tuple(dict.fromkeys(problems)),
        is_forward=bool(FORWARD_SUBJECT.match(lowered_subject)) or body.saw_forward,
        is_reply=bool(REPLY_SUBJECT.match(lowered_subject)),
        attachments_skipped=body.attachments,
        size=size,
        removed_text=removed,
        in_reply_to=referenced_ids(headers),
        bounced_to=bounced_addresses(msg) if is_bounce else (),
        bounced_message_ids=tuple(dict.fromkeys(body.returned_ids))[:20] if is_bounce else (),
    )


def _from_headers(headers: Headers, problems: list[str]) -> dict:
    """The fields of a ParsedMessage that its headers alone give."""
    sender, display_name = sender_of(headers, problems)
    return {
        "sender": sender,
        "display_name": display_name,
        "subject": one_line(headers.get("subject"), limit=300),
        "message_id": normalise_message_id(headers.get("message-id")),
        "authentication_results": tuple(headers.get_all("authentication-results")),
        "sent_at": sent_date(headers.get("date")),
        "message_id_header": message_id_header(headers),
        "references": thread(headers),
    }


def _too_large(raw: bytes, size: int, max_bytes: int, own_addresses=()) -> ParsedMessage:
    """Read only the headers of an oversized message: enough to record and recognise it."""
    problems = [
        f"The message is {size_in_words(size)}, larger than the {size_in_words(max_bytes)} "
        "we read, so it was not read."
    ]
    msg = BytesHeaderParser(policy=policy.default).parsebytes(_header_block(raw))
    headers = Headers(msg, problems)
    about = _from_headers(headers, problems)
    fingerprint = _fingerprint(about, headers.get("date"), hashlib.sha256(raw[:65536]).hexdigest())
    # The headers alone say whether it is automatic (an oversized bounce, say): never answer it.
    kind, reason = classify(
        msg, headers, about["sender"], about["subject"], Body(problems), own_addresses
    )
    if kind == MessageKind.FROM_A_PERSON:
        kind, reason = MessageKind.TOO_LARGE, "too_large"
    return ParsedMessage(
        **about,
        new_text="",
        fingerprint=fingerprint,
        kind=kind,
        reason=reason,
        problems=tuple(problems),
        size=size,
    )


def _header_block(raw: bytes) -> bytes:
    """The headers at the start of a message (at most 64 KB of them)."""
    start = raw[:65536]
    ends = [i for i in (start.find(b"\r\n\r\n"), start.find(b"\n\n")) if i >= 0]
    return start[: min(ends)] if ends else start


def _fingerprint(about: dict, date_header: str, body: str) -> str:
    message_id, sender = about["message_id"], about["sender"]
    if message_id:
        if len(message_id) <= 250:
            return "mid:" + message_id
        return "mid-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    normalised_body = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n"))
    material = "\x00".join([sender, one_line(date_header, limit=200), normalised_body.strip()])
    return "sha256:" + hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()
