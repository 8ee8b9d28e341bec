"""Every test message in tests/mailbox/messages, with the outcome it must have.

The clock says 5 January 2026; the courses are on 2-3 March (Kendal), 10-11 March
(Carlisle), 14-15 April (Barrow) and 6-7 October (Kendal).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from booking.models import BookingStatus, InboundOutcome, LinkPurpose
from booking.services.mailbox import ingest

from .conftest import MESSAGES, link_from, message_bytes, outbox_rows

LINK = InboundOutcome.BOOKING_LINK_SENT
TRIAGE = InboundOutcome.TRIAGE
IGNORED = InboundOutcome.IGNORED

# file, outcome, course matched, reply kind (None: no reply at all)
TABLE = [
    ("outlook_request.eml", LINK, "carlisle_march", "mailbox_booking_link"),
    ("gmail_reply_own_date.eml", LINK, "barrow_april", "mailbox_booking_link"),
    ("apple_mail_request.eml", LINK, "kendal_march", "mailbox_booking_link"),
    ("apple_reply_quoted_date.eml", TRIAGE, None, "mailbox_acknowledgement"),
    ("html_only.eml", LINK, "kendal_march", "mailbox_booking_link"),
    ("base64_windows1252.eml", LINK, "barrow_april", "mailbox_booking_link"),
    ("qp_iso88591_attachment.eml", LINK, "carlisle_march", "mailbox_booking_link"),
    ("forward.eml", TRIAGE, None, "mailbox_acknowledgement"),
    ("out_of_office.eml", IGNORED, None, None),
    ("bounce.eml", IGNORED, None, None),
    ("outlook_accepted.eml", IGNORED, None, None),
    ("newsletter.eml", IGNORED, None, None),
    ("broken_mime.eml", LINK, "kendal_march", "mailbox_booking_link"),
    ("oversized.eml", InboundOutcome.REJECTED, None, "mailbox_too_large"),
    ("subject_encoded_crlf.eml", LINK, "carlisle_march", "mailbox_booking_link"),
    (
        "outlook_reply_cancel.eml",
        InboundOutcome.CANCEL_LINK_SENT,
        "kendal_march",
        "mailbox_cancel_link",
    ),
    ("unknown_charset_no_message_id.eml", TRIAGE, None, "mailbox_acknowledgement"),
]


def test_every_test_message_has_an_asserted_outcome():
    assert {row[0] for row in TABLE} == {p.name for p in Path(MESSAGES).glob("*.eml")}


@pytest.mark.parametrize(("name", "outcome", "course_key", "reply_kind"), TABLE)
def test_message_outcome(name, outcome, course_key, reply_kind, courses, config, clock, make):
    if name == "outlook_reply_cancel.eml":
        chris = make.person(email="chris.moss@cumberland.gov.uk")
        make.booking(courses["kendal_march"], chris)

    result = ingest(message_bytes(name), now=clock(), config=config)

    message = result.message
    assert not result.duplicate
    assert message.outcome == outcome
    expected_course = courses[course_key].id if course_key else None
    assert message.course_id == expected_course
    if outcome not in (LINK, InboundOutcome.CANCEL_LINK_SENT, TRIAGE):
        assert message.understanding.get("course_ids", []) == []  # not read for courses at all
    replies = outbox_rows()
    assert [r.kind for r in replies] == ([reply_kind] if reply_kind else [])
    for reply in replies:
        assert reply.to_address == message.sender
        assert "\n" not in reply.subject and "\r" not in reply.subject


def test_a_date_only_in_the_quoted_part_books_nothing(courses, config, clock):
    message = ingest(
        message_bytes("apple_reply_quoted_date.eml"), now=clock(), config=config
    ).message
    assert message.outcome == TRIAGE
    assert message.course_id is None
    assert "2 March" not in message.body_text
    assert message.body_text == "Yes please, sign me up!\n\nPriya"


def test_a_reply_books_its_own_date_not_the_quoted_ones(courses, config, clock):
    message = ingest(message_bytes("gmail_reply_own_date.eml"), now=clock(), config=config).message
    assert message.understanding["course_ids"] == [courses["barrow_april"].id]
    assert "Carlisle" not in message.body_text


def test_the_cancel_link_names_the_place_held_not_the_quoted_date(courses, config, clock, make):
    chris = make.person(email="chris.moss@cumberland.gov.uk")
    booking = make.booking(courses["kendal_march"], chris)

    message = ingest(message_bytes("outlook_reply_cancel.eml"), now=clock(), config=config).message

    [reply] = outbox_rows()
    _url, link = link_from(reply)
    assert link.purpose == LinkPurpose.CANCEL_BY_EMAIL
    assert link.booking_id == booking.id == message.booking_id
    assert "2 March 2026" in reply.text_body
    assert booking.status == BookingStatus.CONFIRMED  # nothing changes until the link is used


def test_a_cancellation_from_someone_without_a_place_goes_to_a_coordinator(courses, config, clock):
    message = ingest(message_bytes("outlook_reply_cancel.eml"), now=clock(), config=config).message
    assert message.outcome == TRIAGE
    assert [r.kind for r in outbox_rows()] == ["mailbox_acknowledgement"]


def test_an_encoded_line_break_in_the_subject_adds_no_header(courses, config, clock):
    message = ingest(message_bytes("subject_encoded_crlf.eml"), now=clock(), config=config).message

    assert message.subject == "Booking Bcc: victim@example.org injected body"
    [reply] = outbox_rows()
    assert reply.subject == "Re: Booking Bcc: victim@example.org injected body"  # one line
    assert reply.to_address == "eve@cumberland.gov.uk"
    assert "victim" not in reply.text_body + reply.html_body + reply.reply_to


def test_attachments_are_never_kept(courses, config, clock):
    message = ingest(
        message_bytes("qp_iso88591_attachment.eml"), now=clock(), config=config
    ).message
    assert "PDF" not in message.body_text and "secret" not in message.body_text
    assert message.understanding["attachments_skipped"] == 1
    assert "Renée" in message.body_text and "£" in message.body_text


def test_unreadable_parts_are_recorded_as_problems_not_errors(courses, config, clock):
    broken = ingest(message_bytes("broken_mime.eml"), now=clock(), config=config).message
    charset = ingest(
        message_bytes("unknown_charset_no_message_id.eml"), now=clock(), config=config
    ).message
    assert any("structure" in p for p in broken.understanding["problems"])
    assert any("character set" in p for p in charset.understanding["problems"])
    assert "I’m not sure where Barrow is – is there parking?" in charset.body_text


def test_an_oversized_message_is_recorded_but_not_read(courses, config, clock):
    message = ingest(message_bytes("oversized.eml"), now=clock(), config=config).message
    assert message.outcome == InboundOutcome.REJECTED
    assert message.body_text == ""
    assert message.sender == "big.sender@cumberland.gov.uk"
    assert message.subject == "My certificates"
    assert "not read" in message.understanding["problems"][0]
