"""Pure functions from courses to iCalendar: the public feed, and the shared "course day as
an event" that per-booking invites reuse. No personal details ever go into these.

Times are Europe/London wall-clock times with a TZID and a VTIMEZONE, so Outlook and
Google Calendar show 09:30 as 09:30 on both sides of the clock change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from icalendar.enums import STATUS

from .models import Course, CourseDay, CourseStatus
from .timezone import LONDON

PRODID = "-//Cumbria children's services//Signs of Safety training//EN"


def day_times(day: CourseDay) -> tuple[datetime, datetime]:
    """The start and end of a course day as aware Europe/London datetimes."""
    return (
        datetime.combine(day.date, day.starts_at, tzinfo=LONDON),
        datetime.combine(day.date, day.ends_at, tzinfo=LONDON),
    )


def course_day_uid(course: Course, day: CourseDay, domain: str) -> str:
    """The feed's UID for a course day; it never changes, whatever is edited."""
    return f"course-{course.id}-day-{day.day_number}@{domain}"


def course_day_event(
    course: Course,
    day: CourseDay,
    *,
    uid: str,
    sequence: int,
    stamp: datetime,
    url: str = "",
    cancelled: bool = False,
) -> Event:
    """One course day as a VEVENT: summary, times, venue, sequence and status.

    Callers choose the UID and SEQUENCE: the feed uses the course's, an invite uses the
    booking's. Nothing about any person is added here.
    """
    start, end = day_times(day)
    lines = [f"Day {day.day_number} of 2. In person only."]
    if course.venue.parking_notes:
        lines.append(f"Parking: {course.venue.parking_notes}")
    if course.venue.accessibility_notes:
        lines.append(f"Accessibility: {course.venue.accessibility_notes}")
    if url:
        lines.append(f"Details and booking: {url}")
    if cancelled:
        lines.insert(0, "This course has been cancelled.")
    return Event.new(
        uid=uid,
        sequence=sequence,
        stamp=stamp.astimezone(UTC),
        start=start,
        end=end,
        summary=f"{course.course_type.name} (day {day.day_number} of 2)",
        location=course.venue.one_line_address,
        description="\n".join(lines),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        url=url or None,
    )


def add_timezone(cal: Calendar, days: Iterable[CourseDay]) -> None:
    """Add the Europe/London VTIMEZONE, covering only the years the events need."""
    dates = [d.date for d in days]
    if dates:
        cal.add_missing_timezones(
            first_date=min(dates) - timedelta(days=366), last_date=max(dates) + timedelta(days=366)
        )


def courses_feed(
    courses: Iterable[Course], *, domain: str, now: datetime, course_url=None
) -> bytes:
    """The subscribable feed: one event per course day of each published or cancelled course.

    `course_url(course)` gives the public address of a course page, if wanted.
    """
    cal = Calendar.new(
        prodid=PRODID,
        uid=f"courses-feed@{domain}",
        name="Signs of Safety training courses",
        description="Signs of Safety training courses for Cumbria. In person only.",
        refresh_interval=timedelta(hours=6),
    )
    all_days = []
    for course in courses:
        if course.status not in (CourseStatus.PUBLISHED, CourseStatus.CANCELLED):
            continue
        for day in course.days:
            cal.add_component(
                course_day_event(
                    course,
                    day,
                    uid=course_day_uid(course, day, domain),
                    sequence=course.schedule_version,
                    stamp=now,
                    url=course_url(course) if course_url else "",
                    cancelled=course.status == CourseStatus.CANCELLED,
                )
            )
            all_days.append(day)
    add_timezone(cal, all_days)
    return cal.to_ical()
