"""The mailbox service: each message handled once, replies that cannot loop, safe links."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import EmailLink, InboundMessage, InboundOutcome, LinkPurpose, Person
from booking.services.mailbox import MailboxConfig, ingest, person_name

from ..support.parallel import run_at_once
from .conftest import link_from, message_bytes, outbox_rows


def _simple(sender: str, body: str, *, message_id: str | None = None, subject="Training") -> bytes:
    headers = [
        f"From: Someone <{sender}>",
        "To: SignsOfSafety@cumbria.gov.uk",
        f"Subject: {subject}",
        "Date: Mon, 5 Jan 2026 08:00:00 +0000",
    ]
    if message_id:
        headers.append(f"Message-ID: <{message_id}>")
    return ("\r\n".join(headers) + "\r\n\r\n" + body + "\r\n").encode()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_clear_request_gets_a_one_time_link_naming_the_course(courses, config, clock):
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=config).message

    [reply] = outbox_rows()
    url, link = link_from(reply)
    assert url.startswith("http://localhost/")
    assert link.purpose == LinkPurpose.CONFIRM_BOOKING
    assert link.course_id == courses["carlisle_march"].id
    assert link.email == "jo.bloggs@cumberland.gov.uk"
    assert link.expires_at == clock() + timedelta(hours=24)
    assert link.used_at is None
    assert link.details["full_name"] == "Jo Bloggs"
    assert link.details["source"] == "email"
    assert "wheelchair" in link.details["support_needs"]
    assert "Family Support Worker" not in link.details["support_needs"]
    assert "Tuesday 10 March 2026" in reply.text_body
    assert "Carlisle" in reply.text_body
    assert message.acknowledged_at == clock()


def test_the_same_message_delivered_twice_is_handled_once(courses, config, clock):
    raw = message_bytes("outlook_request.eml")
    first = ingest(raw, now=clock(), config=config)
    second = ingest(
        raw.replace(b"Received: from", b"Received: from relay2", 1), now=clock(), config=config
    )

    assert not first.duplicate
    assert second.duplicate
    assert second.message.id == first.message.id
    assert _count(InboundMessage) == 1
    assert _count(EmailLink) == 1
    assert len(outbox_rows()) == 1


def test_without_a_message_id_the_same_sender_date_and_body_is_a_duplicate(courses, config, clock):
    raw = message_bytes("unknown_charset_no_message_id.eml")
    assert not ingest(raw, now=clock(), config=config).duplicate
    # The same message fetched over IMAP arrives with CRLF line endings.
    assert ingest(raw.replace(b"\n", b"\r\n"), now=clock(), config=config).duplicate
    other_body = raw.replace(b"still running", b"running")
    assert not ingest(other_body, now=clock(), config=config).duplicate


def test_two_deliveries_at_the_same_moment_record_one_message(app, courses, config, clock):
    raw = message_bytes("apple_mail_request.eml")

    def deliver():
        return ingest(raw, now=clock(), config=config).duplicate

    outcome = run_at_once(app, [deliver, deliver])

    assert outcome.errors == []
    assert sorted(outcome.results) == [False, True]
    assert _count(InboundMessage) == 1
    assert len(outbox_rows()) == 1


def test_replies_to_one_sender_are_rate_limited(courses, config, clock):
    sender = "busy@cumberland.gov.uk"
    outcomes = []
    for n in range(5):
        raw = _simple(sender, f"A question about parking, number {n}?", message_id=f"q{n}@x")
        outcomes.append(ingest(raw, now=clock.advance(minutes=5), config=config).message)

    assert [m.outcome for m in outcomes] == [InboundOutcome.TRIAGE] * 5
    assert len(outbox_rows()) == 3
    assert "too many replies" in outcomes[-1].understanding["actions"][-1]
    assert outcomes[-1].acknowledged_at is None

    clock.advance(hours=1)
    later = ingest(
        _simple(sender, "Another question?", message_id="q9@x"), now=clock(), config=config
    )
    assert later.message.acknowledged_at == clock()
    assert len(outbox_rows()) == 4


def test_a_request_over_the_reply_limit_goes_to_a_coordinator_without_a_link(
    courses, config, clock
):
    config = replace(config, replies_per_sender_per_hour=1)
    sender = "keen@cumberland.gov.uk"
    ingest(_simple(sender, "Is there parking?", message_id="a@x"), now=clock(), config=config)
    message = ingest(
        _simple(sender, "Please book me on 2 March.", message_id="b@x"), now=clock(), config=config
    ).message

    assert message.outcome == InboundOutcome.TRIAGE
    assert _count(EmailLink) == 0
    assert len(outbox_rows()) == 1


def test_automatic_messages_are_never_answered_even_asking_for_a_date(courses, config, clock):
    for name in ("out_of_office.eml", "bounce.eml", "outlook_accepted.eml", "newsletter.eml"):
        message = ingest(message_bytes(name), now=clock(), config=config).message
        assert message.outcome == InboundOutcome.IGNORED
        assert message.acknowledged_at is None
    assert outbox_rows() == []
    assert _count(EmailLink) == 0


def test_mail_from_our_own_address_is_never_answered(courses, config, clock):
    raw = _simple("SignsOfSafety@cumbria.gov.uk", "Please book me on 2 March.", message_id="loop@x")
    message = ingest(raw, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.IGNORED
    assert outbox_rows() == []


def test_a_request_for_a_course_that_has_closed_goes_to_a_coordinator(courses, config, clock):
    clock.set(courses["kendal_march"].booking_closes_at + timedelta(minutes=1))
    raw = _simple("late@cumberland.gov.uk", "Please book me on 2 March.", message_id="late@x")
    message = ingest(raw, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE
    assert "not taking bookings" in " ".join(message.understanding["actions"])


def test_a_request_matching_two_courses_is_not_guessed(courses, config, clock):
    raw = _simple("two@cumberland.gov.uk", "Please book me on the Kendal course.", message_id="k@x")
    message = ingest(raw, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE
    assert sorted(message.understanding["course_ids"]) == sorted(
        [courses["kendal_march"].id, courses["kendal_october"].id]
    )
    assert "2 courses matched the message." in message.understanding["actions"]


def test_a_request_naming_a_day_with_no_course_says_so(courses, config, clock):
    raw = _simple("none@cumberland.gov.uk", "Please book me on 31/02/2026.", message_id="n@x")
    message = ingest(raw, now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE
    assert message.understanding["course_ids"] == []
    assert "No course matched the message." in message.understanding["actions"]


def test_someone_who_already_has_a_place_is_not_sent_another_link(courses, config, clock, make):
    jo = make.person(email="jo.bloggs@cumberland.gov.uk")
    make.booking(courses["carlisle_march"], jo)
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE
    assert _count(EmailLink) == 0


def test_dmarc_pass_from_our_own_server_is_recorded(courses, config, clock):
    trusted = replace(config, trusted_authserv_id="mx.cumbria.gov.uk")
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=trusted).message
    assert message.understanding["dmarc_pass"] is True
    # Until the booking rules land on this branch the fast path falls back to the link.
    assert message.outcome in (InboundOutcome.BOOKED, InboundOutcome.BOOKING_LINK_SENT)


def test_dmarc_results_from_another_server_are_not_trusted(courses, config, clock):
    trusted = replace(config, trusted_authserv_id="mx.other.example")
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=trusted).message
    assert message.understanding["dmarc_pass"] is False
    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT
    assert _count(Person) == 0


def test_dmarc_fast_path_is_off_unless_configured(courses, config, clock):
    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=config).message
    assert message.understanding["dmarc_pass"] is False
    assert message.outcome == InboundOutcome.BOOKING_LINK_SENT


def test_only_the_new_text_is_stored_and_very_long_text_is_cut(courses, config, clock):
    long_body = "Please book me on 2 March.\n" + ("More words here.\n" * 3000)
    message = ingest(
        _simple("long@cumberland.gov.uk", long_body, message_id="long@x"),
        now=clock(),
        config=replace(config, max_message_bytes=200_000),
    ).message
    assert len(message.body_text) <= 20_100
    assert message.body_text.endswith("[The rest of the message was not kept.]")


def test_settings_come_from_the_app_configuration(app):
    config = MailboxConfig.from_mapping(
        {**app.config, "MAILBOX_TRUSTED_AUTHSERV_ID": " mx.cumbria.gov.uk "}
    )
    assert config.trusted_authserv_id == "mx.cumbria.gov.uk"
    assert "signsofsafety@cumbria.gov.uk" in config.own_addresses
    assert "no-reply@cumbria.gov.uk" in config.own_addresses
    assert config.site_url == "http://localhost"


def test_names_are_taken_from_the_from_header_in_the_usual_order():
    assert person_name("Bloggs, Jo", "jo@x") == "Jo Bloggs"
    assert person_name('"Jo Bloggs"', "jo@x") == "Jo Bloggs"
    assert person_name("jo@x.org", "jo@x.org") == ""
    assert person_name("", "jo@x") == ""


def test_dmarc_pass_books_at_once_through_the_booking_rules(courses, config, clock):
    trusted = replace(config, trusted_authserv_id="mx.cumbria.gov.uk")

    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=trusted).message

    assert message.outcome == InboundOutcome.BOOKED
    person = db.session.scalars(select(Person)).one()
    assert (person.email, person.full_name, person.group.value) == (
        "jo.bloggs@cumberland.gov.uk",
        "Jo Bloggs",
        "staff",
    )
    assert message.booking_id is not None
    assert _count(EmailLink) == 0


def test_dmarc_pass_from_someone_with_a_place_on_another_date_is_kept_for_a_coordinator(
    courses, config, clock, make
):
    """The booking rules refuse a second place; the message is still stored (so the mail
    server does not deliver it again and again) and left for a person to answer."""
    from booking.models import Group
    from booking.services import requests

    person = make.person(Group.STAFF, email="jo.bloggs@cumberland.gov.uk")
    held = requests.book_place(courses["kendal_march"], person, actor="test", now=clock())
    trusted = replace(config, trusted_authserv_id="mx.cumbria.gov.uk")

    message = ingest(message_bytes("outlook_request.eml"), now=clock(), config=trusted).message

    assert message.id is not None
    assert message.outcome == InboundOutcome.TRIAGE
    assert message.booking_id is None
    assert any(
        action.startswith("Could not book at once: You already have a place")
        for action in message.understanding["actions"]
    )
    assert db.session.scalar(select(func.count()).select_from(InboundMessage)) == 1
    assert [b.id for b in person.bookings if b.course_id != held.course_id] == []


def test_a_forward_keeps_the_forwarded_text_for_the_coordinator_but_does_not_act_on_it(
    courses, config, clock
):
    message = ingest(message_bytes("forward.eml"), now=clock(), config=config).message
    assert message.outcome == InboundOutcome.TRIAGE
    assert message.course_id is None
    assert message.understanding["course_ids"] == []
    assert message.body_text.startswith("Could you book Taylor onto this please?")
    assert "I'd like to go on the 2 March course in Kendal." in message.body_text


def test_a_middle_day_of_a_longer_course_names_that_course(make, config, clock):
    """Every day of a course is matched, not only its first and last (a five-day course
    named by its Wednesday)."""
    week = [date(2026, 3, 16) + timedelta(days=n) for n in range(5)]
    course = make.course(dates=week, venue_obj=make.venue("Kendal"))

    ingest(
        _simple("jo@cumberland.gov.uk", "Please book me on 18 March."), now=clock(), config=config
    )

    [reply] = outbox_rows()
    _url, link = link_from(reply)
    assert link.course_id == course.id


def test_a_reply_subject_is_not_read_for_dates(courses, config, clock):
    """A reply's subject came from an earlier message: a date in it is not this sender's."""
    reply = _simple("re@cumberland.gov.uk", "Yes please", subject="Re: places on 2 March")
    fresh = _simple("new@cumberland.gov.uk", "Yes please", subject="Booking for 2 March")

    assert ingest(reply, now=clock(), config=config).message.understanding["course_ids"] == []
    assert ingest(fresh, now=clock(), config=config).message.understanding["course_ids"] == [
        courses["kendal_march"].id
    ]


def test_asking_to_move_to_another_date_is_left_for_a_coordinator(courses, config, clock, make):
    jo = make.person(email="jo@cumberland.gov.uk")
    make.booking(courses["kendal_march"], jo)
    text = "I can't come on 2 March, could I do 10 March instead?"

    message = ingest(_simple("jo@cumberland.gov.uk", text), now=clock(), config=config).message

    assert message.outcome == InboundOutcome.TRIAGE
    assert message.understanding["intent"] == "move"
    assert _count(EmailLink) == 0
