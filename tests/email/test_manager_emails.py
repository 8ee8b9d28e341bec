"""Line managers' email through the real SMTP server (issue 17): the copy of a confirmation
carries the days as a calendar file to add, not an invitation addressed to the manager; the
approval link shows the request on GET and decides on POST, once; used, expired and forged
links are refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from icalendar import Calendar

from booking.extensions import db
from booking.models import Booking, BookingStatus
from booking.services import requests

from .helpers import send_all

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MANAGER = "rowan.manager@cumberland.gov.uk"


def _approval_course(make):
    course = make.course()
    course.course_type.manager_approval_required = True
    db.session.commit()
    return course


def _person(make, **fields):
    return make.person(full_name="Alex Example", line_manager_email=MANAGER, **fields)


def _link_path(received) -> str:
    return re.search(r"https?://[^/\s]+(/manager/approve/\S+)", received.text()).group(1)


def test_the_managers_copy_of_a_confirmation_attaches_the_days_and_invites_nobody(
    mail_app, make, smtp
):
    requests.book_place(
        make.course(), _person(make), actor="test", now=NOW, support_needs="Private matter"
    )
    send_all(now=NOW)

    [copy] = smtp.to(MANAGER)
    message = copy.message
    assert copy.message["Subject"].startswith("Someone you manage has a place")
    assert "Alex Example" not in copy.message["Subject"]  # the body names them, not the subject
    assert "Alex Example" in copy.text()
    [part] = copy.calendar_parts()
    assert part.get_content_disposition() == "attachment"
    assert part.get_filename().endswith(".ics")
    assert part.get_param("method") == "PUBLISH"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["METHOD"] == "PUBLISH"
    assert len(calendar.events) == 2
    for event in calendar.events:
        assert "ATTENDEE" not in event
    # Not among the alternatives, where mail programs show an invitation to answer.
    for alternative in (
        p for p in message.walk() if p.get_content_type() == "multipart/alternative"
    ):
        assert all(p.get_content_type() != "text/calendar" for p in alternative.iter_parts())
    text = copy.text()
    assert "line manager" in text and "My bookings" in text
    assert "Private matter" not in text + copy.html()
    # The person's own invitations are still invitations, addressed to them alone.
    person_invites = [r for r in smtp.received if MANAGER not in r.rcpt_tos and r.calendar_parts()]
    assert person_invites and all(MANAGER not in r.raw.decode() for r in person_invites)


def test_the_approval_link_shows_the_request_and_a_post_decides_once(mail_app, make, smtp):
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    client = mail_app.test_client()
    waiting = requests.book_or_ask_manager(
        _approval_course(make), _person(make), actor="test", now=NOW,
        support_needs="Private matter",
    )  # fmt: skip
    send_all(now=NOW)
    [ask] = smtp.to(MANAGER)
    assert ask.message["Subject"].startswith("Please approve a training request")
    assert "Alex Example" not in ask.message["Subject"]
    assert "Alex Example" in ask.text()
    path = _link_path(ask)

    page = client.get(path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Alex Example" in body and "Approve" in body and "Decline" in body
    assert "Private matter" not in body
    assert db.session.get(Booking, waiting.id).status == BookingStatus.AWAITING_APPROVAL

    decided = client.post(path, data={"approve": "Approve"})
    assert decided.status_code == 200
    assert "you approved" in decided.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, waiting.id).status == BookingStatus.CONFIRMED

    assert client.get(path).status_code == 404  # used
    assert client.post(path, data={"decline": "Decline"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Booking, waiting.id).status == BookingStatus.CONFIRMED
    smtp.handler.reset()
    send_all(now=NOW)
    assert any(
        r.message["Subject"].startswith("You have a place") for r in smtp.to(waiting.person.email)
    )
    [copy] = smtp.to(MANAGER)
    assert copy.calendar_parts()[0].get_content_disposition() == "attachment"


def test_a_manager_declines_with_a_reason_the_person_reads(mail_app, make, smtp):
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    client = mail_app.test_client()
    waiting = requests.book_or_ask_manager(
        _approval_course(make), _person(make), actor="test", now=NOW
    )
    send_all(now=NOW)
    path = _link_path(smtp.to(MANAGER)[0])
    smtp.handler.reset()

    response = client.post(path, data={"decline": "Decline", "reason": "Short-staffed in March."})

    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Booking, waiting.id).status == BookingStatus.NOT_APPROVED
    send_all(now=NOW)
    [told] = smtp.to(waiting.person.email)
    assert "did not approve" in told.message["Subject"]
    assert "Short-staffed in March." in told.text()


def test_expired_and_forged_approval_links_are_refused(mail_app, make, smtp):
    client = mail_app.test_client()
    mail_app.config["CLOCK_OVERRIDE"] = NOW
    waiting = requests.book_or_ask_manager(
        _approval_course(make), _person(make), actor="test", now=NOW
    )
    send_all(now=NOW)
    path = _link_path(smtp.to(MANAGER)[0])

    assert client.get("/manager/approve/not-a-real-token").status_code == 404
    assert client.post(path + "x", data={"approve": "Approve"}).status_code == 404
    mail_app.config["CLOCK_OVERRIDE"] = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)  # 5 working days
    assert client.get(path).status_code == 404
    refused = client.post(path, data={"approve": "Approve"})
    assert refused.status_code == 404
    assert "expired" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Booking, waiting.id).status == BookingStatus.AWAITING_APPROVAL
