"""The iCalendar feed at /courses.ics, read back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar

from booking.mail.outbound import invitations
from booking.models import CourseStatus
from booking.services import courses as service
from booking.services.courses import DayDetails


def feed(client) -> Calendar:
    response = client.get("/courses.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events_by_uid(cal: Calendar) -> dict:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_times_are_right_either_side_of_the_clock_change(client, clock, make):
    # The clocks go forward on Sunday 29 March 2026.
    course = make.course(date(2026, 3, 27), date(2026, 3, 30), starts_at=time(9, 30))
    events = events_by_uid(feed(client))
    day1 = events[f"course-{course.id}-day-1@localhost"]
    day2 = events[f"course-{course.id}-day-2@localhost"]
    assert day1.DTSTART.astimezone(UTC) == datetime(2026, 3, 27, 9, 30, tzinfo=UTC)
    assert day2.DTSTART.astimezone(UTC) == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert day1["DTSTART"].params["TZID"] == "Europe/London"
    assert day2.DTEND.astimezone(UTC) == datetime(2026, 3, 30, 15, 30, tzinfo=UTC)


def test_the_feed_carries_a_europe_london_timezone(client, clock, make):
    make.course(date(2026, 3, 27), date(2026, 3, 30))
    timezones = feed(client).walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Europe/London"]


def test_one_event_per_course_day_with_the_venue_and_no_personal_details(client, clock, make):
    course = make.course(
        venue_obj=make.venue("Carlisle", name="Civic Centre", address="Rickergate")
    )
    person = make.person()
    make.booking(course, person, support_needs="Needs a hearing loop")
    response = client.get("/courses.ics")
    cal = Calendar.from_ical(response.data)
    events = cal.walk("VEVENT")
    assert len(events) == 2
    assert str(events[0]["LOCATION"]) == "Civic Centre, Rickergate, LA9 4DL"
    assert str(events[0]["STATUS"]) == "CONFIRMED"
    assert f"/courses/{course.id}" in str(events[0]["URL"])
    body = response.get_data(as_text=True)
    assert person.email not in body and person.full_name not in body
    assert "hearing loop" not in body


def test_uids_stay_the_same_when_a_course_changes_and_sequence_goes_up(client, clock, make):
    course = make.course(date(2026, 3, 2))
    before = events_by_uid(feed(client))
    service.update_course(
        course,
        service.CourseDetails(
            venue=course.venue,
            total_places=20,
            partner_places=4,
            days=[
                DayDetails(date(2026, 3, 9), time(10, 0), time(16, 0)),
                DayDetails(date(2026, 3, 10), time(10, 0), time(16, 0)),
            ],
        ),
        actor="test",
        now=clock(),
    )
    after = events_by_uid(feed(client))
    assert set(after) == set(before)
    uid = f"course-{course.id}-day-1@localhost"
    assert int(before[uid]["SEQUENCE"]) == 0
    assert int(after[uid]["SEQUENCE"]) == 1
    assert after[uid].DTSTART.date() == date(2026, 3, 9)


def test_drafts_and_past_courses_are_left_out_and_cancelled_ones_marked(client, clock, make):
    draft = make.course(status=CourseStatus.DRAFT)
    past = make.course(date(2025, 12, 1))
    cancelled = make.course(date(2026, 4, 6), status=CourseStatus.CANCELLED)
    events = events_by_uid(feed(client))
    assert not any(f"course-{draft.id}-" in uid or f"course-{past.id}-" in uid for uid in events)
    assert str(events[f"course-{cancelled.id}-day-1@localhost"]["STATUS"]) == "CANCELLED"


def test_an_empty_feed_is_still_a_valid_calendar(client, clock):
    cal = feed(client)
    assert cal.walk("VEVENT") == []


def test_a_course_day_event_can_carry_an_invites_own_uid_and_sequence(make):
    course = make.course(date(2026, 3, 27), date(2026, 3, 30))
    stamp = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    event = invitations.course_day_event(
        course, course.days[1], uid="booking-7-day-2@example.org", sequence=3, stamp=stamp
    )
    assert str(event["UID"]) == "booking-7-day-2@example.org"
    assert int(event["SEQUENCE"]) == 3
    assert event.DTSTART.astimezone(UTC) == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert stamp == event.DTSTAMP
