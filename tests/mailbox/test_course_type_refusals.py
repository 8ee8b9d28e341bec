"""When the mailbox books at once (DMARC pass) and the booking rules refuse for a rule about
the course itself (a course needed first, rule 24), the sender is told why in those words and
the message is kept for a coordinator."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from booking.extensions import db
from booking.models import CourseType, InboundOutcome
from booking.services.mailbox import ingest

from .conftest import message_bytes, outbox_rows


def test_someone_without_the_course_needed_first_is_told_which_and_when(
    courses, config, clock, make
):
    intro = courses["carlisle_march"].course_type
    advanced = CourseType(name="Signs of Safety Advanced Training", slug="advanced")
    advanced.prerequisites = [intro]
    db.session.add(advanced)
    courses["carlisle_march"].course_type = advanced  # the course asked for (10 March)
    db.session.commit()
    trusted = replace(config, trusted_authserv_id="mx.cumbria.gov.uk")

    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=trusted).message

    assert message.outcome == InboundOutcome.TRIAGE and message.booking_id is None
    assert any(
        a.startswith("Could not book at once: You need to complete")
        for a in message.understanding["actions"]
    )
    [reply] = outbox_rows()
    assert reply.kind == "mailbox_cannot_book"
    assert reply.subject.startswith("Re: ")
    text = " ".join(reply.text_body.split())
    assert f"You need to complete {intro.name} before booking this course." in text
    assert "Its next dates: 2 March 2026 in Kendal, 14 April 2026 in Barrow" in text
    assert date(2026, 3, 10) == courses["carlisle_march"].first_day.date
