"""The coordinators' page of emails that could not be sent, with a button to send again."""

from __future__ import annotations

from booking.extensions import db
from booking.mail.outbound import composing
from booking.models import OutboxMessage, OutboxStatus

from .helpers import NOW, rows


def _failed_message(make, **fields):
    booking = make.booking(make.course())
    message = composing.reminder(booking, now=NOW, days_before=7)
    message.status = OutboxStatus.FAILED
    message.attempts = 10
    message.last_error = "The mail server refused the address (code 550)."
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.commit()
    return message


def test_the_page_needs_a_coordinator(client, make):
    message = _failed_message(make)
    assert client.get("/coordinator/outbox").status_code == 302
    response = client.post(f"/coordinator/outbox/{message.id}/retry")
    assert response.status_code == 302
    assert "/coordinator/sign-in" in response.headers["Location"]
    assert rows()[0].status == OutboxStatus.FAILED


def test_failed_messages_are_listed_with_the_reason(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    message = _failed_message(make)
    page = client.get("/coordinator/outbox")
    assert page.status_code == 200
    html = page.text
    assert "Emails that could not be sent" in html
    assert message.to_address in html
    assert "refused the address (code 550)" in html
    assert "Send again" in html


def test_an_empty_list_says_there_is_nothing_to_do(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    assert "Every email has been sent" in client.get("/coordinator/outbox").text


def test_send_again_puts_the_message_back_in_the_queue(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    message = _failed_message(make)
    response = client.post(f"/coordinator/outbox/{message.id}/retry", follow_redirects=True)
    assert response.status_code == 200
    assert "will be sent again" in response.text
    [row] = rows()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0


def test_send_again_on_a_message_already_sent_says_so(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    message = _failed_message(make, status=OutboxStatus.SENT)
    response = client.post(f"/coordinator/outbox/{message.id}/retry", follow_redirects=True)
    assert response.status_code == 200
    assert "not waiting to be sent again" in response.text
    assert rows()[0].status == OutboxStatus.SENT


def test_an_unknown_message_is_not_found(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    assert client.post("/coordinator/outbox/999999/retry").status_code == 404
    assert db.session.query(OutboxMessage).count() == 0
