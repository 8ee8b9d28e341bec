"""What people write to the mailbox (support needs, often) is kept only as long as needed:
the text goes a set number of days after the message is dealt with or its course ends,
the facts the system took from it stay, and every look at support needs is recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from booking.extensions import db
from booking.models import AuditEvent, InboundMessage, InboundOutcome
from booking.services import mailbox_triage, privacy
from booking.services.mailbox import ingest

from .conftest import message_bytes

SETTINGS = {"support_needs_days": 30, "staff_years": 6, "partner_years": 6}
QUESTION = (
    b"From: Robin Hart <robin.hart@cumberland.gov.uk>\r\nSubject: A question\r\n"
    b"Message-ID: <retention-1@x>\r\n\r\nDo you run a refresher course? "
    b"I am deaf and will need an interpreter.\r\n"
)


def _purge(now, days=30):
    return privacy.purge(now=now, message_text_days=days, **SETTINGS)


def _reloaded(message) -> InboundMessage:
    db.session.expire_all()
    return db.session.get(InboundMessage, message.id)


@pytest.fixture
def closed(courses, config, clock, make):
    """A question with support needs in it, closed by a coordinator two days after it came."""
    message = ingest(QUESTION, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE and message.course_id is None
    closed_at = clock.advance(days=2)
    mailbox_triage.close_message(message, "Told them no", actor=make.coordinator(), now=closed_at)
    return message, closed_at


def test_the_text_goes_a_set_number_of_days_after_the_message_is_dealt_with(closed):
    message, closed_at = closed
    facts = dict(_reloaded(message).understanding)
    assert _purge(closed_at + timedelta(days=30) - timedelta(minutes=1)).message_texts_deleted == 0
    assert "interpreter" in _reloaded(message).body_text
    moment = closed_at + timedelta(days=30)
    assert _purge(moment).message_texts_deleted == 1
    kept = _reloaded(message)
    assert (kept.body_text, kept.body_deleted_at) == ("", moment)
    assert kept.understanding == facts and kept.understanding["support_needs_mentioned"]
    assert (kept.outcome, kept.subject, kept.closed_note) == (
        InboundOutcome.CLOSED,
        "A question",
        "Told them no",
    )
    assert _purge(moment + timedelta(days=1)).message_texts_deleted == 0


def test_the_retention_is_a_setting(closed):
    message, closed_at = closed
    assert _purge(closed_at + timedelta(days=7), days=7).message_texts_deleted == 1


def test_the_text_of_a_request_stays_until_its_course_has_ended(courses, config, clock):
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=config).message
    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT  # dealt with at once
    course = courses["carlisle_march"]
    assert message.course_id == course.id
    assert _purge(clock() + timedelta(days=60)).message_texts_deleted == 0
    last_day = course.days[-1].date
    ended = datetime(last_day.year, last_day.month, last_day.day, 12, tzinfo=UTC)
    assert _purge(ended + timedelta(days=29)).message_texts_deleted == 0
    assert _purge(ended + timedelta(days=30)).message_texts_deleted == 1
    assert _reloaded(message).body_text == ""


def test_a_message_nobody_has_dealt_with_keeps_its_text(courses, config, clock):
    message = ingest(QUESTION, now=clock(), config=config).message
    assert _purge(clock() + timedelta(days=400)).message_texts_deleted == 0
    assert "interpreter" in _reloaded(message).body_text


def test_the_purge_command_deletes_old_message_text(app, runner, closed, clock, monkeypatch):
    message, closed_at = closed
    monkeypatch.setitem(app.config, "MAILBOX_TEXT_RETENTION_DAYS", 10)
    clock.set(closed_at + timedelta(days=10))
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Text deleted from 1 message(s) to the training mailbox." in result.output
    assert _reloaded(message).body_text == ""


@pytest.mark.parametrize("how", ["close", "book the sender", "send the named person a link"])
def test_a_message_is_dealt_with_when_a_coordinator_acts_on_it(courses, config, clock, make, how):
    raw = (
        b"From: Jo Bloggs <jo.bloggs@cumberland.gov.uk>\r\nSubject: Training\r\n"
        b"Message-ID: <retention-3@x>\r\n\r\nPlease book my new starter Tom Newman "
        b"(tom.newman@cumberland.gov.uk) onto the 10 March course.\r\n"
    )
    message = ingest(raw, now=clock(), config=config).message
    assert message.handled_at is None  # waiting for a coordinator
    moment = clock.advance(days=1)
    coordinator, course = make.coordinator(), courses["carlisle_march"]
    if how == "close":
        mailbox_triage.close_message(message, "Rang them", actor=coordinator, now=moment)
    else:
        mailbox_triage.book_from_triage(
            message,
            course,
            actor=coordinator,
            now=moment,
            config=config,
            for_email="" if how == "book the sender" else "tom.newman@cumberland.gov.uk",
        )
    assert _reloaded(message).handled_at == moment


# --- The coordinators' message page -----------------------------------------------------------


@pytest.fixture
def coordinator(make, sign_in_coordinator):
    user = make.coordinator()
    sign_in_coordinator(user)
    return user


def _looks(message) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "support_needs.viewed",
                AuditEvent.object_type == "inboundmessage",
                AuditEvent.object_id == message.id,
            )
        )
    )


def test_opening_a_message_with_support_needs_is_recorded(
    client, coordinator, courses, config, clock
):
    message = ingest(QUESTION, now=clock(), config=config).message
    page = client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert "I am deaf and will need an interpreter." in page
    assert "we keep a record of each time someone opens this message" in page
    [look] = _looks(message)
    assert look.user_id == coordinator.id
    assert "interpreter" not in str(look.details) + look.reason


def test_opening_a_message_without_support_needs_records_nothing(
    client, coordinator, courses, config, clock
):
    raw = QUESTION.replace(b" I am deaf and will need an interpreter.", b"").replace(
        b"retention-1", b"retention-2"
    )
    message = ingest(raw, now=clock(), config=config).message
    assert client.get(f"/coordinator/mailbox/{message.id}").status_code == 200
    assert _looks(message) == []


def test_a_message_whose_text_was_deleted_says_so(client, coordinator, closed, clock):
    message, closed_at = closed
    _purge(closed_at + timedelta(days=30))
    page = client.get(f"/coordinator/mailbox/{message.id}").get_data(as_text=True)
    assert "We deleted the text of this message on" in page
    assert "interpreter" not in page
    assert _looks(message) == []


def test_the_privacy_notice_says_how_long_mailbox_messages_are_kept(client, app):
    page = " ".join(client.get("/privacy").get_data(as_text=True).split())
    days = app.config["MAILBOX_TEXT_RETENTION_DAYS"]
    assert f"If you email us, we delete what you wrote {days} days after" in page
    assert "a record of every time they look at it" in page
