"""A booking by email from end to end, as far as this branch goes: the message arrives
through the mail server's pipe, the reply with a one-time link is queued, the link opens
the request, and a second delivery of the same message changes nothing.

LEAD: once the booking flow (confirm page, outbox sender) is merged, extend
`test_following_the_emailed_link_confirms_the_place` to press the button, check the
booking and the confirmation with its invite in the outbox, and send it through the test
SMTP server.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.models import Booking, EmailLink, InboundMessage, InboundOutcome, LinkPurpose

from .conftest import link_from, message_bytes, outbox_rows


def _deliver(runner, name: str):
    result = runner.invoke(args=["mailbox", "ingest"], input=message_bytes(name))
    assert result.exit_code == 0, result.output
    return result


def test_an_emailed_request_gets_a_reply_whose_link_opens_that_request(runner, courses, clock):
    _deliver(runner, "base64_windows1252.eml")

    [reply] = outbox_rows()
    assert reply.to_address == "alex.turner@nhs.net"
    assert reply.text_body.startswith("Hello Alex Turner,")
    assert "Tuesday 14 April 2026" in reply.text_body
    assert "Barrow" in reply.text_body
    url, link = link_from(reply)
    assert url in reply.html_body
    assert link.purpose == LinkPurpose.CONFIRM_BOOKING
    assert link.course_id == courses["barrow_april"].id
    assert link.details == {
        "full_name": "Alex Turner",
        "email": "alex.turner@nhs.net",
        "support_needs": "I’d like a place on 14/04/2026 – I’m coeliac, so a gluten-free lunch please.",
        "source": "email",
        "inbound_message_id": db.session.scalars(select(InboundMessage.id)).one(),
    }
    assert "coeliac" not in reply.subject


def test_the_same_message_delivered_twice_gets_one_reply_and_one_link(runner, courses, clock):
    _deliver(runner, "base64_windows1252.eml")
    second = _deliver(runner, "base64_windows1252.eml")

    assert "Already handled" in second.output
    assert db.session.scalar(select(func.count(EmailLink.id))) == 1
    assert len(outbox_rows()) == 1
    assert db.session.scalar(select(func.count(Booking.id))) == 0


def test_following_the_emailed_link_confirms_the_place(client, runner, courses, clock):
    _deliver(runner, "base64_windows1252.eml")
    url, _link = link_from(outbox_rows()[0])

    page = client.get(urlsplit(url).path)

    if page.status_code == 404:
        pytest.skip("the confirm-link page arrives with the booking flow (bookings branch)")
    assert page.status_code == 200
    assert "<form" in page.get_data(as_text=True)


def test_a_cancellation_by_email_sends_a_link_and_changes_nothing_yet(runner, courses, clock, make):
    chris = make.person(email="chris.moss@cumberland.gov.uk")
    booking = make.booking(courses["kendal_march"], chris)

    _deliver(runner, "outlook_reply_cancel.eml")

    message = db.session.scalars(select(InboundMessage)).one()
    assert message.outcome == InboundOutcome.CANCEL_LINK_SENT
    _url, link = link_from(outbox_rows()[0])
    assert (link.purpose, link.booking_id) == (LinkPurpose.CANCEL_BY_EMAIL, booking.id)
    db.session.refresh(booking)
    assert booking.status.value == "confirmed"
