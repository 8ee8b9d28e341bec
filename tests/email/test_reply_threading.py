"""Replies to messages that came to the training mailbox thread with them in the sender's
mail program: In-Reply-To and References from the incoming message, and "Re: " + its subject.
Read back from the loopback SMTP server."""

from __future__ import annotations

from booking.extensions import db
from booking.models import InboundMessage
from booking.services.mailbox import MailboxConfig, ingest
from booking.services.mailbox_triage import reply_with_calendar

from .helpers import NOW, send_all

SENDER = "jo.bloggs@nhs.net"
QUESTION = "Hello,\r\n\r\nCan I have a copy of my certificate from last year?\r\n\r\nJo\r\n"


def _message(*headers: str, body: str = QUESTION) -> bytes:
    lines = [
        f"From: Jo Bloggs <{SENDER}>",
        "To: SignsOfSafety@cumbria.gov.uk",
        "Date: Mon, 5 Jan 2026 08:00:00 +0000",
        "Content-Type: text/plain; charset=utf-8",
        *headers,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def _reply_to(raw: bytes, smtp, app):
    ingest(raw, now=NOW, config=MailboxConfig.from_mapping(app.config))
    send_all()
    [reply] = smtp.to(SENDER)
    return reply.message


def test_a_reply_names_the_message_it_answers_and_its_thread(mail_app, smtp):
    raw = _message(
        "Subject: My certificate",
        "Message-ID: <CAF=Abc.123@Mail.Example.ORG>",
        "In-Reply-To: <second@nhs.net>",
        "References: <first@cumbria.gov.uk>\r\n <second@nhs.net>",
    )

    reply = _reply_to(raw, smtp, mail_app)

    assert reply["Subject"] == "Re: My certificate"
    assert reply["In-Reply-To"] == "<CAF=Abc.123@Mail.Example.ORG>"  # exactly, case and all
    assert reply["References"].split() == [
        "<first@cumbria.gov.uk>",
        "<second@nhs.net>",
        "<CAF=Abc.123@Mail.Example.ORG>",
    ]


def test_a_first_message_with_only_in_reply_to_starts_the_references_from_it(mail_app, smtp):
    raw = _message(
        "Subject: Question", "Message-ID: <new@nhs.net>", "In-Reply-To: <earlier@nhs.net>"
    )

    reply = _reply_to(raw, smtp, mail_app)

    assert reply["References"].split() == ["<earlier@nhs.net>", "<new@nhs.net>"]


def test_re_is_not_doubled(mail_app, smtp):
    raw = _message("Subject: RE: My certificate", "Message-ID: <again@nhs.net>")
    assert _reply_to(raw, smtp, mail_app)["Subject"] == "RE: My certificate"


def test_a_message_without_an_id_or_a_subject_gets_a_plain_reply(mail_app, smtp):
    reply = _reply_to(_message(), smtp, mail_app)

    assert reply["In-Reply-To"] is None and reply["References"] is None
    assert reply["Subject"] == "We have your message"


def test_nothing_in_the_incoming_headers_can_add_a_header_or_a_recipient(mail_app, smtp):
    raw = _message(
        "Subject: =?utf-8?q?Help=0D=0ABcc:_victim@example.org=0D=0A=0D=0Abody?=",
        "Message-ID: <ok@nhs.net>",
        "In-Reply-To: =?utf-8?q?<x@y>=0D=0ABcc:_victim@example.org?=",
        'References: <good@nhs.net> <bad id@nhs.net> nonsense <a@b>"<c@d>" <no-at-sign>',
    )

    ingest(raw, now=NOW, config=MailboxConfig.from_mapping(mail_app.config))
    send_all()

    [received] = smtp.received
    assert received.rcpt_tos == [SENDER]
    reply = received.message
    assert reply["Bcc"] is None
    assert reply["Subject"] == "Re: Help Bcc: victim@example.org body"
    assert reply["In-Reply-To"] == "<ok@nhs.net>"
    assert reply["References"].split() == ["<good@nhs.net>", "<a@b>", "<c@d>", "<ok@nhs.net>"]
    headers = received.raw.split(b"\r\n\r\n")[0].split(b"\r\n")
    assert [line for line in headers if b"victim" in line] == [
        b"Subject: Re: Help Bcc: victim@example.org body"
    ]


def test_a_long_thread_keeps_its_first_and_latest_messages(mail_app, smtp):
    ids = [f"<message-{n}-{'x' * 200}@nhs.net>" for n in range(60)]
    raw = _message(
        "Subject: Long thread", "Message-ID: <latest@nhs.net>", "References: " + "\r\n ".join(ids)
    )

    reply = _reply_to(raw, smtp, mail_app)

    references = reply["References"].split()
    assert len(references) == 20
    assert references[0] == ids[0]
    assert references[1:] == [*ids[-18:], "<latest@nhs.net>"]


def test_a_coordinators_reply_with_the_calendar_threads_too(mail_app, make, smtp):
    raw = _message("Subject: Dates?", "Message-ID: <dates@nhs.net>", "References: <a@b.org>")
    ingest(raw, now=NOW, config=MailboxConfig.from_mapping(mail_app.config))
    send_all()
    smtp.handler.reset()
    message = db.session.query(InboundMessage).one()

    reply_with_calendar(
        message, calendar_url="https://x.example/courses", actor=make.coordinator(), now=NOW
    )
    send_all()

    [reply] = smtp.to(SENDER)
    assert reply.message["Subject"] == "Re: Dates?"
    assert reply.message["In-Reply-To"] == "<dates@nhs.net>"
    assert reply.message["References"].split() == ["<a@b.org>", "<dates@nhs.net>"]
