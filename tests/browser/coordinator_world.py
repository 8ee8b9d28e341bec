"""A full coordinators' area to look at in a browser: the demo programme (courses past and
to come, bookings, waitlists, registers taken, an audit trail) plus an email in the mailbox,
an email not sent, and a signed-in administrator. Shared by the page layout tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pyotp
from sqlalchemy import select

from booking.cli.demo import load_demo
from booking.models import (
    Booking,
    BookingStatus,
    Course,
    CourseStatus,
    InboundMessage,
    InboundOutcome,
    OutboxMessage,
    OutboxStatus,
    Role,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
EMAIL = "morgan.hale@cumbria.gov.uk"
PASSWORD = "a long and memorable passphrase"
SECRET = pyotp.random_base32()


@dataclass
class World:
    course: Course  # upcoming, with a waitlist
    past: Course  # registers taken
    booking: Booking
    message_id: int
    user_id: int


def build(live_app, make, db) -> World:
    """Load the demo through the services, and add what the demo has not got."""
    live_app.config["CLOCK_OVERRIDE"] = NOW
    load_demo(now=NOW, council_domains=live_app.config["COUNCIL_EMAIL_DOMAINS"])
    user = administrator(make)
    courses = db.session.scalars(select(Course).where(Course.status == CourseStatus.PUBLISHED))
    past = min(courses, key=lambda c: c.first_day.date)
    waiting = db.session.scalars(
        select(Booking).where(Booking.status == BookingStatus.WAITLISTED)
    ).first()
    course = waiting.course
    booking = db.session.scalars(
        select(Booking).where(
            Booking.course_id == course.id, Booking.status == BookingStatus.CONFIRMED
        )
    ).first()
    message = InboundMessage(
        fingerprint="layout-test",
        sender="a.very.long.address.for.a.partner.agency.worker@northcumbria.nhs.net",
        subject="Can I move my place on the Signs of Safety course to the March dates please?",
        body_text="Hello,\nhttps://training.example.org/b/" + "x" * 80 + "\nThanks",
        outcome=InboundOutcome.TRIAGE,
        received_at=NOW,
    )
    failed = OutboxMessage(
        kind="place_confirmed",
        to_address="someone.with.a.long.address@westmorlandandfurness.gov.uk",
        subject="Your place on Signs of Safety Two Day Introductory Training is confirmed",
        text_body="",
        html_body="",
        status=OutboxStatus.FAILED,
        last_error="Connection refused by the mail server at smtp.example.org:587 " * 2,
    )
    db.session.add_all([message, failed])
    db.session.commit()
    return World(course, past, booking, message.id, user.id)


def administrator(make):
    """The administrator `sign_in` signs in (their authenticator app is set up)."""
    return make.coordinator(
        EMAIL,
        PASSWORD,
        full_name="Morgan Hale",
        role=Role.ADMINISTRATOR,
        totp_secret=SECRET,
        totp_confirmed_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
    )


def coordinator_pages(world: World) -> list[str]:
    """Every page in the coordinators' area a person reads (not downloads)."""
    course, past, booking = world.course, world.past, world.booking
    person = booking.person_id
    day = past.days[0].id
    return [
        "/coordinator",
        "/coordinator/courses",
        "/coordinator/courses?show=past",
        "/coordinator/courses/new",
        f"/coordinator/courses/{course.id}",
        f"/coordinator/courses/{course.id}/edit",
        f"/coordinator/courses/{course.id}/duplicate",
        f"/coordinator/courses/{course.id}/cancel",
        f"/coordinator/courses/{course.id}/bookings",
        f"/coordinator/bookings/{booking.id}",
        "/coordinator/venues",
        "/coordinator/venues/new",
        f"/coordinator/venues/{course.venue_id}/edit",
        f"/coordinator/venues/{course.venue_id}/rooms",
        f"/coordinator/venues/{course.venue_id}/rooms/new",
        "/coordinator/registers",
        f"/coordinator/registers/days/{day}",
        f"/coordinator/registers/days/{day}/history",
        f"/coordinator/registers/days/{day}/sign-in-sheet",
        f"/coordinator/registers/days/{day}/walk-in",
        f"/coordinator/registers/bookings/{booking.id}/support-needs",
        "/coordinator/reports",
        "/coordinator/reports/attendance",
        "/coordinator/reports/completions",
        "/coordinator/reports/no-shows",
        "/coordinator/reports/waiting",
        "/coordinator/reports/people",
        f"/coordinator/reports/people/{person}",
        f"/coordinator/reports/people/{person}/completed-elsewhere",
        "/coordinator/reports/import",
        "/coordinator/mailbox",
        f"/coordinator/mailbox/{world.message_id}",
        "/coordinator/outbox",
        "/coordinator/status",
        "/coordinator/privacy",
        f"/coordinator/privacy/people/{person}",
        f"/coordinator/privacy/people/{person}/erase",
        "/coordinator/audit",
        "/coordinator/accounts",
        "/coordinator/accounts/new",
        f"/coordinator/accounts/{world.user_id}/council-sign-in",
        f"/coordinator/accounts/{world.user_id}/reset-app",
        "/coordinator/account",
        "/coordinator/account/password",
    ]


def sign_in(page, base_url: str) -> None:
    """Sign the world's administrator in: password, then the authenticator app's code."""
    page.goto(f"{base_url}/coordinator/sign-in")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill(pyotp.TOTP(SECRET).at(NOW))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base_url}/coordinator")
