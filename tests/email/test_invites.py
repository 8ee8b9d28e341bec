"""Calendar invitations built on their own: one event, stable UID, London times, no secrets."""

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from booking.mail.outbound import invitations
from booking.models import BookingStatus

from .helpers import DAY_AFTER_CLOCKS_CHANGE, DAY_BEFORE_CLOCKS_CHANGE, NOW

MAILBOX = "SignsOfSafety@cumbria.gov.uk"


def _booking(make, **fields):
    course = make.course(DAY_BEFORE_CLOCKS_CHANGE, DAY_AFTER_CLOCKS_CHANGE)
    person = make.person(full_name="Alex Example")
    return make.booking(course, person, support_needs="Needs a hearing loop", **fields)


def _invite(booking, day_index=0, method=invitations.REQUEST, sequence=1, now=NOW):
    data = invitations.day_invitation(
        booking,
        booking.course.days[day_index],
        method=method,
        sequence=sequence,
        organiser=MAILBOX,
        organiser_name="Signs of Safety training",
        now=now,
    )
    return data, Calendar.from_ical(data)


def test_each_invitation_holds_exactly_one_event_for_one_day(make):
    booking = _booking(make)
    for index in (0, 1):
        _, calendar = _invite(booking, index)
        assert calendar["METHOD"] == "REQUEST"
        assert len(calendar.events) == 1
        assert calendar.events[0]["UID"] == f"booking-{booking.id}-day-{index + 1}@cumbria.gov.uk"


def test_local_times_are_right_either_side_of_the_clock_change(make):
    booking = _booking(make)
    _, before = _invite(booking, 0)
    _, after = _invite(booking, 1)
    assert before.events[0].start.astimezone(UTC) == datetime(2026, 3, 27, 9, 30, tzinfo=UTC)
    assert after.events[0].start.astimezone(UTC) == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert after.events[0].end.astimezone(UTC) == datetime(2026, 3, 30, 15, 30, tzinfo=UTC)
    assert [tz["TZID"] for tz in before.walk("VTIMEZONE")] == ["Europe/London"]
    assert b"DTSTART;TZID=Europe/London:20260330T093000" in invitations.day_invitation(
        booking, booking.course.days[1], method="REQUEST", sequence=1, organiser=MAILBOX, now=NOW
    )


def test_invitation_names_the_mailbox_as_organiser_and_asks_no_reply(make):
    booking = _booking(make)
    _, calendar = _invite(booking)
    event = calendar.events[0]
    assert str(event["ORGANIZER"]) == f"mailto:{MAILBOX}"
    attendee = event["ATTENDEE"]
    assert str(attendee) == f"mailto:{booking.person.email}"
    assert attendee.params["RSVP"] == "FALSE"
    assert event["LOCATION"] == booking.course.venue.one_line_address
    assert event["DTSTAMP"].dt == NOW
    assert event["STATUS"] == "CONFIRMED"


def test_uid_stays_the_same_and_sequence_rises_across_changes(make):
    booking = _booking(make)
    _, first = _invite(booking, sequence=1)
    _, second = _invite(booking, sequence=2, now=NOW + timedelta(days=1))
    assert first.events[0]["UID"] == second.events[0]["UID"]
    assert second.events[0]["SEQUENCE"] > first.events[0]["SEQUENCE"]


def test_cancellation_has_the_same_uid_and_is_marked_cancelled(make):
    booking = _booking(make)
    _, request = _invite(booking, sequence=1)
    _, cancel = _invite(booking, method=invitations.CANCEL, sequence=2)
    assert cancel["METHOD"] == "CANCEL"
    assert cancel.events[0]["UID"] == request.events[0]["UID"]
    assert cancel.events[0]["STATUS"] == "CANCELLED"


def test_no_support_needs_or_management_link_in_any_calendar(make):
    booking = _booking(make)
    for data in (
        _invite(booking)[0],
        _invite(booking, method=invitations.CANCEL)[0],
        invitations.booking_calendar(booking, organiser=MAILBOX, now=NOW),
    ):
        text = Calendar.from_ical(data).to_ical().decode()
        assert "hearing loop" not in text.replace("\r\n ", "")
        assert booking.link_key not in text
        assert "/b/" not in text


def test_download_has_both_days_with_the_invitation_uids(make):
    booking = _booking(make, invite_sequence=3)
    calendar = Calendar.from_ical(invitations.booking_calendar(booking, organiser=MAILBOX, now=NOW))
    assert calendar["METHOD"] == "PUBLISH"
    assert [e["UID"] for e in calendar.events] == [
        f"booking-{booking.id}-day-1@cumbria.gov.uk",
        f"booking-{booking.id}-day-2@cumbria.gov.uk",
    ]
    assert {e["SEQUENCE"] for e in calendar.events} == {3}


def test_download_for_a_cancelled_booking_shows_the_days_cancelled(make):
    booking = _booking(make, status=BookingStatus.CANCELLED)
    calendar = Calendar.from_ical(invitations.booking_calendar(booking, organiser=MAILBOX, now=NOW))
    assert {e["STATUS"] for e in calendar.events} == {"CANCELLED"}


def test_the_booking_page_download_uses_the_configured_mailbox(app, make):
    from booking.mail.outbound import composing

    booking = _booking(make)
    calendar = Calendar.from_ical(composing.booking_calendar(booking, now=NOW))
    assert len(calendar.events) == 2
    assert str(calendar.events[0]["ORGANIZER"]) == f"mailto:{app.config['TRAINING_MAILBOX']}"


def test_the_feed_invitations_and_downloads_name_one_product(make):
    booking = _booking(make)
    feed = invitations.courses_feed([booking.course], domain="example.org", now=NOW)
    download = invitations.booking_calendar(booking, organiser=MAILBOX, now=NOW)
    products = {
        str(Calendar.from_ical(data)["PRODID"]) for data in (feed, _invite(booking)[0], download)
    }
    assert products == {invitations.PRODID}
