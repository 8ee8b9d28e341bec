"""The body of one message: the MIME tree walked with the standard library, the first text
part a person reads kept, attachments left out, calendar replies and delivery reports
noted. Which addresses a bounce says failed is read by flufl.bounce."""

from __future__ import annotations

import re
from email import errors, message_from_bytes, message_from_string, policy
from email.message import EmailMessage, Message
from typing import cast

from flufl.bounce import all_failures

from .html import html_to_text
from .text import decode_bytes, tidy

#: Longest text kept from one part; anything a person writes to book a place is far shorter.
MAX_TEXT_CHARS = 200_000


def _own_parts(msg: EmailMessage):
    """The message and its parts, like Message.walk(), but not inside an attached email
    (message/rfc822): its text, bounce report or calendar reply is not the sender's."""
    yield msg
    if msg.get_content_type() != "message/rfc822":
        for part in msg.iter_parts():
            yield from _own_parts(cast("EmailMessage", part))


class Body:
    """Walks the MIME tree: keeps the first text part people read, skips attachments, and
    notes any calendar reply, delivery report or attached email it passes."""

    def __init__(self, msg: Message, problems: list[str]):
        self.problems = problems
        #: The first text/plain and text/html parts, decoded.
        self.texts: dict[str, str] = {}
        self.attachments = 0
        self.calendar_reply = False
        self.report_type = ""
        self.saw_forward = False
        #: The Message-IDs of a returned or attached email, as written.
        self.returned_ids: list[str] = []
        self._read(cast("EmailMessage", msg))

    def _read(self, msg: EmailMessage) -> None:
        for part in list(_own_parts(msg))[:200]:
            try:
                self._part(part)
            except Exception:
                self.problems.append("One part of the message could not be read and was skipped.")
            # Any defect the parser noted, or found decoding base64, but in a header.
            if any(not isinstance(d, errors.HeaderDefect) for d in part.defects):
                self.problems.append("The message's structure was damaged; we read what we could.")

    def _part(self, part: EmailMessage) -> None:
        content_type = part.get_content_type()
        if content_type == "multipart/report":
            self.report_type = str(part.get_param("report-type", "")).lower()
        if content_type in ("text/calendar", "application/ics"):
            said = re.search(r"^METHOD:\s*REPLY\s*$", self._decode(part), re.I | re.M)
            method = str(part.get_param("method", "")).upper()
            self.calendar_reply |= bool(said) or method == "REPLY"
        elif content_type == "text/rfc822-headers":
            returned = message_from_string(self._decode(part), policy=policy.default)
            self.returned_ids.append(str(returned.get("message-id", "")))
        elif content_type == "message/rfc822":
            self.saw_forward = True  # a forward as an attachment: its text is not the sender's
            self.returned_ids += [str(inner.get("message-id", "")) for inner in part.iter_parts()]
        elif part.is_multipart():
            return
        elif part.is_attachment() or part.get_filename() or not content_type.startswith(_READ):
            self.attachments += 1
        elif content_type.startswith("multipart/"):  # its boundary is wrong: read it again
            self._read(_parsed_again(part))
        elif content_type in ("text/plain", "text/html") and content_type not in self.texts:
            self.texts[content_type] = self._decode(part)

    def _decode(self, part: EmailMessage) -> str:
        """The text of a part that is not multipart (its payload is bytes once decoded)."""
        payload = cast("bytes", part.get_payload(decode=True))
        charset = (part.get_content_charset() or "").strip('"')
        return decode_bytes(payload, charset, self.problems)[:MAX_TEXT_CHARS]

    def text(self) -> str:
        """The plain text if it says anything, else the text of the HTML."""
        plain = self.texts.get("text/plain", "")
        return tidy(plain if plain.strip() else html_to_text(self.texts.get("text/html", "")))


#: The parts that may hold the text a person wrote; a part of any other type is an
#: attachment (so is a whole message of one: a bare PDF counts as one attachment).
_READ = ("text/", "multipart/", "message/")


def _parsed_again(part: EmailMessage) -> EmailMessage:
    """A multipart whose boundary is wrong, parsed again at the first line that looks like
    a boundary (as plain text when no line does)."""
    payload = cast("bytes", part.get_payload(decode=True))
    boundary = re.search(rb"^--(\S{6,})\s*$", payload, re.M)
    content_type = b'multipart/mixed; boundary="%s"' % boundary[1] if boundary else b"text/plain"
    return message_from_bytes(
        b"Content-Type: %s\n\n%s" % (content_type, payload), policy=policy.default
    )


def bounced_addresses(msg: Message) -> tuple[str, ...]:
    """The addresses a bounce says could not be reached for good (at most 20).

    flufl.bounce knows the delivery report of RFC 3464 and the plain-text shapes of the
    common mail servers (Exim, qmail, Postfix, Exchange and more); temporary failures
    ("delayed") are not counted.
    """
    try:
        _temporary, permanent = all_failures(msg)
    except Exception:  # noqa: BLE001 - a bounce it cannot read names no address
        return ()
    addresses = (a.decode("utf-8", "replace").strip("<>").lower() for a in permanent)
    return tuple(sorted(a for a in addresses if "@" in a and len(a) <= 320))[:20]
