"""After the course: someone who completed it gives feedback by the emailed link, with
JavaScript off, at phone and desktop widths; the public "What workers say" page; and the
page that checks a certificate."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from booking.extensions import db as _db
from booking.models import AttendanceMark, Mark
from booking.services import certificates, feedback, links, records

from .journeys import Journey

AFTER = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def invited(live_app, make):
    """A booking marked present on both days, invited to give feedback."""
    live_app.config["CLOCK_OVERRIDE"] = AFTER
    course = make.course()
    booking = make.booking(course, make.person(full_name="Ruth Reviewer"))
    for day in course.days:
        _db.session.add(
            AttendanceMark(booking_id=booking.id, course_day_id=day.id, mark=Mark.PRESENT)
        )
    _db.session.commit()
    records.update_outcome(booking, actor="system", now=AFTER)  # the completion marks make
    feedback.invite(booking, secret_key=live_app.config["SECRET_KEY"], now=AFTER)
    _db.session.commit()
    return booking


def test_feedback_form_without_javascript_at_phone_and_desktop_widths(
    live_server, live_app, new_page, axe, screenshot, invited, make
):
    page = new_page(javascript=False)
    journey = Journey(page, axe, screenshot, "feedback", javascript=False)
    page.goto(live_server + links.feedback_path(invited, live_app.config["SECRET_KEY"]))
    assert journey.heading() == "Your feedback on the training"
    journey.look("1-form")

    page.get_by_role("button", name="Send my feedback").click()
    assert "There is a problem" in page.locator("main").inner_text()
    journey.look("2-errors")

    page.get_by_label("What worked well for you on the course?").fill("Mapping with a family")
    page.get_by_role("group", name="Before the course").get_by_label("3", exact=True).check()
    page.get_by_role("group", name="And now").get_by_label("8", exact=True).check()
    page.get_by_label("You may quote what I wrote").check()
    page.get_by_role("button", name="Send my feedback").click()
    assert journey.heading() == "Thank you for your feedback"
    journey.look("3-thank-you")

    _db.session.rollback()  # read what the live app saved
    response = feedback.response_for(invited, live_app.config["SECRET_KEY"])
    assert (response.confidence_before, response.confidence_after) == (3, 8)
    feedback.choose_quote(
        response, feedback.QuoteAnswer.WORKED_WELL, actor=make.coordinator(), now=AFTER
    )
    page.goto(f"{live_server}/what-workers-say")
    assert "Mapping with a family" in page.locator("main").inner_text()
    journey.look("4-what-workers-say")

    number = certificates.certificate_for(certificates.completion_of(invited), now=AFTER).number
    _db.session.commit()
    page.goto(f"{live_server}/certificates/{number}")
    assert journey.heading() == "This certificate is genuine"
    journey.look("5-certificate-check")
