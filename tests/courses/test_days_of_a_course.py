"""A course has from 1 to 5 days: saving, changing and copying them, and the calendars that
follow (one invitation per day, a removed day cancelled, the feed)."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, time
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from booking.mail.outbound import invitations
from booking.models import BookingStatus, CourseStatus
from booking.services import courses as service
from booking.services import emails
from booking.services.courses import DayDetails, default_days_count
from booking.services.errors import Problems

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
MONDAY, TUESDAY, WEDNESDAY = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def _days(*dates: date) -> list[DayDetails]:
    return [DayDetails(when, time(9, 30), time(16, 30)) for when in dates]


def _problems(call) -> list[tuple[str, str]]:
    with pytest.raises(Problems) as error:
        call()
    return error.value.problems


def _invites(outbox, kind=None) -> list[tuple[str, str, int, str]]:
    """(method, UID, SEQUENCE, STATUS) of each calendar message queued, in order; each
    message must carry one calendar with exactly one event."""
    found = []
    for message in outbox():
        if message.kind not in ("calendar_invite", "calendar_cancel"):
            continue
        [attachment] = message.attachments
        calendar = Calendar.from_ical(base64.b64decode(attachment["data"]))
        [event] = calendar.events
        found.append(
            (
                str(calendar["METHOD"]),
                str(event["UID"]),
                int(event["SEQUENCE"]),
                str(event["STATUS"]),
            )
        )
    return found


def test_a_course_of_one_or_three_days_is_saved_with_its_days_in_order(details):
    one = service.create_course(details(days=_days(MONDAY)), actor="test", now=NOW)
    three = service.create_course(
        details(days=_days(MONDAY, TUESDAY, WEDNESDAY)), actor="test", now=NOW
    )
    assert [(d.day_number, d.date) for d in one.days] == [(1, MONDAY)]
    assert [(d.day_number, d.date) for d in three.days] == [
        (1, MONDAY),
        (2, TUESDAY),
        (3, WEDNESDAY),
    ]
    assert three.release_on == date(2026, 2, 16)  # from day 1, whatever the number of days


@pytest.mark.parametrize("count", [0, 6])
def test_a_course_has_from_one_to_five_days(details, count):
    dates = [date(2026, 3, 2 + n) for n in range(count)]
    problems = _problems(
        lambda: service.create_course(details(days=_days(*dates)), actor="test", now=NOW)
    )
    assert problems == [("days_count", "A course has from 1 to 5 days")]


def test_each_day_must_come_after_the_one_before(details):
    out_of_order = _days(MONDAY, WEDNESDAY, TUESDAY)
    problems = _problems(
        lambda: service.create_course(details(days=out_of_order), actor="test", now=NOW)
    )
    assert problems == [("day3_date", "Day 3 must be after day 2")]


def test_no_two_days_on_the_same_date(details):
    same = _days(MONDAY, TUESDAY, TUESDAY)
    problems = _problems(lambda: service.create_course(details(days=same), actor="test", now=NOW))
    assert problems == [("day3_date", "Day 3 must be after day 2")]


def test_the_last_day_must_be_near_day_one(details):
    days = _days(MONDAY, TUESDAY, date(2026, 3, 20))
    problems = _problems(lambda: service.create_course(details(days=days), actor="test", now=NOW))
    assert problems == [("day3_date", "Day 3 must be no more than 14 days after day 1")]


def test_the_default_number_of_days_comes_from_one_place():
    assert default_days_count() == 2
    assert default_days_count(SimpleNamespace(days_count=3)) == 3
    assert default_days_count(SimpleNamespace()) == 2


def test_setting_up_the_next_date_copies_every_day(make):
    course = make.course(dates=[MONDAY, TUESDAY, WEDNESDAY])
    copy = service.duplicate_course(course, weeks_later=4, actor="test", now=NOW)
    assert [d.date for d in copy.days] == [date(2026, 3, 30), date(2026, 3, 31), date(2026, 4, 1)]
    single = service.duplicate_course(
        make.course(dates=[MONDAY]), weeks_later=1, actor="test", now=NOW
    )
    assert [d.date for d in single.days] == [date(2026, 3, 9)]


def test_booking_a_three_day_course_sends_one_invitation_per_day(make, outbox):
    course = make.course(dates=[MONDAY, TUESDAY, WEDNESDAY])
    booking = make.booking(course, status=BookingStatus.CONFIRMED)
    emails.place_confirmed(booking, now=NOW)
    assert _invites(outbox) == [
        ("REQUEST", f"booking-{booking.id}-day-{n}@cumbria.gov.uk", 1, "CONFIRMED")
        for n in (1, 2, 3)
    ]
    [confirmation] = outbox("place_confirmed")
    assert "Please come to all 3 days." in confirmation.text_body
    assert "both days" not in confirmation.text_body


def test_a_one_day_course_sends_one_invitation_that_names_no_day(make, outbox):
    course = make.course(dates=[MONDAY])
    booking = make.booking(course, status=BookingStatus.CONFIRMED)
    emails.place_confirmed(booking, now=NOW)
    assert _invites(outbox) == [
        ("REQUEST", f"booking-{booking.id}-day-1@cumbria.gov.uk", 1, "CONFIRMED")
    ]
    [invite] = outbox("calendar_invite")
    assert invite.subject == (
        "Calendar invitation: Signs of Safety Two Day Introductory Training, Monday 2 March 2026"
    )
    [confirmation] = outbox("place_confirmed")
    assert "Please come for the whole day." in confirmation.text_body
    assert "a calendar invitation for the day, in a separate email" in confirmation.text_body


def test_removing_a_day_cancels_it_in_calendars_and_updates_the_others(make, details, outbox):
    course = make.course(dates=[MONDAY, TUESDAY, WEDNESDAY])
    booking = make.booking(course, status=BookingStatus.CONFIRMED)
    emails.place_confirmed(booking, now=NOW)
    service.update_course(
        course, details(venue=course.venue, days=_days(MONDAY, TUESDAY)), actor="test", now=NOW
    )
    assert [d.day_number for d in course.days] == [1, 2]
    assert course.schedule_version == 1
    uid = f"booking-{booking.id}-day-{{}}@cumbria.gov.uk"
    assert _invites(outbox)[3:] == [
        ("REQUEST", uid.format(1), 2, "CONFIRMED"),
        ("REQUEST", uid.format(2), 2, "CONFIRMED"),
        ("CANCEL", uid.format(3), 2, "CANCELLED"),
    ]
    [cancelled] = outbox("calendar_cancel")
    assert cancelled.subject.endswith("day 3, Wednesday 4 March 2026")
    [told] = outbox("course_changed")
    assert "Day 3, on Wednesday 4 March 2026, is no longer part of the course." in told.text_body


def test_adding_a_day_invites_everyone_with_a_place_to_it(make, details, outbox):
    course = make.course(dates=[MONDAY])
    booking = make.booking(course, status=BookingStatus.CONFIRMED)
    emails.place_confirmed(booking, now=NOW)
    service.update_course(
        course, details(venue=course.venue, days=_days(MONDAY, TUESDAY)), actor="test", now=NOW
    )
    uid = f"booking-{booking.id}-day-{{}}@cumbria.gov.uk"
    assert _invites(outbox)[1:] == [
        ("REQUEST", uid.format(1), 2, "CONFIRMED"),
        ("REQUEST", uid.format(2), 2, "CONFIRMED"),
    ]
    [told] = outbox("course_changed")
    assert "The course now has a day 2, on Tuesday 3 March 2026, 9:30am to 4:30pm." in (
        told.text_body
    )


def test_the_number_of_days_cannot_change_once_the_course_has_started(make, details):
    course = make.course(dates=[MONDAY, TUESDAY, WEDNESDAY])
    on_day_two = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
    problems = _problems(
        lambda: service.update_course(
            course,
            details(venue=course.venue, days=_days(MONDAY, TUESDAY)),
            actor="test",
            now=on_day_two,
        )
    )
    assert ("days_count", "This course has started, so its number of days cannot change") in (
        problems
    )
    assert len(course.days) == 3


def test_a_draft_can_gain_days_without_telling_anyone(make, details, outbox):
    course = make.course(dates=[MONDAY], status=CourseStatus.DRAFT)
    service.update_course(
        course,
        details(venue=course.venue, days=_days(MONDAY, TUESDAY, WEDNESDAY)),
        actor="test",
        now=NOW,
    )
    assert len(course.days) == 3 and course.schedule_version == 0
    assert outbox("course_changed") == []


def test_the_feed_has_an_event_for_every_day_of_every_course(make):
    three = make.course(dates=[MONDAY, TUESDAY, WEDNESDAY])
    one = make.course(dates=[date(2026, 3, 9)])
    feed = Calendar.from_ical(invitations.courses_feed([three, one], domain="example.org", now=NOW))
    summaries = sorted(str(event["SUMMARY"]) for event in feed.events)
    name = "Signs of Safety Two Day Introductory Training"
    assert summaries == [name, *(f"{name} (day {n} of 3)" for n in (1, 2, 3))]
    uids = {str(event["UID"]) for event in feed.events}
    assert f"course-{three.id}-day-3@example.org" in uids
    assert f"course-{one.id}-day-1@example.org" in uids
