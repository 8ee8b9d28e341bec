"""Time limits live in booking/time_limits.py, and pages and emails say the value the rules
keep to: change a limit there and the words follow."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from booking import time_limits
from booking.models import BookingStatus, OutboxMessage

from .test_booking_journey import FORM, confirm_path, manage_path, text


@pytest.mark.parametrize(
    ("limit", "words"),
    [
        (timedelta(minutes=15), "15 minutes"),
        (timedelta(minutes=90), "90 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=24), "24 hours"),
        (timedelta(hours=48), "48 hours"),
        (timedelta(days=3), "3 days"),
        (timedelta(days=14), "14 days"),
    ],
)
def test_a_time_limit_in_words(limit, words):
    assert time_limits.in_words(limit) == words


def test_working_days_in_words():
    assert [time_limits.working_days_in_words(n) for n in (1, 2)] == [
        "1 working day",
        "2 working days",
    ]


def test_the_waitlist_page_says_how_long_an_offer_lasts(client, app, make, clock, monkeypatch):
    monkeypatch.setattr(time_limits, "OFFER_LIFETIME", timedelta(hours=36))
    course = make.course(total_places=1, partner_places=0)
    make.booking(course)
    waiting = make.booking(course, status=BookingStatus.WAITLISTED)
    page = text(client.get(manage_path(app, waiting)))
    assert "You will then have up to 36 hours to say yes." in page


def test_the_confirm_link_pages_say_how_long_the_link_works(client, db, make, clock, monkeypatch):
    monkeypatch.setattr(time_limits, "CONFIRM_LINK_LIFETIME", timedelta(hours=12))
    course = make.course()
    response = client.post(f"/courses/{course.id}/book", data=FORM)
    assert "The link works for 12 hours." in text(client.get(response.headers["Location"]))
    path = confirm_path(db)
    clock.advance(days=2)
    assert "Links to confirm a booking work for 12 hours." in text(client.get(path))


def test_the_sign_in_pages_and_email_say_how_long_the_link_works_and_it_does(
    client, make, clock, monkeypatch
):
    monkeypatch.setattr(time_limits, "SIGN_IN_LINK_LIFETIME", timedelta(minutes=30))
    make.person(email="ann@cumberland.gov.uk")
    response = client.post("/sign-in", data={"email": "ann@cumberland.gov.uk"})
    assert "The link works once, for 30 minutes." in text(client.get(response.headers["Location"]))
    message = OutboxMessage.query.one()
    assert "for 30 minutes" in message.text_body
    token = re.search(r"/sign-in/([A-Za-z0-9_-]+)", message.text_body).group(1)
    clock.advance(minutes=29)
    assert client.post(f"/sign-in/{token}").status_code == 302
    assert "Sign-in links work once, for 30 minutes." in text(client.get("/sign-in/made-up"))


def test_course_pages_say_the_cut_off_time_the_course_keeps_to(client, signed_in_coordinator, make):
    course = make.course(
        date(2026, 3, 2), booking_closes_at=datetime(2026, 2, 26, 17, 0, tzinfo=UTC)
    )
    page = text(client.get(f"/courses/{course.id}"))
    assert "Booking closes at 5pm on Thursday 26 February 2026." in page
    assert "11:59pm" not in page
    coordinator_page = text(signed_in_coordinator.get(f"/coordinator/courses/{course.id}"))
    assert "Thursday 26 February 2026 (until 5pm)" in coordinator_page


def test_the_course_form_hints_read_the_default_limits(signed_in_coordinator):
    page = text(signed_in_coordinator.get("/coordinator/courses/new"))
    release = time_limits.in_words(time_limits.RELEASE_BEFORE)
    working = time_limits.working_days_in_words(time_limits.CUTOFF_WORKING_DAYS_BEFORE)
    assert f"Leave blank for {release} before day 1." in page
    assert f"Booking closes at 11:59pm on this day. Leave blank for {working} before" in page


@pytest.fixture
def signed_in_coordinator(client, clock, make, sign_in_coordinator):
    return sign_in_coordinator(make.coordinator())


def test_the_cancel_link_page_says_how_long_links_from_the_mailbox_work(
    client, app, db, make, clock, monkeypatch
):
    from booking.models import LinkPurpose
    from booking.services import links

    monkeypatch.setattr(time_limits, "MAILBOX_LINK_LIFETIME", timedelta(hours=6))
    booking = make.booking(make.course())
    _link, token = links.issue_link(
        LinkPurpose.CANCEL_BY_EMAIL,
        booking.person.email,
        now=clock(),
        ttl=time_limits.MAILBOX_LINK_LIFETIME,
        booking=booking,
    )
    clock.advance(hours=7)
    assert "Links to cancel a booking work for 6 hours." in text(client.get(f"/cancel/{token}"))
    assert db.session.scalar(select(OutboxMessage.id)) is None
