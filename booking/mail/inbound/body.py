"""The body of one message: the MIME tree walked with the standard library, the first text
part a person reads kept, attachments left out, calendar replies and delivery reports
noted. Which addresses a bounce says failed is read by flufl.bounce."""

from __future__ import annotations

import re
from email import errors, message_from_string, policy
from email.message import Message
from email.parser import HeaderParser
from typing import cast

from flufl.bounce import all_failures

from .headers import normalise_message_id
from .html import html_to_text
from .text import decode_bytes, tidy

#: Longest text kept from one part; anything a person writes to book a place is far shorter.
MAX_TEXT_CHARS = 200_000


def _own_parts(msg: Message):
    """The message and its parts, like Message.walk(), but not inside an attached email
    (message/rfc822): its text, bounce report or calendar reply is not the sender's."""
    yield msg
    if msg.is_multipart() and msg.get_content_type() != "message/rfc822":
        for part in cast("list[Message]", msg.get_payload()):  # a multipart's payload is a list
            yield from _own_parts(part)


class Body:
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
        #: From a delivery report: the returned message's ids.
        self.returned_ids: list[str] = []

    def read(self, msg: Message) -> Body:
        """Read every part of `msg` (returns itself, read)."""
        for part in list(_own_parts(msg))[:200]:
            # Any defect the parser noted, but in a header or base64 (noted as it is decoded).
            if any(not isinstance(d, errors.HeaderDefect) and not _base64(d) for d in part.defects):
                self.problems.append(DAMAGED)
            try:
                self._part(part, is_top=part is msg)
            except Exception:
                self.problems.append("One part of the message could not be read and was skipped.")
        return self

    def _part(self, part: Message, *, is_top: bool) -> None:
        content_type = part.get_content_type()
        if content_type == "multipart/report":
            self.report_type = str(part.get_param("report-type", "")).lower()
        if self._noted(part, content_type) or part.is_multipart():
            return
        if (
            part.get_content_disposition() == "attachment"
            or part.get_filename()
            or (not is_top and part.get_content_maintype() not in ("text", "multipart", "message"))
        ):
            self.attachments += 1
        elif content_type.startswith("multipart/"):
            self._damaged(part)
        elif content_type == "text/plain" and self.plain is None:
            self.plain = self._decode(part)
        elif content_type == "text/html" and self.html is None:
            self.html = html_to_text(self._decode(part))

    def _noted(self, part: Message, content_type: str) -> bool:
        """Note a calendar reply, a delivery report or a returned or forwarded message; True
        when `part` was one of those (never the sender's own text)."""
        if content_type in ("text/calendar", "application/ics"):
            said = re.search(r"^METHOD:\s*REPLY\s*$", self._decode(part), re.I | re.M)
            self.calendar_reply |= str(part.get_param("method", "")).upper() == "REPLY" or bool(
                said
            )
        elif content_type == "text/rfc822-headers":
            returned = HeaderParser(policy=policy.default).parsestr(self._decode(part))
            self.returned_ids.append(normalise_message_id(str(returned.get("message-id", ""))))
        elif content_type == "message/rfc822":
            self.saw_forward = True  # a forward as an attachment: its text is not the sender's
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                self.returned_ids.append(normalise_message_id(str(inner[0].get("message-id", ""))))
        else:  # a delivery report's status is read by flufl.bounce (bounced_addresses)
            return content_type == "message/delivery-status"
        return True

    def _damaged(self, part: Message) -> None:
        """A multipart without its boundary (the parser left the body as text): read again,
        split at the first line that looks like a boundary."""
        self.problems.append(DAMAGED)
        text = self._decode(part)
        boundary = re.search(r"^--([^\s]{6,})\s*$", text, re.M)
        again = boundary and message_from_string(
            _MULTIPART.format(boundary[1]) + text, policy=policy.default
        )
        if again and again.is_multipart():
            self.read(again)
        elif self.plain is None:
            self.plain = text

    def _decode(self, part: Message) -> str:
        """The text of a part that is not multipart (its payload is bytes once decoded)."""
        payload = cast("bytes", part.get_payload(decode=True))
        if any(_base64(d) for d in part.defects):
            self.problems.append("Part of the message was damaged, so not all of it could be read.")
        charset = (part.get_content_charset() or "").strip('"')
        return decode_bytes(payload, charset, self.problems)[:MAX_TEXT_CHARS]

    def text(self) -> str:
        text = self.plain if self.plain is not None and self.plain.strip() else self.html
        return tidy(text or "")


DAMAGED = "The message's structure was damaged; we read what we could."
_MULTIPART = 'Content-Type: multipart/mixed; boundary="{}"\n\n'


def _base64(defect: errors.MessageDefect) -> bool:
    return "Base64" in type(defect).__name__


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
    addresses = (
        (a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a)).strip("<>").lower()
        for a in permanent
    )
    return tuple(sorted(a for a in addresses if "@" in a and len(a) <= 320))[:20]
