"""Fixtures for the security suite: real rows for every URL parameter, signed-in attendees,
coordinators with an authenticator app, and apps with CSRF and rate limits switched on."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyotp
import pytest
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter

from booking.extensions import db as _db
from booking.extensions import limiter
from booking.models import (
    Agency,
    AttendanceMark,
    AuditEvent,
    CompletionSource,
    EmailLink,
    FeedbackResponse,
    InboundMessage,
    InboundOutcome,
    LinkPurpose,
    Mark,
    OutboxMessage,
    Role,
    Room,
    TrainingCompletion,
)

PAYLOAD = "<script>alert('x')</script><b onmouseover=\"x()\">bold & brave</b>"


@dataclass
class Rows:
    """One real row of each kind, so every URL parameter can name something that exists."""

    ids: dict[str, int] = field(default_factory=dict)

    def value_for(self, rule: Rule, name: str):
        converter = rule._converters.get(name)
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        for key, value in self.ids.items():
            if name == key or name == f"{key}_id" or (name == "id" and key == "course"):
                return value
        if converter is not None and type(converter).__name__ == "IntegerConverter":
            return 1
        return "x" * 43  # a token-shaped string

    def url_for_rule(self, rule: Rule) -> str:
        values = {name: self.value_for(rule, name) for name in rule.arguments}
        return rule.build(values, append_unknown=False)[1]


@pytest.fixture
def rows(make, clock):
    """A course with a booking, a mark, a coordinator, messages and an audit row."""
    course = make.course()
    person = make.person(full_name="Row Person")
    booking = make.booking(course, person, support_needs="Needs a hearing loop")
    other = make.coordinator(full_name="Other Coordinator")
    mark = AttendanceMark(booking_id=booking.id, course_day_id=course.days[0].id, mark=Mark.PRESENT)
    inbound = InboundMessage(
        fingerprint="fp-1", sender=person.email, subject="Booking", outcome=InboundOutcome.TRIAGE
    )
    outbox = OutboxMessage(
        kind="test", to_address=person.email, subject="Hello", text_body="x", html_body="x"
    )
    link = EmailLink(
        purpose=LinkPurpose.SIGN_IN,
        token_hash="0" * 64,
        email=person.email,
        expires_at=datetime(2030, 1, 1, tzinfo=UTC),
    )
    event = AuditEvent(actor="system", action="test", object_type="course", object_id=course.id)
    response = FeedbackResponse(
        course_id=course.id, group=person.group, closes_at=datetime(2030, 1, 1, tzinfo=UTC)
    )
    completion = TrainingCompletion(
        person=person,
        course_type_id=course.course_type_id,
        completed_on=course.days[1].date,
        source=CompletionSource.COURSE,
        booking_id=booking.id,
    )
    agency = Agency(name="Partner agency for access checks")
    room = Room(venue_id=course.venue_id, name="Fell Room", capacity=20)
    _db.session.add_all([mark, inbound, outbox, link, event, response, completion, agency, room])
    _db.session.commit()
    ids = {
        "course": course.id,
        "booking": booking.id,
        "person": person.id,
        "user": other.id,
        "coordinator": other.id,
        "account": other.id,
        "venue": course.venue_id,
        "room": room.id,
        "course_type": course.course_type_id,
        "type": course.course_type_id,
        "day": course.days[0].id,
        "course_day": course.days[0].id,
        "mark": mark.id,
        "message": inbound.id,
        "inbound": inbound.id,
        "outbox": outbox.id,
        "link": link.id,
        "event": event.id,
        "response": response.id,
        "completion": completion.id,
        "agency": agency.id,
    }
    return Rows(ids=ids)


@pytest.fixture
def sign_in_attendee():
    """Put an attendee's signed-in session on a test client (as following a link would)."""

    def sign_in(the_client, person):
        with the_client.session_transaction() as sess:
            sess.clear()
            sess["attendee"] = {"id": person.id, "v": person.session_version}
        return the_client

    return sign_in


@pytest.fixture
def totp_coordinator(make, clock):
    """A coordinator who has set up their authenticator app; `.totp` makes codes."""

    def build(role=Role.COORDINATOR, **fields):
        secret = pyotp.random_base32()
        user = make.coordinator(
            role=role, totp_secret=secret, totp_confirmed_at=clock.now, **fields
        )
        user.totp = pyotp.TOTP(secret)
        return user

    return build


@pytest.fixture(scope="session")
def csrf_app(make_app):
    """The app with CSRF protection on, as in real use."""
    return make_app(WTF_CSRF_ENABLED=True)


@pytest.fixture
def csrf_client(app, csrf_app):
    return csrf_app.test_client()


@pytest.fixture
def limited_app(make_app, app):
    """Build an app with rate limits on. Flask-Limiter keeps one state for the whole process,
    so it is put back afterwards and the rest of the suite stays unlimited."""
    saved = dict(vars(limiter))
    saved_options = dict(limiter._storage_options)
    built = []

    def build(**overrides):
        limiter._storage_options.clear()
        the_app = make_app(RATELIMIT_ENABLED=True, **overrides)
        built.append(the_app)
        return the_app

    yield build
    if limiter._storage is not None and limiter._storage.check():  # not a Redis that is down
        limiter.reset()
    vars(limiter).clear()
    vars(limiter).update(saved)
    limiter._storage_options.clear()
    limiter._storage_options.update(saved_options)


@pytest.fixture
def redis_prefix():
    """A key prefix of our own, so this run never touches anyone else's keys in Redis."""
    return f"sos-test-{uuid.uuid4().hex[:12]}"
