"""Reading one email that arrived at the training mailbox: pure functions, no database.

`parse_message(raw, ...)` never raises for anything a sender can put in a message. It takes
the text a person wrote (the plain-text part, or the text of an HTML-only message), leaves
out attachments, quoted earlier messages and signatures, and says whether the message is
something people write (`MessageKind.FROM_A_PERSON`) or an automatic message that must never
be answered (calendar replies, out-of-office, bounces): answering those is how mail loops
start. Anything odd it meets is written into `problems` in plain English.
"""

from __future__ import annotations

import codecs
import enum
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from email import headerregistry, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser, HeaderParser
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import cast

from email_validator import EmailNotValidError, validate_email

#: The largest message read by default (the setting MAILBOX_MAX_MESSAGE_BYTES overrides it).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
#: Longest text kept from one part; anything a person writes to book a place is far shorter.
MAX_TEXT_CHARS = 200_000


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


#: Plain words for each reason, shown to coordinators.
REASON_WORDS: dict[str, str] = {
    NotRequestReason.CALENDAR_REPLY: "a reply to a calendar invitation",
    NotRequestReason.AUTOMATIC_REPLY: "an automatic reply, such as an out-of-office message",
    NotRequestReason.MAILING_LIST: "a mailing list or bulk message",
    NotRequestReason.BOUNCE: "a message saying an email could not be delivered",
    NotRequestReason.READ_RECEIPT: "a read receipt",
    NotRequestReason.FROM_OURSELVES: "a message from this service's own address",
    NotRequestReason.NO_REPLY_SENDER: "sent from an address that does not take replies",
}


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

    try:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception:  # pragma: no cover - the parser is lenient; this is a last resort
        return _unreadable(raw, size)

    headers = _Headers(msg, problems)
    sender, display_name = _sender(headers, problems)
    subject = one_line(headers.get("subject"), limit=300)
    message_id = normalise_message_id(headers.get("message-id"))

    body = _Body(problems).read(msg)
    full_text = body.text()
    new_text, removed = strip_quotes_and_signature(full_text)
    _note_defects(msg, problems)

    kind, reason = _classify(msg, headers, sender, subject, body, own_addresses)
    fingerprint = _fingerprint(message_id, sender, headers.get("date"), full_text)
    is_bounce = reason == NotRequestReason.BOUNCE
    lowered_subject = subject.lower()
    return ParsedMessage(
        sender=sender,
        display_name=display_name,
        subject=subject,
        new_text=new_text,
        message_id=message_id,
        fingerprint=fingerprint,
        kind=kind,
        reason=reason,
        problems=tuple(dict.fromkeys(problems)),
        authentication_results=tuple(headers.get_all("authentication-results")),
        sent_at=_date(headers.get("date")),
        is_forward=bool(_FORWARD_SUBJECT.match(lowered_subject)) or body.saw_forward,
        is_reply=bool(_REPLY_SUBJECT.match(lowered_subject)),
        attachments_skipped=body.attachments,
        size=size,
        removed_text=removed,
        in_reply_to=_referenced_ids(headers),
        bounced_to=tuple(dict.fromkeys(body.failed_recipients))[:20] if is_bounce else (),
        bounced_message_ids=tuple(dict.fromkeys(body.returned_ids))[:20] if is_bounce else (),
        message_id_header=_message_id_header(headers),
        references=_thread(headers),
    )


def _unreadable(raw: bytes, size: int) -> ParsedMessage:
    """A message the parser could not read at all: kept for a person to look at."""
    return ParsedMessage(
        sender="",
        display_name="",
        subject="",
        new_text="",
        message_id="",
        fingerprint="sha256:" + hashlib.sha256(raw).hexdigest(),
        kind=MessageKind.FROM_A_PERSON,
        problems=("The message could not be read at all.",),
        size=size,
    )


def _too_large(raw: bytes, size: int, max_bytes: int, own_addresses=()) -> ParsedMessage:
    """Read only the headers of an oversized message: enough to record and recognise it."""
    problems = [
        f"The message is {size_in_words(size)}, larger than the {size_in_words(max_bytes)} "
        "we read, so it was not read."
    ]
    try:
        msg = BytesHeaderParser(policy=policy.default).parsebytes(_header_block(raw))
    except Exception:  # pragma: no cover - lenient parser; last resort
        msg = EmailMessage()
    headers = _Headers(msg, problems)
    sender, display_name = _sender(headers, problems)
    subject = one_line(headers.get("subject"), limit=300)
    message_id = normalise_message_id(headers.get("message-id"))
    fingerprint = _fingerprint(
        message_id, sender, headers.get("date"), hashlib.sha256(raw[:65536]).hexdigest()
    )
    # The headers alone say whether it is automatic (an oversized bounce, say): never answer it.
    kind, reason = _classify(msg, headers, sender, subject, _Body(problems), own_addresses)
    if kind == MessageKind.FROM_A_PERSON:
        kind, reason = MessageKind.TOO_LARGE, "too_large"
    return ParsedMessage(
        sender=sender,
        display_name=display_name,
        subject=subject,
        new_text="",
        message_id=message_id,
        fingerprint=fingerprint,
        kind=kind,
        reason=reason,
        problems=tuple(problems),
        authentication_results=tuple(headers.get_all("authentication-results")),
        sent_at=_date(headers.get("date")),
        size=size,
        message_id_header=_message_id_header(headers),
        references=_thread(headers),
    )


def _header_block(raw: bytes) -> bytes:
    """The headers at the start of a message (at most 64 KB of them)."""
    start = raw[:65536]
    ends = [i for i in (start.find(b"\r\n\r\n"), start.find(b"\n\n")) if i >= 0]
    return start[: min(ends)] if ends else start


def size_in_words(size: int) -> str:
    """A size in bytes as people say it: "20 kilobytes", "5.0 megabytes"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kilobytes"
    return f"{size / (1024 * 1024):.1f} megabytes"


# --- headers -------------------------------------------------------------------------------


class _Headers:
    """Header values as text, read defensively: a header the modern parser chokes on is
    decoded by hand instead of raising."""

    def __init__(self, msg: Message, problems: list[str]):
        self.msg = msg
        self.problems = problems

    def get_all(self, name: str) -> list[str]:
        values = []
        for key, raw_value in _raw_items(self.msg):
            if key.lower() != name:
                continue
            values.append(self._decode(key, raw_value))
        return values

    def get_all_raw(self, name: str) -> list[str]:
        """Values as they arrived (encoded words not decoded), unfolded."""
        return [
            re.sub(r"\r?\n[ \t]", " ", str(value))
            for key, value in _raw_items(self.msg)
            if key.lower() == name
        ]

    def get(self, name: str) -> str:
        values = self.get_all(name)
        return values[0] if values else ""

    def has(self, name: str) -> bool:
        return any(key.lower() == name for key, _ in _raw_items(self.msg))

    def _decode(self, key: str, raw_value) -> str:
        try:
            value = self.msg.policy.header_fetch_parse(key, raw_value)
            return str(value)
        except Exception:
            self.problems.append(f"The {key} header was damaged; it was read as best we could.")
        try:
            return str(make_header(decode_header(str(raw_value))))
        except Exception:
            return str(raw_value)


def _raw_items(msg: Message) -> list[tuple[str, object]]:
    try:
        return list(msg.raw_items())
    except Exception:  # pragma: no cover - defensive
        return []


def one_line(value: str | None, *, limit: int) -> str:
    """Text made safe for one line: control characters (line breaks too) become spaces."""
    if not value:
        return ""
    cleaned = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in str(value)
    )
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    return cleaned[:limit]


def normalise_message_id(value: str) -> str:
    """The Message-ID without angle brackets, spaces or folding; lower-case; empty if absent."""
    value = one_line(value, limit=2000)
    match = re.search(r"<([^<>]+)>", value)
    inner = match.group(1) if match else value
    inner = re.sub(r"\s+", "", inner).lower()
    return inner if "@" in inner or len(inner) >= 8 else ""


#: A message id (RFC 5322 3.6.4), near enough: "<", printable ASCII with no space or angle
#: bracket and an "@" somewhere, ">". Only ids like this ever reach a header we send.
_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+>")
MAX_MESSAGE_ID = 250
#: The most ids a References header we send holds: the first and the latest ones.
MAX_REFERENCES = 20


def message_ids(value: str) -> list[str]:
    """The well-formed message ids in a header value, in order; anything else is dropped."""
    return [
        found
        for found in _MESSAGE_ID.findall(value or "")
        if "@" in found and len(found) <= MAX_MESSAGE_ID
    ]


def thread_ids(ids: list[str] | tuple[str, ...]) -> list[str]:
    """`ids` without repeats, cut to the first and the latest (as mail programs do)."""
    unique = list(dict.fromkeys(ids))
    if len(unique) <= MAX_REFERENCES:
        return unique
    return [unique[0], *unique[1 - MAX_REFERENCES :]]


def _message_id_header(headers: _Headers) -> str:
    """The Message-ID as sent, for a reply's In-Reply-To; empty if it is not well formed."""
    found = message_ids(" ".join(headers.get_all_raw("message-id")))
    return found[0] if found else ""


def _thread(headers: _Headers) -> tuple[str, ...]:
    """The thread an incoming message replies to (RFC 5322 3.6.4): its References, or else
    its In-Reply-To when that holds exactly one id. Read raw: these never hold encoded words."""
    references = message_ids(" ".join(headers.get_all_raw("references")))
    if not references:
        in_reply_to = message_ids(" ".join(headers.get_all_raw("in-reply-to")))
        references = in_reply_to if len(in_reply_to) == 1 else []
    return tuple(thread_ids(references))


def _sender(headers: _Headers, problems: list[str]) -> tuple[str, str]:
    raw_from = headers.get_all_raw("from")
    if not raw_from:
        problems.append("The message has no From address.")
        return "", ""
    pairs = _addresses(raw_from)
    if not pairs:
        problems.append("The From address could not be read.")
        return "", ""
    if len(pairs) > 1:
        problems.append("The message names more than one sender; only the first is used.")
    name, address = pairs[0]
    try:
        checked = validate_email(address, check_deliverability=False)
        sender = checked.normalized.lower()
    except EmailNotValidError:
        problems.append("The From address is not a valid email address.")
        sender = ""
    if len(sender) > 320:
        sender = ""
    return sender, one_line(name, limit=200)


def _addresses(raw_from: list[str]) -> list[tuple[str, str]]:
    """(display name, address) pairs from raw From values, read by the standard library's
    address parser (a quoted name may hold commas and brackets: NHSmail's
    "SURNAME, First (ORGANISATION)"). The parser refuses a name whose encoded words hide a
    line break; such a header is split by hand instead."""
    try:
        return [
            (address.display_name, address.addr_spec)
            for value in raw_from
            # A "from" header from the registry is an AddressHeader; its types say BaseHeader.
            for address in cast(
                "headerregistry.AddressHeader", _ADDRESS_HEADERS("from", value)
            ).addresses
            if address.addr_spec and address.addr_spec != "<>"
        ]
    except Exception:  # noqa: BLE001 - a damaged header is read by the fallback below
        return _addresses_by_hand(raw_from)


_ADDRESS_HEADERS = headerregistry.HeaderRegistry()


def _addresses_by_hand(raw_from: list[str]) -> list[tuple[str, str]]:
    # Split the raw header into addresses first and decode the name after (RFC 2047 order),
    # so an encoded line break or comma in a name can never change the address.
    words: list[str] = []

    def hide(match: re.Match) -> str:
        words.append(match.group(0))
        return f"encodedword{len(words) - 1}x"

    hidden = [_ENCODED_WORD.sub(hide, value) for value in raw_from]
    try:
        pairs = getaddresses(hidden)
    except Exception:
        pairs = []
    return [
        (_decode_words(re.sub(r"encodedword(\d+)x", lambda m: words[int(m.group(1))], name)), addr)
        for name, addr in pairs
        if addr
    ]


@dataclass(frozen=True)
class NameParts:
    """What a From header's display name says about the sender."""

    name: str = ""
    organisation: str = ""
    job_title: str = ""


#: "(ORGANISATION)" or "[ORGANISATION]" at the end of a name, as NHSmail writes it.
_ORGANISATION_AT_END = re.compile(r"\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]\s*$")
#: "First Surname - Job Title": a dash with spaces round it (a hyphenated name has none).
_JOB_TITLE_AFTER = re.compile(r"\s+[-–—|]\s+")


def read_display_name(display_name: str) -> NameParts:
    """Name, organisation and job title from a display name.

    "SURNAME, First (ORGANISATION)" (NHSmail) gives "First Surname" and the organisation;
    "First Surname - Job Title" gives the name and the job title. A surname written all in
    capitals is written the usual way (TAYLOR: Taylor, MCDONALD: McDonald, O'NEIL: O'Neil).
    """
    name = one_line(display_name, limit=200).strip(" '\"")
    if not name or "@" in name:
        return NameParts()
    organisation = job_title = ""
    match = _ORGANISATION_AT_END.search(name)
    if match and match.start() > 0:
        organisation, name = match.group(1), name[: match.start()].strip()
    parts = _JOB_TITLE_AFTER.split(name, maxsplit=1)
    if len(parts) == 2 and parts[0].strip() and parts[1].strip():
        name, job_title = parts[0].strip(), parts[1].strip()
    if name.count(",") == 1:
        last, first = (part.strip() for part in name.split(","))
        if last and first and " " not in last:
            name = f"{first} {last}"
    name = " ".join(_usual_capitals(word) for word in name.split())
    return NameParts(name=name, organisation=organisation, job_title=job_title)


def _usual_capitals(word: str) -> str:
    """A name written in capitals, written the usual way; any other word as it is."""
    if not word.isupper() or sum(ch.isalpha() for ch in word) < 2:
        return word
    pieces = re.split(r"([-'’])", word.lower())
    written = []
    for piece in pieces:
        if piece.startswith("mc") and len(piece) > 2:
            piece = "Mc" + piece[2:].capitalize()
        written.append(piece.capitalize() if not piece.startswith("Mc") else piece)
    return "".join(written)


_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def _decode_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def _referenced_ids(headers: _Headers) -> tuple[str, ...]:
    """The Message-IDs in In-Reply-To and References (at most 20), normalised."""
    text = " ".join(headers.get_all("in-reply-to") + headers.get_all("references"))
    ids = (normalise_message_id(f"<{inner}>") for inner in re.findall(r"<([^<>\s]+)>", text))
    return tuple(dict.fromkeys(i for i in ids if i))[:20]


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except Exception:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


def _fingerprint(message_id: str, sender: str, date_header: str, body: str) -> str:
    if message_id:
        if len(message_id) <= 250:
            return "mid:" + message_id
        return "mid-sha256:" + hashlib.sha256(message_id.encode()).hexdigest()
    normalised_body = "\n".join(line.rstrip() for line in body.replace("\r\n", "\n").split("\n"))
    material = "\x00".join([sender, one_line(date_header, limit=200), normalised_body.strip()])
    return "sha256:" + hashlib.sha256(material.encode("utf-8", "replace")).hexdigest()


# --- bodies --------------------------------------------------------------------------------


def _own_parts(msg: Message):
    """The message and its parts, like Message.walk(), but not inside an attached email
    (message/rfc822): its text, bounce report or calendar reply is not the sender's."""
    yield msg
    if msg.is_multipart() and _content_type(msg) != "message/rfc822":
        for part in cast("list[Message]", msg.get_payload()):  # a multipart's payload is a list
            yield from _own_parts(part)


class _Body:
    """Walks the MIME tree: keeps the first text part people read, skips attachments, and
    notes any calendar reply or delivery report it passes."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        self.plain: str | None = None
        self.html: str | None = None
        self.attachments = 0
        self.calendar_reply = False
        self.report_type = ""
        self.saw_forward = False
        #: From a delivery report: addresses that failed, and the returned message's ids.
        self.failed_recipients: list[str] = []
        self.returned_ids: list[str] = []

    def read(self, msg: Message) -> _Body:
        """Read every part of `msg` (returns itself, read)."""
        try:
            parts = list(_own_parts(msg))
        except Exception:  # pragma: no cover - a last resort for a damaged structure
            self.problems.append("The message's structure was damaged; we read what we could.")
            parts = [msg]
        for part in parts[:200]:
            try:
                self._part(part, is_top=part is msg)
            except Exception:
                self.problems.append("One part of the message could not be read and was skipped.")
        return self

    def _part(self, part: Message, *, is_top: bool) -> None:
        content_type = _content_type(part)
        if content_type == "multipart/report":
            self.report_type = _param(part, "report-type").lower()
        if self._noted(part, content_type) or part.is_multipart():
            return
        if _is_attachment(part, is_top=is_top):
            self.attachments += 1
            return
        self._text(part, content_type)

    def _noted(self, part: Message, content_type: str) -> bool:
        """Note a calendar reply, a delivery report or a returned or forwarded message; True
        when `part` was one of those (never the sender's own text)."""
        if content_type in ("text/calendar", "application/ics"):
            self._calendar(part, content_type)
        elif content_type == "message/delivery-status":
            self._delivery_status(part)
        elif content_type == "text/rfc822-headers":
            returned = HeaderParser(policy=policy.default).parsestr(self._decode(part, "") or "")
            self.returned_ids.append(normalise_message_id(str(returned.get("message-id", ""))))
        elif content_type == "message/rfc822":
            self.saw_forward = True  # a forward as an attachment: its text is not the sender's
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                self.returned_ids.append(normalise_message_id(str(inner[0].get("message-id", ""))))
        else:
            return False
        return True

    def _calendar(self, part: Message, content_type: str) -> None:
        text = self._decode(part, content_type) or ""
        method = _param(part, "method").upper()
        if method == "REPLY" or re.search(r"^METHOD:\s*REPLY\s*$", text, re.I | re.M):
            self.calendar_reply = True

    def _text(self, part: Message, content_type: str) -> None:
        """Keep the first plain text and the first HTML part (as text)."""
        if content_type.startswith("multipart/"):
            # A multipart without a usable boundary: the parser left the whole body as text.
            self.problems.append("The message's structure was damaged; we read what we could.")
            if self.plain is None:
                self.plain = _without_mime_scaffolding(self._decode(part, "text/plain") or "")
            return
        if content_type == "text/plain" and self.plain is None:
            self.plain = self._decode(part, content_type)
        elif content_type == "text/html" and self.html is None:
            html = self._decode(part, content_type)
            if html is not None:
                self.html = html_to_text(html)

    def _delivery_status(self, part: Message) -> None:
        """Note each recipient a delivery report (RFC 3464) says failed for good."""
        blocks = cast("list[Message]", part.get_payload()) if part.is_multipart() else []
        for block in blocks:
            if str(block.get("action", "")).strip().lower() != "failed":
                continue
            recipient = str(block.get("final-recipient") or block.get("original-recipient") or "")
            address = recipient.partition(";")[2].strip().strip("<>").lower()
            if "@" in address and len(address) <= 320:
                self.failed_recipients.append(address)

    def _decode(self, part: Message, content_type: str) -> str | None:
        try:
            payload = part.get_payload(decode=True)
        except Exception:
            self.problems.append("Part of the message used an encoding we could not undo.")
            payload = None
        if payload is None:
            raw_payload = part.get_payload()
            if isinstance(raw_payload, str):
                payload = raw_payload.encode("utf-8", "surrogateescape")
            else:
                return None
        if isinstance(payload, str):  # pragma: no cover - get_payload(decode=True) gives bytes
            payload = payload.encode("utf-8", "surrogateescape")
        if not isinstance(payload, bytes):  # pragma: no cover - only a multipart holds parts
            return None
        defects = [type(d).__name__ for d in getattr(part, "defects", [])]
        if any("Base64" in d for d in defects):
            self.problems.append("Part of the message was damaged, so not all of it could be read.")
        charset = _charset(part)
        return decode_bytes(payload, charset, self.problems)[:MAX_TEXT_CHARS]

    def text(self) -> str:
        text = self.plain if self.plain is not None and self.plain.strip() else self.html
        return _tidy(text or "")


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:  # pragma: no cover - defensive
        return "text/plain"


def _param(part: Message, name: str) -> str:
    """A Content-Type parameter as text (the older email API gives RFC 2231 ones as a tuple)."""
    value = part.get_param(name) or ""
    return collapse_rfc2231_value(value) if isinstance(value, tuple) else value


def _charset(part: Message) -> str:
    try:
        value = part.get_param("charset")
    except Exception:  # pragma: no cover - defensive
        return ""
    if isinstance(value, tuple):  # RFC 2231 encoded parameter
        value = value[2]
    return str(value or "").strip().strip('"').lower()


def _is_attachment(part: Message, *, is_top: bool) -> bool:
    try:
        disposition = (part.get_content_disposition() or "").lower()
        filename = part.get_filename()
    except Exception:
        return True
    if disposition == "attachment" or filename:
        return True
    maintype = _content_type(part).split("/")[0]
    return not is_top and maintype not in ("text", "multipart", "message")


def _cp1252_for_bad_bytes(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):  # pragma: no cover - only decoding uses it
        raise error
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "booking-cp1252-fallback"
codecs.register_error(_CP1252_FALLBACK, _cp1252_for_bad_bytes)


def decode_bytes(payload: bytes, charset: str, problems: list[str]) -> str:
    """Bytes to text, whatever the label says: unknown or wrong charsets fall back safely."""
    label = charset or "us-ascii"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        problems.append(f"The message named a character set we do not know ({label[:40]}).")
        codec = ""
    # Browsers read ISO-8859-1 and ASCII labels as Windows-1252 (curly quotes, the euro sign).
    if codec in ("latin-1", "iso8859-1", "ascii"):
        codec = "cp1252"
    if codec:
        try:
            text = payload.decode(codec)
            if codec == "cp1252" and not payload.isascii():
                text = _prefer_utf8(payload, text)
            return text
        except UnicodeDecodeError:
            problems.append("Some text was not in the character set the message claimed.")
        except Exception:  # pragma: no cover - exotic codecs
            problems.append("Some text was in a character set we could not use.")
    # Valid UTF-8 where it is, Windows-1252 for the stray bytes around it.
    return payload.decode("utf-8", errors=_CP1252_FALLBACK)


def _prefer_utf8(payload: bytes, as_cp1252: str) -> str:
    """Bytes labelled Latin-1 or ASCII that are really UTF-8 (a common mislabelling)."""
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        return as_cp1252


def _without_mime_scaffolding(text: str) -> str:
    """The plain-text sections of a body whose multipart structure was broken.

    Sections between boundary-like lines ("--something") keep their text only if their
    part headers (if any) say text/plain and not an attachment.
    """
    sections: list[list[str]] = [[]]
    for line in text.splitlines():
        if re.match(r"^--[^\s]{6,}\s*$", line):
            sections.append([])
        else:
            sections[-1].append(line)
    kept: list[str] = []
    for lines in sections:
        headers: list[str] = []
        while lines and re.match(r"^[A-Za-z][A-Za-z0-9-]*:\s|^[ \t]+\S", lines[0]):
            headers.append(lines.pop(0).lower())
        declared = " ".join(headers)
        if headers and ("attachment" in declared or "content-type: text/plain" not in declared):
            continue
        kept.append("\n".join(lines).strip())
    return "\n\n".join(part for part in kept if part)


def _tidy(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _note_defects(msg: Message, problems: list[str]) -> None:
    try:
        defects = [d for part in msg.walk() for d in getattr(part, "defects", [])]
    except Exception:  # pragma: no cover - defensive
        return
    structural = {
        "NoBoundaryInMultipartDefect",
        "StartBoundaryNotFoundDefect",
        "CloseBoundaryNotFoundDefect",
        "MultipartInvariantViolationDefect",
        "MisplacedEnvelopeHeaderDefect",
        "MissingHeaderBodySeparatorDefect",
        "FirstHeaderLineIsContinuationDefect",
    }
    if any(type(d).__name__ in structural for d in defects):
        problems.append("The message's structure was damaged; we read what we could.")


# --- HTML ----------------------------------------------------------------------------------


class _TextFromHTML(HTMLParser):
    """The visible text of an HTML email. Quoted blocks come out prefixed with "> " so the
    quote remover treats them like quoted plain text."""

    BLOCK = {
        "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5",
        "h6", "blockquote", "pre", "hr", "section", "article", "header", "footer", "dd", "dt",
    }  # fmt: skip
    SKIP = {"script", "style", "head", "title", "template", "noscript", "svg", "object"}
    QUOTE_MARKERS = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")
    QUOTE_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.skip_depth = 0
        self.quote_stack: list[bool] = []
        self.quoted_from_here_on = False

    @property
    def quote_depth(self) -> int:
        return sum(self.quote_stack) + (1 if self.quoted_from_here_on else 0)

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag in self.SKIP:
            self.skip_depth += 1
            return
        if tag in self.BLOCK:
            self._newline()
        if tag in ("div", "blockquote", "span", "section"):
            attributes = {k.lower(): (v or "").lower() for k, v in attrs}
            css_class = attributes.get("class", "")
            element_id = attributes.get("id", "")
            is_quote = tag == "blockquote" or any(m in css_class for m in self.QUOTE_MARKERS)
            if any(element_id.startswith(m) for m in self.QUOTE_IDS):
                # Outlook puts the earlier message after this marker, not inside it.
                self.quoted_from_here_on = True
            self.quote_stack.append(is_quote)

    def handle_startendtag(self, tag, attrs):
        if tag.lower() in ("br", "hr"):
            self._newline()

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if tag in ("div", "blockquote", "span", "section") and self.quote_stack:
            self.quote_stack.pop()
        if tag in self.BLOCK:
            self._newline()

    def handle_data(self, data):
        if self.skip_depth:
            return
        text = re.sub(r"\s+", " ", data)
        if not text.strip() and not self.lines[-1]:
            return
        if not self.lines[-1] and self.quote_depth:
            self.lines[-1] = "> " * self.quote_depth
        self.lines[-1] += text

    def _newline(self):
        if self.lines[-1].strip(" >"):
            self.lines.append("")
        elif self.lines[-1]:
            self.lines[-1] = ""

    def text(self) -> str:
        return "\n".join(line.strip() for line in self.lines)


def html_to_text(html: str) -> str:
    """The visible text of an HTML document, one block per line; never raises."""
    parser = _TextFromHTML()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # pragma: no cover - html.parser is lenient; a last resort
        return re.sub(r"<[^>]*>", " ", html)
    return parser.text()


# --- quoted messages and signatures --------------------------------------------------------

_ON_WROTE = re.compile(
    r"^\s*(on|le|am|el)\b.{0,300}\b(wrote|a écrit|schrieb|escribió)\s*:\s*$", re.I
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(original message|forwarded message|message d'origine|ursprüngliche nachricht)\s*-{0,}\s*$",
    re.I,
)
_BEGIN_FORWARD = re.compile(r"^\s*(begin forwarded message|forwarded message)\s*:?\s*$", re.I)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_HEADER_FROM = re.compile(r"^\s*\*?(from|von|de)\s*:\*?\s+\S", re.I)
_HEADER_OTHER = re.compile(r"^\s*\*?(sent|date|to|cc|subject)\s*:\*?(\s|$)", re.I)
_SIGNATURE_DASHES = re.compile(r"^--\s*$")
_MOBILE = re.compile(
    r"^\s*(sent from (my )?(iphone|ipad|android|samsung|mobile|galaxy|outlook|mail for windows)"
    r"|get outlook for (ios|android)|sent from yahoo mail|sent via )",
    re.I,
)
_SIGN_OFF = re.compile(
    r"^\s*(kind(est)? regards|warm(est)? regards|best regards|regards|many thanks|thanks( again| so much| very much)?"
    r"|thank you( very much| so much)?|best wishes|all the best|with thanks|cheers|yours sincerely"
    r"|yours faithfully|best|take care|speak soon|warm wishes|with best wishes|thanks in advance"
    r"|many thanks in advance)\s*[,.!]*\s*$",
    re.I,
)
_DISCLAIMER = re.compile(
    r"^\s*(disclaimer\b|confidentiality notice|this (e-?mail|message)\b.{0,60}\b(confidential|intended|privileged))",
    re.I,
)
#: Disclaimer wording found anywhere in a line (legal footers seldom start the same way).
_DISCLAIMER_WORDS = re.compile(
    r"\b(?:this|the)\s+(?:information\s+(?:in|contained\s+in)\s+this\s+)?"
    r"(?:e-?mail|message|communication)\b.{0,80}\b(?:confidential|privileged|intended)"
    r"|\bintended\s+recipient|\breceived\s+this\s+(?:e-?mail|message|communication)\s+in\s+error"
    r"|\bviews\s+(?:or|and)\s+opinions\s+(?:expressed|contained)"
    r"|\bconsider\s+the\s+environment\s+before\s+printing",
    re.I,
)
#: A line of only punctuation, such as the row of asterisks above an NHSmail footer.
_RULE_LINE = re.compile(r"^[\W_]*$")
#: Contact details in a signature can make a long line: "Tel ... | Mobile ...".
_CONTACT_LINE = re.compile(r"\s\|\s|\b(?:tel|phone|mobile|mob|fax|www)\b|@|https?://", re.I)


def _is_disclaimer(line: str) -> bool:
    return bool(_DISCLAIMER.match(line) or _DISCLAIMER_WORDS.search(line))


_FORWARD_SUBJECT = re.compile(r"^\s*(fw|fwd|tr|wg)\s*:", re.I)
_REPLY_SUBJECT = re.compile(r"^\s*(re|aw|sv)\s*:", re.I)


def strip_quotes_and_signature(text: str) -> tuple[str, str]:
    """Split text into (what the sender wrote now, what was left out).

    Left out: lines quoted with ">", everything from a reply or forward header onwards
    ("On ... wrote:", "-----Original Message-----", Outlook's From/Sent/To/Subject block,
    "Begin forwarded message:"), and the signature: everything after "-- ", a "Sent from my
    iPhone" line, a disclaimer, or a sign-off line ("Kind regards,") once there is text
    above it and only short lines below it.
    """
    lines = text.split("\n")
    cut = _first_quote_header(lines)
    kept = lines[:cut]
    removed = lines[cut:]

    own: list[str] = []
    for line in kept:
        if line.lstrip().startswith(">"):
            removed.append(line)
        else:
            own.append(line)

    sig = _signature_start(own)
    if sig is not None:
        removed = own[sig:] + removed
        own = own[:sig]
    return _tidy("\n".join(own)), "\n".join(removed).strip()


def _first_quote_header(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _ORIGINAL.match(line) or _BEGIN_FORWARD.match(line):
            return index
        if _UNDERSCORES.match(line) and _outlook_block_follows(lines, index + 1):
            return index
        if _HEADER_FROM.match(line) and _outlook_block_follows(lines, index):
            return index
        if re.match(r"^\s*(on|le|am|el)\b", line, re.I):
            joined = " ".join(part.strip() for part in lines[index : index + 3])
            if _ON_WROTE.match(line) or re.match(
                r"^\s*(on|le|am|el)\b.{0,300}?\b(wrote|a écrit|schrieb|escribió)\s*:", joined, re.I
            ):
                return index
    return len(lines)


def _outlook_block_follows(lines: list[str], start: int) -> bool:
    """A From: line followed closely by Sent:/Date: and To: or Subject: lines."""
    window = [line for line in lines[start : start + 8] if line.strip()]
    if not window or not _HEADER_FROM.match(window[0]):
        return False
    others = {m.group(1).lower() for line in window[1:] if (m := _HEADER_OTHER.match(line))}
    return bool(others & {"sent", "date"}) and bool(others & {"to", "subject"})


def _signature_start(lines: list[str]) -> int | None:
    seen_text = False
    for index, line in enumerate(lines):
        if _SIGNATURE_DASHES.match(line) or _MOBILE.match(line):
            return index
        if _is_disclaimer(line):
            while index > 0 and _RULE_LINE.match(lines[index - 1]):
                index -= 1  # the blank lines and rows of stars above it go too
            return index
        if seen_text and _SIGN_OFF.match(line) and _looks_like_signature(lines[index + 1 :]):
            return index
        if line.strip():
            seen_text = True
    return None


def _looks_like_signature(rest: list[str]) -> bool:
    """Below a sign-off: a name, job title, team, phone number... short lines only, or a
    disclaimer. A full paragraph there means the sign-off was not the end after all."""
    filled = [line.strip() for line in rest if line.strip()]
    for position, line in enumerate(filled):
        if _is_disclaimer(line) or _SIGNATURE_DASHES.match(line) or _MOBILE.match(line):
            return True
        too_long = len(line) > 90 and not (len(line) <= 200 and _CONTACT_LINE.search(line))
        if position >= 12 or too_long:
            return False
    return True


# --- what kind of message it is ------------------------------------------------------------

_AUTO_SUBJECT = re.compile(
    r"^\s*(automatic reply|auto(matic)?[- ]?(reply|response)|out of (the )?office|"
    r"autoreply|abwesenheitsnotiz|réponse automatique)\b",
    re.I,
)
_CALENDAR_SUBJECT = re.compile(
    r"^\s*(accepted|declined|tentative|tentatively accepted|new time proposed)\s*:", re.I
)
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (failed|failure|subsystem)|returned mail|failure notice|delivery failure)",
    re.I,
)
_READ_RECEIPT_SUBJECT = re.compile(r"^\s*(read|not read)\s*:", re.I)
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|bounces?)([+@]|$)", re.I)
_NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply|donotreply|noreply)([+.@-]|$)", re.I)


def _classify(
    msg: Message,
    headers: _Headers,
    sender: str,
    subject: str,
    body: _Body,
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
    msg: Message, headers: _Headers, sender: str, subject: str, body: _Body
) -> NotRequestReason | None:
    """A read receipt, a bounce, or a reply to a calendar invitation."""
    content_type = _content_type(msg)
    report_type = body.report_type or (
        _param(msg, "report-type").lower() if content_type == "multipart/report" else ""
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


def _automatic(headers: _Headers, subject: str) -> NotRequestReason | None:
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


# --- DMARC ---------------------------------------------------------------------------------


def dmarc_passed(
    authentication_results: tuple[str, ...] | list[str], *, authserv_id: str, domain: str
) -> bool:
    """Whether our own mail server (`authserv_id`) recorded a DMARC pass for `domain`.

    Only Authentication-Results headers from exactly that server count (RFC 8601: the server
    removes any a sender forged with its name). Every one of them must say dmarc=pass with
    header.from equal to the sender's domain; one fail, or none at all, means no.
    """
    authserv_id = authserv_id.strip().lower()
    domain = domain.strip().lower()
    if not authserv_id or not domain:
        return False
    verdicts = []
    for header in authentication_results:
        parsed = _parse_authentication_results(header)
        if parsed is None or parsed[0] != authserv_id:
            continue
        for method, result, properties in parsed[1]:
            if method == "dmarc":
                verdicts.append(result == "pass" and properties.get("header.from") == domain)
    return bool(verdicts) and all(verdicts)


def _parse_authentication_results(value: str):
    text = one_line(value, limit=4000)
    for _ in range(5):  # remove (comments), which may nest
        text = re.sub(r"\([^()]*\)", " ", text)
    pieces = [piece.strip() for piece in text.split(";")]
    if not pieces or not pieces[0]:
        return None
    authserv = pieces[0].split()[0].lower()
    results = []
    for piece in pieces[1:]:
        tokens = piece.split()
        if not tokens or "=" not in tokens[0]:
            continue
        method, _, result = tokens[0].partition("=")
        properties = {}
        for token in tokens[1:]:
            key, sep, val = token.partition("=")
            if sep:
                properties[key.lower()] = val.strip('"').lower()
        results.append((method.lower(), result.lower(), properties))
    return authserv, results
