"""Bounces come back to the training mailbox (the envelope sender) and are matched to the
message and the person, so coordinators can see an address that does not work."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from booking.extensions import db
from booking.models import InboundOutcome, OutboxMessage, OutboxStatus
from booking.services.mailbox import ingest
from booking.services.outbox import outbox_message_id

from .conftest import outbox_rows


def _dsn(failed: str, returned_message_id: str, *, message_id: str = "dsn-1@mx") -> bytes:
    """A delivery status notification in the usual shape: multipart/report with a human
    part, message/delivery-status and the returned message's headers."""
    return f"""Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.cumbria.gov.uk>
To: SignsOfSafety@cumbria.gov.uk
Subject: Undelivered Mail Returned to Sender
Date: Mon, 5 Jan 2026 09:06:00 +0000
Message-ID: <{message_id}>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R1"

--R1
Content-Type: text/plain; charset=us-ascii

This is the mail system. Your message could not be delivered.

--R1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.cumbria.gov.uk

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 User unknown

--R1
Content-Type: text/rfc822-headers

From: Signs of Safety training <no-reply@cumbria.gov.uk>
To: {failed}
Subject: Reminder
Message-ID: <{returned_message_id}>

--R1--
""".replace("\n", "\r\n").encode()


@pytest.fixture
def booked(make):
    course = make.course(date(2026, 3, 2))
    person = make.person(email="gone.away@nhs.net", full_name="Gone Away")
    return make.booking(course, person)


def _reminder_to(booking, clock) -> OutboxMessage:
    from booking.mail.outbound import composing

    row = composing.reminder(booking, now=clock(), days_before=7)
    db.session.commit()
    return row


def _send_one(mail_app, clock):
    from booking.mail.outbound import composing
    from booking.mail.outbound.sending import send_due_now

    composing.sign_in_link(
        "someone@nhs.net", "http://localhost/x", now=clock(), lifetime=timedelta(minutes=15)
    )
    db.session.commit()
    send_due_now(now=clock())


def test_mail_goes_out_with_the_training_mailbox_as_envelope_sender(mail_app, smtp, clock):
    _send_one(mail_app, clock)

    [received] = smtp.to("someone@nhs.net")
    assert received.mail_from == "SignsOfSafety@cumbria.gov.uk"
    assert received.message["From"] == "Signs of Safety training <no-reply@cumbria.gov.uk>"


def test_the_envelope_sender_is_a_setting(mail_app, smtp, clock):
    mail_app.config["MAIL_ENVELOPE_SENDER"] = "bounces@cumbria.gov.uk"
    try:
        _send_one(mail_app, clock)
    finally:
        mail_app.config["MAIL_ENVELOPE_SENDER"] = ""
    assert smtp.to("someone@nhs.net")[0].mail_from == "bounces@cumbria.gov.uk"


def test_a_bounce_is_matched_to_the_message_and_the_person(booked, config, clock):
    row = _reminder_to(booked, clock)
    clock.advance(hours=1)

    message = ingest(
        _dsn("gone.away@nhs.net", outbox_message_id(row, domain="cumbria.gov.uk")),
        now=clock(),
        config=config,
    ).message

    assert message.outcome == InboundOutcome.IGNORED
    assert message.acknowledged_at is None
    db.session.refresh(row)
    db.session.refresh(booked.person)
    assert row.bounced_at == clock()
    assert booked.person.email_bounced_at == clock()
    assert any("could not be delivered" in a for a in message.understanding["actions"])
    assert len(outbox_rows()) == 1  # the reminder only: a bounce is never answered


def test_a_bounce_without_the_returned_message_is_matched_by_the_address(booked, config, clock):
    row = _reminder_to(booked, clock)
    row.status = OutboxStatus.SENT
    db.session.commit()

    ingest(_dsn("gone.away@nhs.net", "not-ours@elsewhere"), now=clock(), config=config)

    db.session.refresh(booked.person)
    assert booked.person.email_bounced_at == clock()


def test_a_bounce_for_an_address_we_never_wrote_to_marks_nobody(booked, make, config, clock):
    other = make.person(email="never.written@nhs.net")
    message = ingest(_dsn("never.written@nhs.net", "x@y"), now=clock(), config=config).message
    db.session.refresh(other)
    assert other.email_bounced_at is None
    assert message.outcome == InboundOutcome.IGNORED


def test_coordinators_see_the_bounce_on_the_person_and_the_course_pages(
    coordinator_client, booked, config, clock
):
    row = _reminder_to(booked, clock)
    ingest(
        _dsn("gone.away@nhs.net", outbox_message_id(row, domain="cumbria.gov.uk")),
        now=clock(),
        config=config,
    )

    person_page = coordinator_client.get(f"/coordinator/bookings/{booked.id}").get_data(
        as_text=True
    )
    people_page = coordinator_client.get(
        f"/coordinator/courses/{booked.course_id}/bookings"
    ).get_data(as_text=True)

    words = "Email to this address bounced (could not be delivered) on Monday 5 January 2026"
    assert words in person_page
    assert "Email bounced on 5 January 2026" in people_page
