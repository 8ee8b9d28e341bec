"""Rule 25 by email: a council worker who emails the training mailbox for a training that
needs their line manager's approval gets no place without it. With no manager's address the
sender is told to book on the website, whose form asks for one; with one ("my line manager
is ...") the request waits for the manager, who gets the approval email, exactly as from
the website. Partners, and trainings without approval, book as before."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.models import Booking, BookingStatus, EmailLink, Group, InboundOutcome
from booking.services.mailbox import ingest

from .conftest import link_from, message_bytes, outbox_rows

MANAGER = "sam.smith@cumberland.gov.uk"


def _request(sender: str, text: str, *, message_id: str) -> bytes:
    """A request for the 10 March course from `sender`, with a DMARC pass from our server."""
    domain = sender.rsplit("@", 1)[1]
    return (
        f"Authentication-Results: mx.cumbria.gov.uk; dmarc=pass header.from={domain}\r\n"
        f"From: Jo Bloggs <{sender}>\r\nTo: SignsOfSafety@cumbria.gov.uk\r\n"
        f"Subject: Training place\r\nMessage-ID: <{message_id}@x>\r\n\r\n"
        f"Hello, please could I book a place on the training on 10 March? {text}\r\n\r\n"
        "Thanks, Jo\r\n"
    ).encode()


@pytest.fixture
def approval(courses):
    """The 10 March course's training needs a line manager's approval."""
    courses["carlisle_march"].course_type.manager_approval_required = True
    db.session.commit()
    return courses["carlisle_march"]


@pytest.fixture
def trusted(config):
    return replace(config, trusted_authserv_id="mx.cumbria.gov.uk")


def _bookings() -> int:
    return db.session.scalar(select(func.count(Booking.id))) or 0


@pytest.mark.parametrize("dmarc", [True, False], ids=["booked-at-once", "link-by-email"])
def test_without_a_managers_address_the_sender_is_sent_to_the_form_and_nothing_is_made(
    approval, config, trusted, clock, dmarc
):
    raw = message_bytes("outlook_request.eml")  # Jo at Cumberland Council, with support needs
    message = ingest(raw, now=clock(), config=trusted if dmarc else config).message

    assert message.outcome == InboundOutcome.TRIAGE and message.booking_id is None
    assert message.course_id == approval.id
    assert _bookings() == 0  # no place and no wait
    assert db.session.scalar(select(func.count(EmailLink.id))) == 0  # no confirm link either
    assert any("line manager's approval" in a for a in message.understanding["actions"])
    [reply] = outbox_rows()
    assert reply.kind == "mailbox_manager_approval_needed"
    assert reply.to_address.lower() == "jo.bloggs@cumberland.gov.uk"
    assert reply.subject.startswith("Re: ")
    text = " ".join(reply.text_body.split())
    assert "Your line manager needs to approve this training" in text
    assert f"http://localhost/courses/{approval.id}/book" in text
    assert f"http://localhost/courses/{approval.id}/book" in reply.html_body
    for private in ("wheelchair", "step-free", "Wheelchair"):
        assert private not in reply.text_body and private not in reply.html_body


def test_with_a_managers_address_the_request_waits_and_the_manager_is_emailed(
    approval, trusted, clock, mail_app, smtp
):
    from booking.mail.outbound.sending import send_due_now

    mail_app.config["CLOCK_OVERRIDE"] = clock()
    raw = _request(
        "jo.bloggs@cumberland.gov.uk", f"My line manager is {MANAGER}.", message_id="lm-1"
    )
    message = ingest(raw, now=clock(), config=trusted).message

    assert message.outcome == InboundOutcome.BOOKED
    booking = db.session.get(Booking, message.booking_id)
    assert booking.status == BookingStatus.AWAITING_APPROVAL  # no place is held
    assert booking.person.line_manager_email == MANAGER
    assert any("line manager to approve" in a for a in message.understanding["actions"])

    send_due_now(now=clock())
    [ask] = smtp.to(MANAGER)
    assert re.search(r"/manager/approve/\S+", ask.text())
    assert smtp.to("jo.bloggs@cumberland.gov.uk")  # told who was asked


def test_a_manager_given_in_an_email_replaces_the_one_on_record(approval, trusted, clock, make):
    make.person(email="jo.bloggs@cumberland.gov.uk", line_manager_email="old.boss@x.gov.uk")
    raw = _request("jo.bloggs@cumberland.gov.uk", f"Manager: {MANAGER}", message_id="lm-2")

    message = ingest(raw, now=clock(), config=trusted).message

    booking = db.session.get(Booking, message.booking_id)
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    assert booking.person.line_manager_email == MANAGER


def test_the_emailed_link_with_a_managers_address_asks_the_manager(approval, config, clock, client):
    raw = _request(
        "jo.bloggs@cumberland.gov.uk", f"My line manager is {MANAGER}", message_id="lm-3"
    )
    message = ingest(raw, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT
    url, link = link_from(outbox_rows()[0])
    assert link.details["line_manager_email"] == MANAGER

    assert client.post(urlsplit(url).path).status_code in (200, 302)
    db.session.rollback()
    booking = db.session.scalars(select(Booking)).one()
    assert booking.status == BookingStatus.AWAITING_APPROVAL
    kinds = [r.kind for r in outbox_rows() if r.to_address == MANAGER]
    assert kinds == ["manager_approval"]


def test_a_partner_on_that_training_books_as_before(approval, trusted, clock, make):
    make.person(Group.PARTNER, email="alex.turner@nhs.net", organisation="NHS North Cumbria")
    raw = _request("alex.turner@nhs.net", "Thank you.", message_id="lm-4")

    message = ingest(raw, now=clock(), config=trusted).message

    assert message.outcome == InboundOutcome.BOOKED
    assert db.session.get(Booking, message.booking_id).status == BookingStatus.CONFIRMED
    assert not [r for r in outbox_rows() if r.kind == "mailbox_manager_approval_needed"]


def test_staff_on_a_training_without_approval_book_as_before(courses, trusted, clock):
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=trusted).message

    assert message.outcome == InboundOutcome.BOOKED
    assert db.session.get(Booking, message.booking_id).status == BookingStatus.CONFIRMED
