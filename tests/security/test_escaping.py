"""Script and HTML typed into any text field come back escaped, on pages and in emails.

Each entry in TYPED_FIELDS sends the payload through one real form and returns the pages
where it comes back. To cover a new form, add an entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from booking.models import OutboxMessage, Role
from booking.services import privacy

from .. import factories
from .conftest import PAYLOAD

ESCAPED = "&lt;script&gt;"


@dataclass
class World:
    attendee: object  # a test client signed in as `person`
    coordinator: object  # a test client signed in as an administrator
    person: object
    booking: object


@dataclass
class TypedField:
    name: str
    send: Callable[[World, str], list]  # returns the responses to look at
    shown_back: bool = True  #: False for fields never shown again (passwords)


def _attendee_sign_in_email(w, text):
    return [w.attendee.post("/sign-in", data={"email": text})]


def _coordinator_sign_in_email(w, text):
    anon = w.attendee.application.test_client()
    return [anon.post("/coordinator/sign-in", data={"email": text, "password": "x" * 12})]


def _new_account_name(w, text):
    created = w.coordinator.post(
        "/coordinator/accounts/new",
        data={"full_name": text, "email": "someone.new@cumbria.gov.uk", "role": "coordinator"},
    )
    return [created, w.coordinator.get("/coordinator/accounts")]


def _support_needs(w, text):
    w.attendee.post(f"/my-bookings/{w.booking.id}/support-needs", data={"support_needs": text})
    return [w.coordinator.get(f"/coordinator/privacy/people/{w.person.id}")]


def _erase_reason(w, text):
    someone = factories.person()  # no live booking, so they can be erased
    w.coordinator.post(f"/coordinator/privacy/people/{someone.id}/erase", data={"reason": text})
    return [w.coordinator.get("/coordinator/audit")]


def _audit_filters(w, text):
    return [
        w.coordinator.get(
            "/coordinator/audit", query_string={"action": text, "actor": text, "object_type": text}
        )
    ]


def _find_person(w, text):
    return [w.coordinator.post("/coordinator/privacy", data={"email": text})]


def _code(w, text):
    user = factories.coordinator(password="a long enough password", totp_secret="A" * 32)
    user.totp_confirmed_at = user.created_at
    factories.db.session.commit()
    anon = w.attendee.application.test_client()
    anon.post(
        "/coordinator/sign-in", data={"email": user.email, "password": "a long enough password"}
    )
    return [anon.post("/coordinator/sign-in/code", data={"code": text})]


def _password_change(w, text):
    return [
        w.coordinator.post(
            "/coordinator/account/password",
            data={"current_password": text, "new_password": text},
        )
    ]


TYPED_FIELDS = [
    TypedField("attendee sign-in: email address", _attendee_sign_in_email),
    TypedField("coordinator sign-in: email address", _coordinator_sign_in_email),
    TypedField("new coordinator: full name", _new_account_name),
    TypedField("my bookings: support needs", _support_needs),
    TypedField("erase: reason", _erase_reason),
    TypedField("audit trail: filters", _audit_filters),
    TypedField("privacy: find a person", _find_person),
    TypedField("coordinator sign-in: code", _code),
    TypedField("change password", _password_change, shown_back=False),
]


@pytest.fixture
def world(app, make, clock, sign_in_attendee, sign_in_coordinator):
    person = make.person(full_name=PAYLOAD)
    booking = make.booking(make.course(), person)
    attendee = sign_in_attendee(app.test_client(), person)
    admin = make.coordinator(role=Role.ADMINISTRATOR)
    coordinator = sign_in_coordinator(admin, app.test_client())
    return World(attendee=attendee, coordinator=coordinator, person=person, booking=booking)


@pytest.mark.parametrize("field", TYPED_FIELDS, ids=lambda f: f.name)
def test_what_people_type_comes_back_escaped(world, field):
    responses = field.send(world, PAYLOAD)
    assert responses
    for response in responses:
        assert response.status_code < 500
        html = response.get_data(as_text=True)
        assert "<script>alert" not in html
        assert "<b onmouseover" not in html
    if field.shown_back:
        assert any(ESCAPED in r.get_data(as_text=True) for r in responses), field.name
    for message in OutboxMessage.query.all():
        assert "<script>alert" not in message.html_body
        assert PAYLOAD not in message.subject


def test_a_persons_details_are_escaped_on_every_page_that_shows_them(world):
    for url in ("/my-bookings", f"/coordinator/privacy/people/{world.person.id}"):
        client = world.attendee if url.startswith("/my") else world.coordinator
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html


def test_support_needs_never_reach_the_logs_or_an_email_subject(
    app, world, make, clock, caplog, runner
):
    secret = "Diabetic, needs insulin breaks"
    caplog.set_level(logging.DEBUG)
    app.logger.setLevel(logging.DEBUG)
    world.attendee.post(
        f"/my-bookings/{world.booking.id}/support-needs", data={"support_needs": secret}
    )
    world.coordinator.get(f"/coordinator/privacy/people/{world.person.id}")
    world.coordinator.get(f"/coordinator/privacy/people/{world.person.id}/export.json")
    world.attendee.post("/sign-in", data={"email": world.person.email})
    world.coordinator.get("/coordinator/audit")
    clock.advance(days=120)
    runner.invoke(args=["privacy", "purge"])
    privacy.purge(
        now=clock.now, support_needs_days=0, staff_years=6, partner_years=6, message_text_days=30
    )
    logged = "\n".join(f"{r.getMessage()} {r.args} {r.exc_text or ''}" for r in caplog.records)
    assert "insulin" not in logged
    for message in OutboxMessage.query.all():
        assert "insulin" not in message.subject
