"""A course page offers its two days as one calendar file to download, for someone who wants
the dates without booking (the feed is for subscribing to every course)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from icalendar import Calendar

from booking.models import CourseStatus


def test_a_course_page_links_to_a_file_of_its_two_days(client, clock, make):
    course = make.course(
        date(2026, 3, 27), date(2026, 3, 30), venue_obj=make.venue("Barrow-in-Furness")
    )
    page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert f'href="/courses/{course.id}.ics" download>Add both days to your calendar' in page

    response = client.get(f"/courses/{course.id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="signs-of-safety-2026-03-27-barrow-in-furness.ics"'
    )
    calendar = Calendar.from_ical(response.data)
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.DTSTART)
    assert [str(e["UID"]) for e in events] == [
        f"course-{course.id}-day-1@localhost",  # the feed's, so the two never double up
        f"course-{course.id}-day-2@localhost",
    ]
    assert events[1].DTSTART.astimezone(UTC) == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert "Barrow-in-Furness" in str(events[0]["LOCATION"])
    assert calendar.walk("VTIMEZONE")
    assert "REFRESH-INTERVAL" not in calendar  # a file to keep, not a feed


def test_a_cancelled_course_file_says_so_and_a_draft_has_none(client, clock, make):
    cancelled = make.course(date(2026, 3, 2), status=CourseStatus.CANCELLED)
    draft = make.course(date(2026, 3, 9), status=CourseStatus.DRAFT, starts_at=time(10, 0))
    events = Calendar.from_ical(client.get(f"/courses/{cancelled.id}.ics").data).walk("VEVENT")
    assert {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert client.get(f"/courses/{draft.id}.ics").status_code == 404
    assert client.get("/courses/999999.ics").status_code == 404
