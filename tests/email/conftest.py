"""A real SMTP server on loopback (aiosmtpd) and an app that sends to it.

`smtp` collects every message the server accepted; tests read recipients, headers, parts and
calendar invitations from it. It can refuse chosen addresses, be stopped and started again on
the same port, and hold a message mid-DATA (to catch a sender in the act of sending).
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from booking.extensions import db as _db


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


@pytest.fixture(scope="session")
def _smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.handler.release.set()
    server.stop()


@pytest.fixture
def smtp(_smtp_server):
    """The loopback SMTP server, emptied and running at the start of each test."""
    server = _smtp_server
    server.handler.reset()
    if server.controller is None:
        server.start()
    yield server
    server.handler.release.set()
    if server.controller is None:
        server.start()


MAILBOX = "SignsOfSafety@cumbria.gov.uk"
SENDER = "Signs of Safety training <no-reply@cumbria.gov.uk>"


def _add_test_routes(app):
    """A page that queues mail the way a booking page does (for the after-request tests)."""
    from booking import clock, emails
    from booking.models import Booking
    from booking.services.db import transactional

    @transactional
    def remind(booking_id: int):
        emails.reminder(_db.session.get(Booking, booking_id), now=clock.now(), days_before=7)

    def queue_mail(booking_id: int):
        remind(booking_id)
        return "Queued"

    app.add_url_rule("/test-only/queue-mail/<int:booking_id>", view_func=queue_mail)
    app.add_url_rule("/test-only/nothing", view_func=lambda: "Nothing queued")
    return app


@pytest.fixture(scope="session")
def _mail_app(make_app, _smtp_server):
    app = make_app(
        MAIL_SUPPRESS_SEND=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=_smtp_server.port,
        MAIL_TIMEOUT=2,
        MAIL_DEFAULT_SENDER=SENDER,
        TRAINING_MAILBOX=MAILBOX,
        SITE_URL="https://training.example.org",
    )
    return _add_test_routes(app)


@pytest.fixture
def mail_app(app, _mail_app, smtp):
    """An app that really sends to the loopback server; its context is pushed for the test."""
    _mail_app.config["CLOCK_OVERRIDE"] = None
    _mail_app.config["OUTBOX_SEND_AFTER_REQUEST"] = False
    with _mail_app.app_context():
        yield _mail_app
        _db.session.remove()
