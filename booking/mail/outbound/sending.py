"""The SMTP side of the outbox: Flask-Mail with timeouts, one connection per batch.

`send_due_now()` is what the command line, the worker loop and the after-request hook
call: it reads the settings, builds the transport and runs one pass of
`services.outbox.send_due`.

Each outbox row becomes one message: From MAIL_DEFAULT_SENDER, envelope sender (MAIL FROM)
MAIL_ENVELOPE_SENDER or else the training mailbox, Reply-To the training mailbox, plain text and HTML as alternatives, and a calendar invitation (if any) as a third
alternative `text/calendar; method=...; charset=UTF-8`, which is where Outlook and Google
look for it. The Message-ID is derived from the row, so a message sent again after a
sender died mid-send can be recognised as the same message by the receiving server.

Text and HTML go as quoted-printable, so every message is 7-bit and no line is over 76
characters, however long a list or a name is: mail servers refuse lines over 998 octets
(RFC 5321 4.5.3.1.6), and Flask-Mail alone sends UTF-8 text as 8bit, each line as long as
the template made it.
"""

from __future__ import annotations

import base64
import email.charset
import email.policy
import logging
import os
import smtplib
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.encoders import encode_base64
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Any

import flask_mail
from flask import Flask, current_app

from ... import clock
from ...services import outbox
from ...services.outbox import (
    ConnectionFailure,
    Outgoing,
    PermanentFailure,
    RetryPolicy,
    SendSummary,
    TemporaryFailure,
)

log = logging.getLogger(__name__)

SMTP_COMPAT = email.policy.compat32.clone(linesep="\r\n")

#: UTF-8 text encoded as quoted-printable (Flask-Mail registers UTF-8 bodies as 8bit).
UTF8_QUOTED_PRINTABLE = email.charset.Charset("utf-8")
UTF8_QUOTED_PRINTABLE.body_encoding = email.charset.QP

#: The longest line SMTP allows, not counting its CRLF (RFC 5321 4.5.3.1.6).
MAX_LINE_OCTETS = 998

#: Stops out-of-office and other automatic replies coming back to the training mailbox.
AUTOMATIC_HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def worker_name() -> str:
    """Who is sending: host, process and a random part, so every sender is told apart."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def retry_policy(app: Flask) -> RetryPolicy:
    """The retry rules from the settings."""
    return RetryPolicy(
        max_attempts=app.config["OUTBOX_MAX_ATTEMPTS"],
        first_delay=timedelta(seconds=app.config["OUTBOX_FIRST_RETRY_SECONDS"]),
        max_delay=timedelta(seconds=app.config["OUTBOX_MAX_RETRY_SECONDS"]),
        stale_after=timedelta(seconds=app.config["OUTBOX_STALE_SECONDS"]),
    )


def send_due_now(
    *, now: datetime | None = None, limit: int = 100, worker_id: str | None = None
) -> SendSummary:
    """One pass of the sender for the current app, through its SMTP settings."""
    # current_app is a proxy, which Flask's types present as the app itself.
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.extensions["mail"].suppress:
        # MAIL_SUPPRESS_SEND: mail stays in the outbox (development and most tests).
        return SendSummary()
    return outbox.send_due(
        now=now or clock.now(),
        worker_id=worker_id or worker_name(),
        transport=SmtpTransport(app),
        limit=limit,
        policy=retry_policy(app),
    )


class OutboxMailMessage(flask_mail.Message):
    """A Flask-Mail message that puts calendar invitations among the alternatives, and whose
    bytes are 7-bit with no line over 998 octets."""

    def __init__(self, *args, calendars: list[tuple[str, bytes]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.calendars = calendars or []

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        # The standard library takes a Charset here too; its type stubs say only str.
        charset: Any = UTF8_QUOTED_PRINTABLE
        return MIMEText(text or "", _subtype=subtype, _charset=charset)

    def as_bytes(self) -> bytes:
        data = super().as_bytes()
        # Bodies cannot have long lines now; this catches a header that somehow does, with
        # a reason a coordinator can act on instead of the server's "Line too long".
        if any(len(line) > MAX_LINE_OCTETS for line in data.split(b"\r\n")):
            raise PermanentFailure("The message has a line longer than mail servers accept.")
        return data

    def _message(self):
        message = super()._message()
        if self.calendars:
            alternative = next(
                part
                for part in message.get_payload()
                if isinstance(part, Message) and part.get_content_type() == "multipart/alternative"
            )
            for method, data in self.calendars:
                part = MIMEBase("text", "calendar", method=method, charset="UTF-8")
                part.set_payload(data)
                encode_base64(part)
                alternative.attach(part)
        # Flask-Mail picks the modern SMTP policy, whose header refolding triples the cost of
        # every message; the classic policy with CRLF line ends gives the same wire format.
        message.policy = SMTP_COMPAT
        return message


def build_message(row: Outgoing, *, sender: str, domain: str) -> OutboxMailMessage:
    """Turn one claimed outbox row into a Flask-Mail message."""
    calendars = []
    attachments = []
    for item in row.attachments or []:
        data = base64.b64decode(item["data"])
        content_type = item["content_type"]
        # A calendar file someone may add (a line manager's copy) is a plain attachment;
        # any other calendar is an invitation, shown among the alternatives.
        if content_type.lower().startswith("text/calendar") and not item.get("as_file"):
            calendars.append((_method_of(content_type), data))
        else:
            attachments.append(flask_mail.Attachment(item.get("filename"), content_type, data))
    headers = dict(AUTOMATIC_HEADERS)
    if row.in_reply_to:
        # A reply to a message at the mailbox: checked ids only (see replies.mailbox_reply).
        headers["In-Reply-To"] = row.in_reply_to
        headers["References"] = row.reference_ids or row.in_reply_to
    message = OutboxMailMessage(
        subject=row.subject,
        recipients=[row.to_address],
        body=row.text_body,
        html=row.html_body,
        sender=sender,
        reply_to=row.reply_to or None,
        attachments=attachments,
        extra_headers=headers,
        calendars=calendars,
    )
    message.msgId = f"<{outbox.outbox_message_id(row, domain=domain)}>"
    return message


def _method_of(content_type: str) -> str:
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "method":
            return value.strip().strip('"').upper()
    return "REQUEST"


class TimeoutConnection(flask_mail.Connection):
    """Flask-Mail's connection, with a timeout on every socket operation (0.10 has none)."""

    def __init__(self, mail, timeout: float):
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self):
        mail = self.mail
        host: smtplib.SMTP
        if mail.use_ssl:
            host = smtplib.SMTP_SSL(mail.server, mail.port, timeout=self.timeout)
        else:
            host = smtplib.SMTP(mail.server, mail.port, timeout=self.timeout)
        host.set_debuglevel(int(mail.debug))
        if mail.use_tls:
            host.starttls()
        if mail.username and mail.password:
            host.login(mail.username, mail.password)
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is not None:
            try:
                self.host.quit()
            except (smtplib.SMTPException, OSError):
                self.host.close()  # everything sent was already accepted; just let go


class SmtpTransport:
    """Sends outbox rows through Flask-Mail's settings (MAIL_*), honouring MAIL_SUPPRESS_SEND."""

    def __init__(self, app: Flask):
        self.app = app
        self.mail = app.extensions["mail"]
        self.timeout = float(app.config.get("MAIL_TIMEOUT") or 10)
        self.sender = app.config["MAIL_DEFAULT_SENDER"]
        address = parseaddr(app.config.get("TRAINING_MAILBOX") or self.sender)[1]
        self.domain = address.rsplit("@", 1)[-1] or "localhost"
        #: SMTP MAIL FROM: where bounces go. The training mailbox by default, so they come
        #: back through `flask mailbox` and are matched to the message and the person.
        self.envelope_sender = (
            parseaddr(app.config.get("MAIL_ENVELOPE_SENDER") or "")[1] or address or None
        )

    @contextmanager
    def connect(self) -> Iterator[SmtpConnection]:
        connection = TimeoutConnection(self.mail, self.timeout)
        try:
            connection.__enter__()
        except (smtplib.SMTPException, OSError) as exc:
            raise ConnectionFailure(_connection_reason(exc)) from exc
        try:
            yield SmtpConnection(connection, self)
        finally:
            connection.__exit__(None, None, None)


class SmtpConnection:
    def __init__(self, connection: TimeoutConnection, transport: SmtpTransport):
        self.connection = connection
        self.transport = transport

    def send(self, row: Outgoing) -> None:
        message = build_message(row, sender=self.transport.sender, domain=self.transport.domain)
        try:
            self.connection.send(message, envelope_from=self.transport.envelope_sender)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            reason = f"The mail server refused the address (code {', '.join(map(str, codes))})."
            if codes and min(codes) >= 500:
                raise PermanentFailure(reason) from exc
            raise TemporaryFailure(reason) from exc
        except smtplib.SMTPDataError as exc:
            reason = f"The mail server refused the message (code {exc.smtp_code})."
            if exc.smtp_code >= 500:
                raise PermanentFailure(reason) from exc
            raise TemporaryFailure(reason) from exc
        except flask_mail.BadHeaderError as exc:
            raise PermanentFailure("The message has a line break in a header.") from exc
        except OSError as exc:
            # Every other smtplib error is an OSError too (the sender refused, a dropped
            # connection, an unexpected reply): stop this batch and try it all later.
            raise ConnectionFailure(_connection_reason(exc)) from exc


def _connection_reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # smtplib turns a read timeout into "disconnected"; the cause says what happened.
        return "The mail server did not answer in time."
    if isinstance(exc, ConnectionRefusedError):
        return "The mail server refused the connection."
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "The mail server closed the connection."
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"The mail server refused our sending address (code {exc.smtp_code})."
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The mail server said no (code {exc.smtp_code})."
    return f"Could not reach the mail server ({type(exc).__name__})."


def send_after_response(app: Flask) -> None:
    """Best-effort send once a response has gone; never raises (the worker is the safety net)."""
    try:
        with app.app_context():
            summary = send_due_now(limit=app.config.get("OUTBOX_AFTER_REQUEST_LIMIT", 20))
            if summary.retrying or summary.failed:
                log.warning(
                    "Sending mail after a request: %s. The outbox worker will try again.", summary
                )
    except Exception as exc:  # noqa: BLE001 - must never break or hang the request
        log.warning("Sending mail after a request failed (%s).", type(exc).__name__)
