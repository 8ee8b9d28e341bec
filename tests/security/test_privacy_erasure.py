"""Erasing a person leaves neither their name nor their address anywhere in the database,
including copies sent to the training mailbox that list several people."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, EmailLink, InboundMessage, OutboxMessage
from booking.services import (
    changes,
    courses,
    mailbox,
    mailbox_triage,
    people,
    privacy,
    records,
    requests,
)
from booking.services.courses import CourseDetails, DayDetails

from ..support.stored import everything_stored

NAME = "Quentin Erasable"
EMAIL = "quentin.erasable@nhs.net"
OTHER_NAME = "Olive Staysput"
TRACES = ("quentin", "erasable")


def _raw_email(body: str) -> bytes:
    headers = [
        f'From: "Erasable, Quentin" <{EMAIL}>',
        "To: SignsOfSafety@cumbria.gov.uk",
        "Subject: A question about my place",
        "Date: Mon, 5 Jan 2026 08:00:00 +0000",
        "Message-ID: <20260105080000.4242@mail.example.net>",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def _move_day_two_times(course, coordinator, now):
    """Change the course's times, so everyone on it is told and the mailbox gets a summary."""
    details = CourseDetails(
        venue=course.venue,
        total_places=course.total_places,
        partner_places=course.partner_places,
        days=[
            DayDetails(course.days[0].date, time(9, 30), time(16, 30)),
            DayDetails(course.days[1].date, time(10, 0), time(16, 0)),
        ],
        release_on=course.release_on,
        coordinator_note=course.coordinator_note,
    )
    courses.update_course(course, details, actor=coordinator, now=now)


@pytest.fixture
def history(app, make, db, clock):
    """Quentin and Olive booked on one course, with everything a real year leaves behind."""
    now = clock.now
    domains = app.config["COUNCIL_EMAIL_DOMAINS"]
    coordinator = make.coordinator()
    course = make.course(date(2026, 3, 2))
    quentin = people.find_or_create_person(
        EMAIL,
        council_domains=domains,
        now=now,
        details={
            "full_name": NAME,
            "job_title": "Health Visitor",
            "team": "North Team",
            "organisation": "NHS",
            "line_manager_email": "manager.of.quentin@nhs.net",
        },
    )
    olive = people.find_or_create_person(
        "olive.staysput@cumberland.gov.uk",
        council_domains=domains,
        now=now,
        details={"full_name": OTHER_NAME},
    )
    booking = requests.book_place(
        course, quentin, actor="the person", now=now, support_needs="A hearing loop"
    )
    requests.book_place(course, olive, actor="the person", now=now)
    config = mailbox.MailboxConfig.from_mapping(app.config)
    message = mailbox.ingest(
        _raw_email(f"Hello, this is {NAME}. Is there parking?\n\nThanks, Quentin"),
        now=now,
        config=config,
    ).message
    mailbox_triage.close_message(
        message, f"Rang {NAME} back about parking", actor=coordinator, now=now
    )
    _move_day_two_times(course, coordinator, now)
    changes.cancel_booking(
        booking, actor=coordinator, now=now, reason=f"{NAME} rang to say he has left"
    )
    records.record_completion_elsewhere(
        quentin,
        course.course_type,
        date(2024, 5, 1),
        actor=coordinator,
        now=now,
        reason=f"Certificate sent by {NAME}",
    )
    summaries = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.startswith("Copy: course changed"))
    ).all()
    assert len(summaries) == 1 and NAME in summaries[0].text_body  # the set-up is as meant
    return quentin, coordinator, summaries[0]


def test_after_erasure_no_column_of_any_table_holds_their_name_or_address(history, db, clock):
    quentin, coordinator, _ = history
    for trace in TRACES:
        assert trace in everything_stored()
    privacy.erase_person(
        quentin,
        actor=coordinator,
        now=clock.now,
        reason=f"{NAME} ({EMAIL}) asked us by phone to delete his details",
    )
    db.session.expire_all()
    stored = everything_stored()
    for trace in (*TRACES, "manager.of.quentin", "hearing loop"):
        assert trace not in stored


def test_the_mailbox_summary_keeps_the_other_people_it_lists(history, db, clock):
    quentin, coordinator, summary = history
    privacy.erase_person(quentin, actor=coordinator, now=clock.now, reason="They asked us to")
    db.session.expire_all()
    kept = db.session.get(OutboxMessage, summary.id)
    assert OTHER_NAME in kept.text_body and OTHER_NAME in kept.html_body
    assert privacy.ERASED in kept.text_body and privacy.ERASED in kept.html_body


def test_the_erase_reason_is_kept_without_their_name(history, db, clock):
    quentin, coordinator, _ = history
    privacy.erase_person(
        quentin,
        actor=coordinator,
        now=clock.now,
        reason=f"{NAME} asked us by phone to delete his details",
    )
    db.session.expire_all()
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "person.erased")).one()
    assert "asked us by phone to delete his details" in event.reason
    assert "quentin" not in event.reason.lower()
    assert event.user_id == coordinator.id


def test_their_messages_to_the_mailbox_keep_no_note_naming_them(history, db, clock):
    quentin, coordinator, _ = history
    privacy.erase_person(quentin, actor=coordinator, now=clock.now, reason="They asked us to")
    db.session.expire_all()
    [message] = db.session.scalars(select(InboundMessage)).all()
    assert (message.sender, message.body_text, message.closed_note) == ("", "", "")


def test_an_address_html_escapes_is_still_found_in_the_summary(make, db, clock):
    coordinator = make.coordinator()
    course = make.course(date(2026, 3, 2))
    odd = make.person(email="quentin.o'erasable@nhs.net", full_name="Quentin O'Erasable")
    other = make.person(full_name=OTHER_NAME)
    booking = requests.book_place(course, odd, actor="the person", now=clock.now)
    requests.book_place(course, other, actor="the person", now=clock.now)
    _move_day_two_times(course, coordinator, clock.now)
    changes.cancel_booking(booking, actor=coordinator, now=clock.now, reason="Left")
    privacy.erase_person(odd, actor=coordinator, now=clock.now, reason="They asked us to")
    db.session.expire_all()
    stored = everything_stored()
    assert "o'erasable" not in stored and "o&#39;erasable" not in stored
    assert OTHER_NAME.lower() in stored


def test_someone_named_in_another_person_s_email_is_cut_out_of_it(app, make, db, clock):
    """A manager asks for a place for their new starter, who books with their own link, and
    later asks to be erased: the manager's message keeps its facts but not the starter."""
    coordinator = make.coordinator()
    course = make.course(date(2026, 3, 10), venue_obj=make.venue("Carlisle"))
    config = mailbox.MailboxConfig.from_mapping(app.config)
    raw = (
        "From: Jo Bloggs <jo.bloggs@cumberland.gov.uk>\r\nTo: SignsOfSafety@cumbria.gov.uk\r\n"
        "Subject: Training for Quentin Erasable\r\nMessage-ID: <starter-9@x>\r\n\r\n"
        f"Hi, please book my new starter {NAME} ({EMAIL}) onto the 10 March course.\r\n"
    ).encode()
    message = mailbox.ingest(raw, now=clock.now, config=config).message
    mailbox_triage.book_from_triage(
        message, course, actor=coordinator, now=clock.now, config=config, for_email=EMAIL
    )
    link = db.session.scalars(select(EmailLink).where(EmailLink.email == EMAIL)).one()
    quentin = people.find_or_create_person(
        EMAIL, council_domains=[], now=clock.now, details=link.details
    )
    assert NAME.lower() in everything_stored()
    privacy.erase_person(quentin, actor=coordinator, now=clock.now, reason="They asked us to")
    db.session.expire_all()
    stored = everything_stored()
    for trace in TRACES:
        assert trace not in stored
    kept = db.session.get(InboundMessage, message.id)
    assert kept.sender == "jo.bloggs@cumberland.gov.uk"
    assert "please book my new starter" in kept.body_text
