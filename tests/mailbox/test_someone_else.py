"""A message asking for a place for someone else goes to the coordinators, whose page says
whose place the button books and can send the named person their own link instead."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from booking.extensions import db
from booking.mail.inbound.understanding import named_people, understand
from booking.models import Booking, EmailLink, InboundOutcome, Person
from booking.services.mailbox import ingest

from .conftest import link_from, message_bytes, outbox_rows

MANAGER_ASKS = (
    b"From: Jo Bloggs <jo.bloggs@cumberland.gov.uk>\r\nTo: SignsOfSafety@cumbria.gov.uk\r\n"
    b"Subject: Training for my new starter\r\nMessage-ID: <starter-1@x>\r\n\r\n"
    b"Hi, please book my new starter Tom Newman (tom.newman@cumberland.gov.uk) onto the "
    b"10 March course.\r\n"
)


def test_addresses_and_names_of_other_people_are_found():
    text = "Please book Tom Newman (tom.newman@cumberland.gov.uk), and copy me: jo@x.org."
    assert named_people(text, exclude=["jo@x.org"]) == [
        ("Tom Newman", "tom.newman@cumberland.gov.uk")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Please book my new starter onto the 10 March course.",
        "Could you book a place for my colleague on 10 March?",
        "I am writing on behalf of Sam, who would like 10 March.",
        "Please book her onto 10 March.",
    ],
)
def test_asking_for_someone_else_is_noticed(text):
    assert understand(
        text, courses=[], now=__import__("datetime").date(2026, 1, 5)
    ).for_someone_else


def test_asking_for_yourself_is_not_for_someone_else():
    from datetime import date

    assert not understand(
        "Please book me on 10 March.", courses=[], now=date(2026, 1, 5)
    ).for_someone_else


def test_a_manager_asking_for_their_new_starter_gets_no_link_that_books_themselves(
    courses, config, clock
):
    message = ingest(MANAGER_ASKS, now=clock(), config=config).message

    assert message.outcome == InboundOutcome.TRIAGE
    assert db.session.scalar(select(func.count(EmailLink.id))) == 0
    assert [r.kind for r in outbox_rows()] == ["mailbox_acknowledgement"]
    assert message.understanding["named_people"] == [
        {"name": "Tom Newman", "email": "tom.newman@cumberland.gov.uk"}
    ]


def test_the_page_says_whose_place_the_button_books(coordinator_client, courses, config, clock):
    message = ingest(MANAGER_ASKS, now=clock(), config=config).message
    page = coordinator_client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert "Whose place?" in page
    assert "Jo Bloggs (jo.bloggs@cumberland.gov.uk), who sent this message" in page
    assert "Tom Newman (tom.newman@cumberland.gov.uk), named in the message" in page


def test_without_anyone_else_named_the_page_names_the_sender(
    coordinator_client, courses, config, clock
):
    raw = MANAGER_ASKS.replace(
        b"Hi, please book my new starter Tom Newman (tom.newman@cumberland.gov.uk) onto the "
        b"10 March course.",
        b"Is there parking at Kendal?",
    )
    message = ingest(raw, now=clock(), config=config).message
    page = coordinator_client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert "This books a place for Jo Bloggs (jo.bloggs@cumberland.gov.uk)" in page


def test_a_coordinator_sends_the_named_person_their_own_link(
    client, coordinator_client, courses, config, clock
):
    message = ingest(MANAGER_ASKS, now=clock(), config=config).message
    course = courses["carlisle_march"]

    response = coordinator_client.post(
        f"/coordinator/mailbox/{message.id}/book",
        data={"course_id": course.id, "person": "tom.newman@cumberland.gov.uk"},
    )

    assert response.status_code == 302
    db.session.rollback()
    assert db.session.scalar(select(func.count(Booking.id))) == 0  # nothing booked yet
    reply = outbox_rows()[-1]
    assert reply.to_address == "tom.newman@cumberland.gov.uk"
    assert "Tom Newman" not in reply.subject
    url, link = link_from(reply)
    assert (link.email, link.course_id) == ("tom.newman@cumberland.gov.uk", course.id)
    db.session.refresh(message)
    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT

    client.post(urlsplit(url).path)  # Tom confirms with his own link
    db.session.rollback()
    booking = db.session.scalars(select(Booking)).one()
    assert booking.person.email == "tom.newman@cumberland.gov.uk"
    assert booking.person.full_name == "Tom Newman"
    assert db.session.scalars(select(Person.email)).all() == ["tom.newman@cumberland.gov.uk"]


def test_a_forwarded_request_lets_the_coordinator_book_the_person_forwarded(
    coordinator_client, courses, config, clock
):
    message = ingest(message_bytes("forward.eml"), now=clock(), config=config).message
    page = coordinator_client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert "Taylor Grey (taylor.grey@cumberland.gov.uk), named in the message" in page

    coordinator_client.post(
        f"/coordinator/mailbox/{message.id}/book",
        data={"course_id": courses["kendal_march"].id, "person": "taylor.grey@cumberland.gov.uk"},
    )
    assert outbox_rows()[-1].to_address == "taylor.grey@cumberland.gov.uk"


def test_only_the_people_shown_can_be_chosen(coordinator_client, courses, config, clock):
    message = ingest(MANAGER_ASKS, now=clock(), config=config).message
    response = coordinator_client.post(
        f"/coordinator/mailbox/{message.id}/book",
        data={"course_id": courses["carlisle_march"].id, "person": "someone@example.org"},
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(EmailLink.id))) == 0


@pytest.mark.parametrize(
    ("text", "manager"),
    [
        ("Please book me on 10 March. My line manager is Sam.Smith@cumberland.gov.uk.", "sam"),
        ("Please book me on 10 March.\nManager: sam.smith@cumberland.gov.uk", "sam"),
        ("Book me on 10 March; my manager's email is <sam.smith@cumberland.gov.uk>", "sam"),
        ("Line manager - sam.smith@cumberland.gov.uk. Please book me on 10 March.", "sam"),
        ("Please book me on 10 March, and copy sam.smith@cumberland.gov.uk.", ""),
    ],
)
def test_the_senders_line_manager_is_read_and_is_not_someone_else(text, manager):
    from datetime import date

    read = understand(text, courses=[], now=date(2026, 1, 5))
    expected = "sam.smith@cumberland.gov.uk" if manager else ""
    assert read.line_manager_email == expected
    assert not read.for_someone_else


def test_booking_ones_manager_is_still_for_someone_else():
    from datetime import date

    read = understand(
        "Please book my manager on 10 March: sam.smith@cumberland.gov.uk",
        courses=[],
        now=date(2026, 1, 5),
    )
    assert read.for_someone_else
