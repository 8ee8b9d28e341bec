"""Calendar files: pure functions from courses and bookings to iCalendar bytes, with one
builder (`_calendar`: one PRODID, one Europe/London VTIMEZONE) for every kind.

- The public feed (`courses_feed`): every day of the published and cancelled courses, each
  with a UID that never changes (`course-<id>-day-<n>@<site host>`). Nothing about any
  person goes into it.
- One booking's calendar: an invitation or cancellation for one course day (`day_invitation`;
  Outlook acts only on the first VEVENT of an invitation and on one invitation per message,
  so every course day is its own invitation), and both days as a file to download
  (`booking_calendar`). Each day's UID is per booking and day and never changes
  (`booking-<id>-day-<n>@<mailbox domain>`); the SEQUENCE is the booking's
  `invite_sequence`, which the service sending the invitations raises with every change.
  Nothing private (support needs, links that let someone manage the booking) goes into a
  calendar entry: calendars are often shared.

Times are Europe/London wall-clock times with a TZID and a VTIMEZONE, so Outlook and
Google Calendar show 09:30 as 09:30 on both sides of the clock change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress
from icalendar.enums import STATUS, TRANSP

from ...models import Booking, Course, CourseDay, CourseStatus

PRODID = "-//Cumbria children's services//Signs of Safety training booking//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def _calendar(
    events: Iterable[Event], *, days: Iterable[CourseDay], method: str = "", **properties
) -> bytes:
    """The one VCALENDAR builder: PRODID, METHOD (if any), the events, and the VTIMEZONE.

    `properties` are calendar properties icalendar knows by name (`uid`, `calendar_name`,
    `description`, `refresh_interval`), for the feed.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    for name, value in properties.items():
        setattr(calendar, name, value)
    for event in events:
        calendar.add_component(event)
    dates = [day.date for day in days]
    if dates:
        # Whole calendar years: a small VTIMEZONE that still carries both clock changes.
        first, last = min(dates), max(dates)
        calendar.add_missing_timezones(
            first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
        )
    return calendar.to_ical()


# --- The public feed ---------------------------------------------------------------------


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
        start=day.starts_in_london,
        end=day.ends_in_london,
        summary=(
            f"{course.course_type.name} (day {day.day_number} of {len(course.days)})"
            if len(course.days) > 1
            else course.course_type.name
        ),
        location=course.venue.one_line_address,
        description="\n".join(lines),
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        url=url or None,
    )


def courses_feed(
    courses: Iterable[Course], *, domain: str, now: datetime, course_url=None
) -> bytes:
    """The subscribable feed: one event per course day of each published or cancelled course.

    `course_url(course)` gives the public address of a course page, if wanted.
    """
    shown = [c for c in courses if c.status in (CourseStatus.PUBLISHED, CourseStatus.CANCELLED)]
    return _calendar(
        _course_day_events(shown, domain=domain, now=now, course_url=course_url),
        days=[day for course in shown for day in course.days],
        uid=f"courses-feed@{domain}",
        calendar_name="Signs of Safety training courses",
        description="Signs of Safety training courses for Cumbria. In person only.",
        refresh_interval=timedelta(hours=6),
    )


def course_file(course: Course, *, domain: str, now: datetime, course_url=None) -> bytes:
    """One course's days as a file to open in a calendar, for someone not (yet) booking.

    The events have the feed's UIDs, so a calendar that has both shows each day once."""
    return _calendar(
        _course_day_events([course], domain=domain, now=now, course_url=course_url),
        days=course.days,
    )


def course_file_name(course: Course) -> str:
    """signs-of-safety-2026-03-02-barrow-in-furness.ics: says what it is in a downloads folder."""
    town = re.sub(r"[^a-z0-9]+", "-", course.venue.town.lower()).strip("-")
    return f"signs-of-safety-{course.first_day.date.isoformat()}-{town}.ics"


def _course_day_events(courses: list[Course], *, domain: str, now: datetime, course_url):
    days = [(course, day) for course in courses for day in course.days]
    return [
        course_day_event(
            course,
            day,
            uid=course_day_uid(course, day, domain),
            sequence=course.schedule_version,
            stamp=now,
            url=course_url(course) if course_url else "",
            cancelled=course.status == CourseStatus.CANCELLED,
        )
        for course, day in days
    ]


# --- One booking's calendar --------------------------------------------------------------


def invite_uid(booking: Booking, day_number: int, organiser: str) -> str:
    """The UID of one course day in one booking's calendar; it never changes."""
    domain = organiser.rsplit("@", 1)[-1].strip().lower() or "localhost"
    return f"booking-{booking.id}-day-{day_number}@{domain}"


def day_invitation(
    booking: Booking,
    day: CourseDay,
    *,
    method: str,
    sequence: int,
    organiser: str,
    organiser_name: str = "",
    now: datetime,
) -> bytes:
    """One invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) for one course day."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown invitation method {method!r}")
    event = _day_event(
        booking,
        day,
        sequence=sequence,
        organiser=organiser,
        organiser_name=organiser_name,
        now=now,
        cancelled=method == CANCEL,
    )
    return _calendar([event], method=method, days=[day])


def booking_calendar(
    booking: Booking, *, organiser: str, organiser_name: str = "", now: datetime
) -> bytes:
    """Both days of a booking as one `.ics` file to download (METHOD:PUBLISH, same UIDs)."""
    cancelled = not booking.holds_place
    days = list(booking.course.days)
    events = [
        _day_event(
            booking,
            day,
            sequence=booking.invite_sequence,
            organiser=organiser,
            organiser_name=organiser_name,
            now=now,
            cancelled=cancelled,
        )
        for day in days
    ]
    return _calendar(events, method=PUBLISH, days=days)


def day_summary(booking: Booking, day: CourseDay) -> str:
    """What the calendar entry is called, e.g. '... Training: day 1 of 2'."""
    return f"{booking.course.course_type.name}: day {day.day_number} of {len(booking.course.days)}"


def _day_event(
    booking: Booking,
    day: CourseDay,
    *,
    sequence: int,
    organiser: str,
    organiser_name: str,
    now: datetime,
    cancelled: bool,
) -> Event:
    course = booking.course
    venue = course.venue
    organizer = vCalAddress(f"mailto:{organiser}")
    if organiser_name:
        organizer.params["CN"] = organiser_name
    attendee = vCalAddress(f"mailto:{booking.person.email}")
    if booking.person.full_name:
        attendee.params["CN"] = booking.person.full_name
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"  # accepting must not flood the training mailbox
    description = [
        f"Day {day.day_number} of {course.course_type.name}.",
        f"Where: {venue.one_line_address}",
    ]
    if not cancelled:
        description.append(
            "To change or cancel your place, use the link in your confirmation email "
            f"or email {organiser}."
        )
    event = Event.new(
        uid=invite_uid(booking, day.day_number, organiser),
        stamp=now.astimezone(UTC),
        sequence=sequence,
        start=day.starts_in_london,
        end=day.ends_in_london,
        summary=day_summary(booking, day),
        location=venue.one_line_address,
        description="\n".join(description),
        organizer=organizer,
        attendees=[attendee],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.OPAQUE,
    )
    return event
