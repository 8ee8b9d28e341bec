"""Mail queued by a request goes straight after the response, and never harms the request."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest

from booking.mail.outbound import composing
from booking.models import BookingStatus

from .helpers import NOW, rows, statuses


@pytest.fixture
def web(mail_app, clock):
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    mail_app.config["OUTBOX_SEND_AFTER_REQUEST"] = True
    return mail_app.test_client()


def _booking(make):
    return make.booking(make.course(), status=BookingStatus.CONFIRMED)


def test_mail_is_sent_right_after_the_request_that_queued_it(web, make, smtp):
    booking = _booking(make)
    response = web.get(f"/test-only/queue-mail/{booking.id}")
    assert response.status_code == 200
    response.close()
    assert len(smtp.to(booking.person.email)) == 1
    assert statuses() == {"sent": 1}


def test_nothing_is_sent_when_the_setting_is_off(web, mail_app, make, smtp):
    mail_app.config["OUTBOX_SEND_AFTER_REQUEST"] = False
    booking = _booking(make)
    web.get(f"/test-only/queue-mail/{booking.id}").close()
    assert not smtp.received
    assert statuses() == {"pending": 1}


def test_a_request_that_queued_nothing_does_not_touch_the_mail_server(web, db, make, smtp):
    """Mail that is due but was not queued by this request is left to the outbox worker."""
    booking = _booking(make)
    composing.reminder(booking, now=NOW, days_before=7)
    db.session.commit()
    response = web.get("/test-only/nothing")
    assert response.status_code == 200
    response.close()
    assert not smtp.received
    assert statuses() == {"pending": 1}


def test_a_mail_server_that_is_down_does_not_break_the_request(web, make, smtp):
    booking = _booking(make)
    smtp.stop()
    response = web.get(f"/test-only/queue-mail/{booking.id}")
    assert response.status_code == 200
    assert response.text == "Queued"
    response.close()
    [row] = rows()
    assert row.status.value == "pending" and row.attempts == 1
    assert row.next_attempt_at == NOW + timedelta(minutes=1)


def test_a_mail_server_that_never_answers_does_not_hang_the_request(web, mail_app, make):
    booking = _booking(make)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts connections but never says hello
    port = mail_app.extensions["mail"].port
    mail_app.extensions["mail"].port = silent.getsockname()[1]
    mail_app.config["MAIL_TIMEOUT"] = 1
    try:
        response = web.get(f"/test-only/queue-mail/{booking.id}")
        response.close()
    finally:
        mail_app.extensions["mail"].port = port
        mail_app.config["MAIL_TIMEOUT"] = 2
        silent.close()
    assert response.status_code == 200
    [row] = rows()
    assert row.status.value == "pending"
    assert row.last_error == "The mail server did not answer in time."


def test_a_booking_made_through_its_emailed_link_is_written_and_sent_right_after(web, make, smtp):
    """The booking's messages are plain INSERTs of rows to compose; the send after the
    response composes and sends them."""
    from booking.services import requests

    course = make.course()
    details = {
        "email": "jo.smith@cumberland.gov.uk",
        "full_name": "Jo Smith",
        "job_title": "Social Worker",
        "team": "Children's Services",
        "organisation": "Cumberland Council",
        "support_needs": "",
        "consent": "y",
    }
    _link, token = requests.request_place(course, details, now=NOW)
    smtp.handler.reset()
    response = web.post(f"/confirm/{token}")
    assert response.status_code == 302
    response.close()
    subjects = sorted(m.message["Subject"].split(":")[0] for m in smtp.to(details["email"]))
    # (The email with the link, written before this request, went in the same pass.)
    subjects = [s for s in subjects if not s.startswith("Confirm your email")]
    assert subjects == ["Calendar invitation", "Calendar invitation", "You have a place"]
