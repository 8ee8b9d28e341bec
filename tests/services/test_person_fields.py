"""What people give about themselves is kept on one line, without control characters or the
characters that reverse text direction, however it arrives: the booking form, an email to
the training mailbox, or a CSV of past completions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from booking.models import EmailLink, InboundOutcome, OutboxMessage, Person
from booking.services import mailbox, mailbox_triage, people, records
from booking.text import one_line

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
INJECTED = "Jo\r\nBcc: victim@example.org"
SAFE = "Jo Bcc: victim@example.org"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
#: Every character the rule removes or turns into a space, for the last check.
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f" + BIDI + "]")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (INJECTED, SAFE),
        ("Jo\tBloggs", "Jo Bloggs"),
        ("  Jo \n\n  Bloggs  ", "Jo Bloggs"),
        ("Jo\x00Bloggs\x7f", "Jo Bloggs"),
        ("Jo\x85Bloggs\x9b", "Jo Bloggs"),  # C1: next line, and a control sequence start
        ("Jo\u2028Bloggs", "Jo Bloggs"),  # the Unicode line separator
        ("Jo \u202egnissim\u202c Bloggs", "Jo gnissim Bloggs"),
        (f"Social{BIDI} Worker", "Social Worker"),
        ("Zoë O'Brien-Smith", "Zoë O'Brien-Smith"),
        ("محمد\u200c رضا", "محمد\u200c رضا"),  # a zero-width non-joiner is part of a name
        ("", ""),
    ],
)
def test_a_person_field_is_one_clean_line(typed, kept):
    assert one_line(typed) == kept


def test_every_person_field_is_cleaned_on_the_way_in(make):
    person = people.find_or_create_person(
        "jo.bloggs@nhs.net",
        council_domains=[],
        now=NOW,
        details={
            "full_name": INJECTED,
            "job_title": "Health\u202e Visitor",
            "team": "North\tTeam",
            "organisation": "NHS\r\nTrust",
            "line_manager_email": " Boss\u200f@NHS.net\r\n",
        },
    )
    assert (person.full_name, person.job_title, person.team, person.organisation) == (
        SAFE,
        "Health Visitor",
        "North Team",
        "NHS Trust",
    )
    assert person.line_manager_email == "boss@nhs.net"


def _no_unsafe_characters(db):
    db.session.expire_all()
    for person in db.session.scalars(select(Person)):
        for value in (person.full_name, person.job_title, person.team, person.organisation):
            assert not UNSAFE.search(value), repr(value)


# --- The booking form ----------------------------------------------------------------------


def _confirm_path(db) -> str:
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "confirm_your_email")
    ).one()
    return re.search(r"/confirm/[A-Za-z0-9_\-]+", message.text_body).group(0)


def test_the_booking_form_keeps_a_name_on_one_line(client, db, make, clock):
    course = make.course()
    form = {
        "full_name": INJECTED,
        "email": "jo.bloggs@cumberland.gov.uk",
        "job_title": f"Social{BIDI} Worker",
        "team": "Early\tHelp",
        "organisation": "Cumberland\r\nCouncil",
        "line_manager_email": "",
        "support_needs": "",
        "consent": "y",
    }
    assert client.post(f"/courses/{course.id}/book", data=form).status_code == 302
    assert client.post(_confirm_path(db)).status_code == 302
    person = db.session.scalars(select(Person)).one()
    assert (person.full_name, person.job_title, person.team) == (
        SAFE,
        "Social Worker",
        "Early Help",
    )
    _no_unsafe_characters(db)
    for message in db.session.scalars(select(OutboxMessage)):
        for body in (message.text_body, message.html_body):
            assert not re.search(r"^\s*Bcc:", body, re.M), message.kind


# --- The training mailbox --------------------------------------------------------------------


def _encoded(text: str) -> str:
    """An RFC 2047 encoded word, as a mail program writes a name it cannot send as it is."""
    import base64

    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


def test_a_name_from_an_email_is_kept_on_one_line(app, db, make, clock):
    make.course(date(2026, 3, 10), venue_obj=make.venue("Carlisle"))
    name = f"Jo{BIDI}\x85Bloggs\r\nX-Injected: yes"
    raw = (
        f"From: {_encoded(name)} <jo.bloggs@cumberland.gov.uk>\r\n"
        "To: SignsOfSafety@cumbria.gov.uk\r\nSubject: Training\r\n"
        "Message-ID: <names-1@x>\r\n\r\nCould I have a place on 10 March in Carlisle please?\r\n"
    ).encode()
    config = mailbox.MailboxConfig.from_mapping(app.config)
    message = mailbox.ingest(raw, now=clock.now, config=config).message
    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT  # the reply greets them by name
    assert message.understanding["name"] == "Jo Bloggs X-Injected: yes"
    link = db.session.scalars(select(EmailLink)).one()
    assert link.details["full_name"] == "Jo Bloggs X-Injected: yes"
    [reply] = db.session.scalars(select(OutboxMessage)).all()
    assert "Jo Bloggs X-Injected: yes" in reply.text_body
    assert not re.search(r"^\s*X-Injected", reply.text_body, re.M)
    assert not UNSAFE.search(reply.text_body.replace("\n", " "))


def test_someone_booked_from_an_email_gets_a_clean_name(app, db, make, clock):
    course = make.course(date(2026, 3, 10), venue_obj=make.venue("Carlisle"))
    raw = (
        f"From: {_encoded('Jo' + BIDI + ' Bloggs')} <jo.bloggs@cumberland.gov.uk>\r\n"
        "To: SignsOfSafety@cumbria.gov.uk\r\nSubject: Question\r\n"
        "Message-ID: <names-2@x>\r\n\r\nWhat time does it start?\r\n"
    ).encode()
    config = mailbox.MailboxConfig.from_mapping(app.config)
    message = mailbox.ingest(raw, now=clock.now, config=config).message
    mailbox_triage.book_from_triage(
        message, course, actor=make.coordinator(), now=clock.now, config=config
    )
    person = db.session.scalars(select(Person)).one()
    assert person.full_name == "Jo Bloggs"
    _no_unsafe_characters(db)


# --- A CSV of past completions ---------------------------------------------------------------


def test_names_in_an_imported_file_are_kept_on_one_line(db, make):
    course_type = make.course_type()
    data = (
        "Email address,Name,Job title,Team,Organisation,Completed on\r\n"
        f'jo@nhs.net,"{INJECTED}",Health{BIDI} Visitor,"North\tTeam",NHS\x85Trust,2024-03-25\r\n'
    ).encode()
    preview = records.preview_import(data, course_type, now=NOW)
    [row] = preview.rows
    assert (row.full_name, row.job_title, row.team, row.organisation) == (
        SAFE,
        "Health Visitor",
        "North Team",
        "NHS Trust",
    )
    records.confirm_import(
        data,
        course_type,
        expected_digest=preview.digest,
        actor="test",
        now=NOW,
        reason="Our old spreadsheet",
        council_domains=[],
    )
    person = db.session.scalars(select(Person)).one()
    assert person.full_name == SAFE
    _no_unsafe_characters(db)
