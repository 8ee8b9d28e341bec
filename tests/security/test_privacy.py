"""Purge, export and erase: personal data goes when it should, and only the counts stay."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from booking.extensions import db as _db
from booking.models import (
    AttendanceChange,
    AttendanceMark,
    AuditEvent,
    Booking,
    BookingStatus,
    CompletionSource,
    EmailLink,
    Group,
    InboundMessage,
    InboundOutcome,
    LinkPurpose,
    Mark,
    OutboxMessage,
    Person,
    TrainingCompletion,
)
from booking.services import privacy
from booking.services.errors import NotAllowed, ValidationError

from ..support.stored import everything_stored

SETTINGS = {
    "support_needs_days": 30,
    "staff_years": 6,
    "partner_years": 6,
    "message_text_days": 30,
}


def _purge(now, **overrides):
    return privacy.purge(now=now, **{**SETTINGS, **overrides})


def _counts():
    """The numbers reports need: bookings by course and status, marks, completions."""
    bookings = _db.session.execute(
        select(Booking.course_id, Booking.status, func.count()).group_by(
            Booking.course_id, Booking.status
        )
    ).all()
    by_group = _db.session.execute(
        select(Person.group, func.count(Booking.id))
        .join(Booking, Booking.person_id == Person.id)
        .group_by(Person.group)
    ).all()
    return (
        sorted(bookings),
        sorted(by_group),
        _db.session.scalar(select(func.count(AttendanceMark.id))),
        _db.session.scalar(select(func.count(TrainingCompletion.id))),
    )


@pytest.fixture
def old_course(make):
    """A course that ended on 3 March 2019."""
    return make.course(date(2019, 3, 2))


def _full_history(make, db, course, person):
    """A person with every kind of record we keep about people."""
    booking = make.booking(
        course,
        person,
        status=BookingStatus.CANCELLED,
        support_needs="Wheelchair user",
        reason=f"{person.full_name} rang to cancel",
        requested_at=datetime(2019, 1, 2, tzinfo=UTC),
    )
    db.session.add_all(
        [
            AttendanceMark(booking_id=booking.id, course_day_id=course.days[0].id, mark=Mark.LATE),
            AttendanceChange(
                booking_id=booking.id,
                course_day_id=course.days[0].id,
                new_mark="late",
                reason=f"{person.full_name} was stuck in traffic",
            ),
            TrainingCompletion(
                person_id=person.id,
                course_type_id=course.course_type_id,
                completed_on=date(2019, 3, 3),
                source=CompletionSource.ELSEWHERE,
                reason=f"Certificate from {person.full_name}",
            ),
            EmailLink(
                purpose=LinkPurpose.SIGN_IN,
                token_hash="1" * 64,
                email=person.email,
                expires_at=datetime(2019, 1, 1, tzinfo=UTC),
                details={"full_name": person.full_name},
            ),
            OutboxMessage(
                kind="place_confirmed",
                to_address=person.email,
                subject="You have a place",
                text_body=f"Dear {person.full_name}",
                html_body=f"<p>Dear {person.full_name}</p>",
                booking_id=booking.id,
            ),
            InboundMessage(
                fingerprint=f"fp-{person.id}",
                sender=person.email,
                subject="Please book me",
                body_text=f"Thanks, {person.full_name}",
                outcome=InboundOutcome.CLOSED,
                # Some mail programs put the sender's address in their message ids.
                message_id_header=f"<2019.{person.email}>",
                reference_ids=f"<2018.{person.email}>",
            ),
            AuditEvent(
                actor="system",
                action="booking.requested",
                object_type="booking",
                object_id=booking.id,
                details={"email": person.email},
                reason=f"Asked by {person.full_name}",
            ),
        ]
    )
    db.session.commit()
    return booking


def _the_last_day_plus(course, days: int) -> datetime:
    last = course.days[-1].date + timedelta(days=days)
    return datetime(last.year, last.month, last.day, 12, tzinfo=UTC)


def test_support_needs_are_deleted_thirty_days_after_the_course_ends(make, db):
    course = make.course(date(2026, 3, 2))
    booking = make.booking(course, support_needs="Hearing loop, please")
    assert _purge(_the_last_day_plus(course, 29)).support_needs_deleted == 0
    assert db.session.get(Booking, booking.id).support_needs == "Hearing loop, please"
    moment = _the_last_day_plus(course, 30)
    summary = _purge(moment)
    assert summary.support_needs_deleted == 1
    db.session.expire_all()
    kept = db.session.get(Booking, booking.id)
    assert kept.support_needs == ""
    assert kept.support_needs_deleted_at == moment
    assert kept.status == BookingStatus.CONFIRMED


def test_purge_twice_does_nothing_the_second_time(make, db, old_course):
    staff = make.person(
        Group.STAFF, full_name="Alice Staff", created_at=datetime(2018, 1, 1, tzinfo=UTC)
    )
    _full_history(make, db, old_course, staff)
    now = datetime(2026, 1, 5, tzinfo=UTC)
    first = _purge(now)
    assert (first.support_needs_deleted, first.staff_anonymised) == (1, 1)
    second = _purge(now)
    assert second.as_dict() == {
        "support_needs_deleted": 0,
        "message_texts_deleted": 0,
        "staff_anonymised": 0,
        "partner_anonymised": 0,
        "links_deleted": 0,
        "feedback_forms_closed": 0,
    }


def test_staff_and_partners_have_separate_retention_periods(make, db, old_course):
    long_ago = datetime(2018, 1, 1, tzinfo=UTC)
    staff = make.person(Group.STAFF, created_at=long_ago)
    partner = make.person(Group.PARTNER, created_at=long_ago)
    make.booking(old_course, staff, status=BookingStatus.CANCELLED, requested_at=long_ago)
    make.booking(old_course, partner, status=BookingStatus.CANCELLED, requested_at=long_ago)
    summary = _purge(datetime(2026, 1, 5, tzinfo=UTC), staff_years=6, partner_years=8)
    assert (summary.staff_anonymised, summary.partner_anonymised) == (1, 0)
    summary = _purge(datetime(2028, 1, 5, tzinfo=UTC), staff_years=6, partner_years=8)
    assert (summary.staff_anonymised, summary.partner_anonymised) == (0, 1)


def test_someone_with_a_recent_booking_or_a_live_one_is_kept(make, db, old_course):
    long_ago = datetime(2018, 1, 1, tzinfo=UTC)
    recent = make.person(created_at=long_ago)
    make.booking(old_course, recent, status=BookingStatus.CANCELLED, requested_at=long_ago)
    later_course = make.course(date(2024, 5, 1))
    make.booking(later_course, recent, status=BookingStatus.CANCELLED, requested_at=long_ago)
    waiting = make.person(created_at=long_ago)
    still_to_come = make.course(date(2026, 2, 3))
    make.booking(still_to_come, waiting, status=BookingStatus.WAITLISTED, requested_at=long_ago)
    gone = make.person(created_at=long_ago)
    make.booking(old_course, gone, status=BookingStatus.CANCELLED, requested_at=long_ago)
    assert _purge(datetime(2026, 1, 5, tzinfo=UTC)).staff_anonymised == 1
    assert [p.anonymised_at is not None for p in (recent, waiting, gone)] == [False, False, True]


def test_purge_leaves_nothing_behind_but_the_counts(make, db, old_course, runner):
    person = make.person(
        Group.PARTNER,
        email="zoe.unique@nhs.net",
        full_name="Zoe Uniquename",
        line_manager_email="boss.unique@nhs.net",
        created_at=datetime(2018, 1, 1, tzinfo=UTC),
    )
    _full_history(make, db, old_course, person)
    before = _counts()
    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "Partner agency workers anonymised: 1." in result.output
    db.session.expire_all()
    stored = everything_stored()
    for trace in ("zoe.unique", "uniquename", "boss.unique", "wheelchair"):
        assert trace not in stored
    assert _counts() == before
    assert db.session.get(Person, person.id).anonymised_at is not None


def test_erasing_a_person_leaves_nothing_behind_but_the_counts(make, db, old_course, clock):
    person = make.person(email="yan.unique@cumberland.gov.uk", full_name="Yan Uniquename")
    _full_history(make, db, old_course, person)
    coordinator = make.coordinator()
    before = _counts()
    privacy.erase_person(person, actor=coordinator, now=clock.now, reason="They asked us to")
    db.session.expire_all()
    stored = everything_stored()
    assert "yan.unique" not in stored and "uniquename" not in stored
    assert "wheelchair" not in stored
    assert _counts() == before
    event = AuditEvent.query.filter_by(action="person.erased").one()
    assert event.reason == "They asked us to"
    assert event.user_id == coordinator.id


def test_erasing_needs_a_reason_and_no_live_bookings(make, clock):
    person = make.person()
    with pytest.raises(ValidationError):
        privacy.erase_person(person, actor="test", now=clock.now, reason=" ")
    make.booking(make.course(), person, status=BookingStatus.CONFIRMED)
    with pytest.raises(NotAllowed):
        privacy.erase_person(person, actor="test", now=clock.now, reason="Asked")


def test_export_holds_everything_and_is_json(make, db, old_course):
    person = make.person(full_name="Xena Exported")
    _full_history(make, db, old_course, person)
    data = privacy.export_person(person)
    text = json.dumps(data)
    assert data["person"]["full_name"] == "Xena Exported"
    assert data["bookings"][0]["support_needs"] == "Wheelchair user"
    assert data["bookings"][0]["attendance"][0]["mark"] == "late"
    assert data["training_completed"][0]["reason"] == "Certificate from Xena Exported"
    assert data["emails_sent_to_them"][0]["subject"] == "You have a place"
    assert data["emails_from_them"][0]["text"] == "Thanks, Xena Exported"
    assert "booking.requested" in text


def test_coordinators_can_export_and_every_look_is_recorded(
    client, make, db, old_course, sign_in_coordinator
):
    person = make.person(full_name="Xena Exported")
    _full_history(make, db, old_course, person)
    sign_in_coordinator(make.coordinator())
    found = client.post("/coordinator/privacy", data={"email": person.email.upper()})
    assert found.headers["Location"] == f"/coordinator/privacy/people/{person.id}"
    page = client.get(found.headers["Location"])
    assert b"Wheelchair user" in page.data and b"Xena Exported" in page.data
    assert page.headers["Cache-Control"] == "no-store"
    download = client.get(f"/coordinator/privacy/people/{person.id}/export.json")
    assert download.mimetype == "application/json"
    assert "attachment" in download.headers["Content-Disposition"]
    assert json.loads(download.data)["person"]["full_name"] == "Xena Exported"
    looks = AuditEvent.query.filter_by(action="person.exported", object_id=person.id).all()
    assert sorted(e.details["form"] for e in looks) == ["JSON file", "page"]


def test_an_unknown_address_finds_nobody(client, make, sign_in_coordinator):
    sign_in_coordinator(make.coordinator())
    page = client.post("/coordinator/privacy", data={"email": "nobody@nhs.net"})
    assert b"We hold nothing about that email address" in page.data


def test_a_coordinator_erases_through_the_page(client, make, db, sign_in_coordinator):
    person = make.person(full_name="Wanda Erased")
    sign_in_coordinator(make.coordinator())
    assert b"Erase" in client.get(f"/coordinator/privacy/people/{person.id}/erase").data
    refused = client.post(f"/coordinator/privacy/people/{person.id}/erase", data={"reason": ""})
    assert b"Say why you are erasing their details" in refused.data
    done = client.post(
        f"/coordinator/privacy/people/{person.id}/erase", data={"reason": "Asked by phone"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, person.id).full_name == ""


def _audit_table(response) -> str:
    return response.get_data(as_text=True).split('<table class="govuk-table">', 1)[1]


def test_the_audit_trail_is_read_only_and_can_be_filtered(
    app, client, make, sign_in_coordinator, clock
):
    user = make.coordinator(full_name="Carol Coordinator")
    person = make.person()
    privacy.erase_person(person, actor=user, now=clock.now, reason="Asked by email")
    _purge(clock.now)
    sign_in_coordinator(user)
    page = _audit_table(client.get("/coordinator/audit"))
    assert "Person&#39;s details erased" in page and "Old personal details deleted" in page
    filtered = _audit_table(client.get("/coordinator/audit", query_string={"action": "person"}))
    assert "Person&#39;s details erased" in filtered
    assert "Old personal details deleted" not in filtered
    by_who = client.get("/coordinator/audit", query_string={"actor": "carol"})
    assert b"Asked by email" in by_who.data
    bad = client.get("/coordinator/audit", query_string={"object_id": "abc"})
    assert bad.status_code == 200
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/coordinator/audit")]
    assert all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_export_says_an_email_not_yet_written_out_is_being_written(make, db, clock):
    from booking.services import requests

    person = make.person()
    requests.book_place(make.course(), person, actor="test", now=clock())
    [email] = privacy.export_person(person)["emails_sent_to_them"][:1]
    assert email["subject"] == privacy.STILL_BEING_WRITTEN
