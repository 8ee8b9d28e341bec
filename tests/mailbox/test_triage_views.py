"""The coordinators' triage list for mailbox messages."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEvent, Booking, InboundOutcome
from booking.services.mailbox import ingest

from .conftest import message_bytes, outbox_rows


@pytest.fixture
def waiting(courses, config, clock):
    """A message that needs a coordinator: asks to book the Kendal course (two match)."""
    raw = (
        b"From: Robin Hart <robin.hart@cumberland.gov.uk>\r\nSubject: Training\r\n"
        b"Message-ID: <triage-1@x>\r\n\r\nCould I book the Kendal course please? "
        b"I am deaf and will need an interpreter.\r\n"
    )
    return ingest(raw, now=clock(), config=config).message


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/coordinator/mailbox"),
        ("get", "/coordinator/mailbox/{id}"),
        ("post", "/coordinator/mailbox/{id}/book"),
        ("post", "/coordinator/mailbox/{id}/reply-with-calendar"),
        ("post", "/coordinator/mailbox/{id}/close"),
    ],
)
def test_every_mailbox_page_needs_a_coordinator(app, client, waiting, method, path):
    response = getattr(client, method)(path.format(id=waiting.id))
    assert response.status_code == 302
    with app.test_request_context():
        sign_in = url_for("auth.coordinator_sign_in")
    assert response.headers["Location"].startswith(sign_in)
    assert [r.kind for r in outbox_rows()] == ["mailbox_acknowledgement"]


def test_the_list_shows_messages_waiting_and_not_handled_ones(
    coordinator_client, waiting, config, clock
):
    ingest(message_bytes("out_of_office.eml"), now=clock(), config=config)
    page = coordinator_client.get("/coordinator/mailbox").get_data(as_text=True)
    assert "robin.hart@cumberland.gov.uk" in page
    assert "pat.lee@cumberland.gov.uk" not in page


def test_a_message_shows_its_text_guesses_and_support_needs(coordinator_client, waiting):
    page = coordinator_client.get(f"/coordinator/mailbox/{waiting.id}").get_data(as_text=True)
    assert "Could I book the Kendal course please?" in page
    assert "2 courses matched the message." in page
    assert "Asking for a place" in page
    assert "Support needs mentioned" in page
    assert "I am deaf and will need an interpreter." in page
    assert "2 March 2026 and 3 March 2026, Kendal" in page


def test_an_unknown_message_is_not_found(coordinator_client):
    assert coordinator_client.get("/coordinator/mailbox/999999").status_code == 404


def test_a_coordinator_books_the_sender_onto_a_chosen_course(coordinator_client, waiting, courses):
    course = courses["kendal_october"]
    response = coordinator_client.post(
        f"/coordinator/mailbox/{waiting.id}/book", data={"course_id": course.id}
    )
    assert response.status_code == 302
    db.session.refresh(waiting)
    # A coordinator chose the course, so the sender is booked at once through the booking rules.
    assert waiting.outcome == InboundOutcome.BOOKED
    assert waiting.course_id == course.id
    assert db.session.get(Booking, waiting.booking_id).status.value == "confirmed"
    assert "mailbox.booked_from_message" in db.session.scalars(select(AuditEvent.action)).all()


def test_booking_needs_a_course_chosen(coordinator_client, waiting):
    response = coordinator_client.post(f"/coordinator/mailbox/{waiting.id}/book", data={})
    assert response.status_code == 400
    assert "Choose a course" in response.get_data(as_text=True)


def test_a_coordinator_replies_with_the_calendar_link(coordinator_client, waiting):
    response = coordinator_client.post(f"/coordinator/mailbox/{waiting.id}/reply-with-calendar")
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert waiting.outcome == InboundOutcome.CLOSED
    reply = outbox_rows()[-1]
    assert reply.kind == "mailbox_calendar_link"
    assert "http://localhost/courses" in reply.text_body
    assert reply.to_address == "robin.hart@cumberland.gov.uk"


def test_a_coordinator_closes_a_message_with_a_note(coordinator_client, coordinator, waiting):
    response = coordinator_client.post(
        f"/coordinator/mailbox/{waiting.id}/close", data={"note": "Phoned and booked."}
    )
    assert response.status_code == 302
    db.session.refresh(waiting)
    assert waiting.outcome == InboundOutcome.CLOSED
    assert waiting.closed_note == "Phoned and booked."
    assert waiting.closed_by_id == coordinator.id
    assert "robin.hart" not in coordinator_client.get("/coordinator/mailbox").get_data(as_text=True)


def test_closing_needs_a_note(coordinator_client, waiting):
    response = coordinator_client.post(
        f"/coordinator/mailbox/{waiting.id}/close", data={"note": "  "}
    )
    assert response.status_code == 400
    assert "Write a note" in response.get_data(as_text=True)


def test_a_message_already_dealt_with_cannot_be_acted_on_again(coordinator_client, waiting):
    coordinator_client.post(f"/coordinator/mailbox/{waiting.id}/close", data={"note": "Done."})
    response = coordinator_client.post(f"/coordinator/mailbox/{waiting.id}/reply-with-calendar")
    assert response.status_code == 302
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Someone has already dealt with this message." in page
    assert [r.kind for r in outbox_rows()] == ["mailbox_acknowledgement"]


def test_a_message_too_large_to_read_is_listed_and_can_be_closed(coordinator_client, config, clock):
    message = ingest(message_bytes("oversized.eml"), now=clock(), config=config).message
    assert "My certificates" in coordinator_client.get("/coordinator/mailbox").get_data(
        as_text=True
    )
    page = coordinator_client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert "larger than the 20 kilobytes we read" in page
    assert "The message had no text we could read." in page
    response = coordinator_client.post(
        f"/coordinator/mailbox/{message.id}/close", data={"note": "Phoned."}
    )
    assert response.status_code == 302


def test_with_csrf_protection_on_every_form_carries_a_token(app, coordinator_client, waiting):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        page = coordinator_client.get(f"/coordinator/mailbox/{waiting.id}").get_data(as_text=True)
        refused = coordinator_client.post(
            f"/coordinator/mailbox/{waiting.id}/close", data={"note": "x"}
        )
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert page.count('name="csrf_token"') == page.count("<form") >= 3
    assert refused.status_code == 400
    db.session.refresh(waiting)
    assert waiting.outcome == InboundOutcome.TRIAGE
