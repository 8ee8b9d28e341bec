"""A booking by email from end to end: the message arrives through the mail server's pipe,
the reply with a one-time link goes out through a real SMTP server, the link's button
books the place, the confirmation and invitations are sent, and a second delivery of the
same message changes nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

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


def test_following_the_emailed_link_books_the_place_and_sends_the_confirmation(
    client, runner, courses, clock, mail_app, smtp
):
    from booking.mail.outbound.sending import send_due_now
    from booking.models import BookingStatus

    mail_app.config["CLOCK_OVERRIDE"] = clock()  # the sending app shares the test's clock
    _deliver(runner, "base64_windows1252.eml")
    send_due_now(now=clock())
    [reply] = smtp.to("alex.turner@nhs.net")
    url = next(word for word in reply.text().split() if "/confirm/" in word)

    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    assert "<form" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Booking.id))) == 0  # opening the link holds nothing

    # Alex is from a partner agency and the email did not say which: the page asks.
    assert 'name="organisation"' in page.get_data(as_text=True)
    confirmed = client.post(urlsplit(url).path, data={"organisation": "NHS North Cumbria"})
    assert confirmed.status_code in (200, 302), confirmed.get_data(as_text=True)
    db.session.rollback()  # end this test's read snapshot so the page's commit is visible
    booking = db.session.scalars(select(Booking)).one()
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.course_id == courses["barrow_april"].id
    assert "coeliac" in booking.support_needs

    send_due_now(now=clock())
    to_alex = smtp.to("alex.turner@nhs.net")
    subjects = [r.message["Subject"] for r in to_alex]
    assert any("You have a place" in subject for subject in subjects), subjects
    methods = [r.invitation()[0] for r in to_alex if r.calendar_parts()]
    assert methods == ["REQUEST", "REQUEST"]  # one invitation per course day


def test_the_same_message_twice_then_the_link_twice_books_once(client, runner, courses, clock):
    _deliver(runner, "base64_windows1252.eml")
    _deliver(runner, "base64_windows1252.eml")
    url, _link = link_from(outbox_rows()[0])
    client.post(urlsplit(url).path, data={"organisation": "NHS North Cumbria"})
    client.post(urlsplit(url).path, data={"organisation": "NHS North Cumbria"})
    assert db.session.scalar(select(func.count(Booking.id))) == 1


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
