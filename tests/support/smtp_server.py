"""A real SMTP server on loopback (aiosmtpd) that keeps what it accepts.

It can refuse chosen addresses, be stopped and started again on the same port, and hold a
message mid-DATA (to catch a sender in the act of sending). Like real servers, it refuses a
message with a line over 998 octets (RFC 5321 4.5.3.1.6). Tests read recipients, headers,
parts and calendar invitations from what it received.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from icalendar import Calendar

#: The longest line SMTP allows, not counting its CRLF (RFC 5321 4.5.3.1.6).
MAX_LINE_OCTETS = 998


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=policy.default)

    @property
    def message_id(self) -> str:
        return self.message["Message-ID"]

    def part(self, content_type: str):
        return next((p for p in self.message.walk() if p.get_content_type() == content_type), None)

    def text(self) -> str:
        return self.part("text/plain").get_content()

    def html(self) -> str:
        return self.part("text/html").get_content()

    def calendar_parts(self) -> list:
        return [p for p in self.message.walk() if p.get_content_type() == "text/calendar"]

    def invitation(self) -> tuple[str, Calendar]:
        """The one calendar part: (the MIME method parameter, the parsed calendar)."""
        parts = self.calendar_parts()
        assert len(parts) == 1, f"expected one invitation, found {len(parts)}"
        part = parts[0]
        return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))


class Collector:
    """An aiosmtpd handler that keeps what it accepts and can refuse or hold messages."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.hold = threading.Event()  # when set, DATA waits until `release` is set
        self.release = threading.Event()
        self.data_started = threading.Event()

    def reset(self):
        with self.lock:
            self.received.clear()
        self.refuse.clear()
        self.hold.clear()
        self.release.clear()
        self.data_started.clear()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.hold.is_set():
            self.data_started.set()
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, self.release.wait, 30)
            return "421 Service closing"  # the sender is gone: nothing was delivered
        # aiosmtpd allows 999 octets (its limit counts a transparent dot); be exact.
        if any(len(line) > MAX_LINE_OCTETS for line in envelope.original_content.split(b"\r\n")):
            return "500 Line too long (see RFC5321 4.5.3.1.6)"
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.handler = Collector()
        self.controller: Controller | None = None

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]

    def wait_for(self, predicate, timeout: float = 10.0) -> Received:
        """The first message matching `predicate`, waiting up to `timeout` seconds for it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for received in self.received:
                if predicate(received):
                    return received
            time.sleep(0.05)
        subjects = [r.message["Subject"] for r in self.received]
        raise AssertionError(f"no matching email arrived; received subjects: {subjects}")
