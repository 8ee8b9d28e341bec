"""A message that asks something is answered by a person, not with a booking link."""

from __future__ import annotations

from datetime import date

import pytest

from booking.extensions import db
from booking.mail.inbound.understanding import CourseSummary, understand
from booking.models import EmailLink, InboundOutcome
from booking.services.mailbox import ingest

from .conftest import outbox_rows

WORKINGTON = CourseSummary(id=9, days=(date(2026, 5, 5), date(2026, 5, 6)), town="Workington")


def _message(body: str, message_id: str) -> bytes:
    return (
        "From: Lee Park <lee.park@cumberland.gov.uk>\r\nTo: SignsOfSafety@cumbria.gov.uk\r\n"
        f"Subject: Training\r\nMessage-ID: <{message_id}>\r\n\r\n{body}\r\n"
    ).encode()


@pytest.mark.parametrize(
    "text",
    [
        "I'd like to do the course. Can you tell me what is available near Workington?",
        "Please book me on the Workington course. Is there parking nearby?",
        "I want to attend the Workington course. Please let me know the start time.",
    ],
)
def test_a_question_beside_a_request_is_noted(text):
    assert understand(text, courses=[WORKINGTON], now=date(2026, 1, 5)).has_question


@pytest.mark.parametrize(
    "text",
    [
        "Please could I book a place on the Workington course?",
        "Can I have a place on 5 May please?",
        "Could you cancel my place on 5 May?",
    ],
)
def test_a_request_written_as_a_question_is_not_a_question(text):
    assert not understand(text, courses=[WORKINGTON], now=date(2026, 1, 5)).has_question


def test_a_request_with_a_question_goes_to_a_coordinator_with_a_short_reply(
    make, courses, config, clock
):
    make.course(date(2026, 5, 5), venue_obj=make.venue("Workington", postcode="CA14 2RS"))
    raw = _message(
        "I'd like to do the course. Can you tell me what is available near Workington?", "q@x"
    )

    message = ingest(raw, now=clock(), config=config).message

    assert message.outcome == InboundOutcome.TRIAGE
    assert message.understanding["has_question"] is True
    assert "asks a question" in " ".join(message.understanding["actions"])
    assert [r.kind for r in outbox_rows()] == ["mailbox_acknowledgement"]
    assert db.session.query(EmailLink).count() == 0
