"""Calendar invitations for one booking: pure functions from a booking to iCalendar bytes.

Outlook acts only on the first VEVENT of an invitation and on one invitation per message,
so every course day is its own invitation: one VCALENDAR, one VEVENT, a UID per booking and
day that never changes (`booking-<id>-day-<n>@<mailbox domain>`), and a SEQUENCE the caller
raises with every change (emails.py owns that). Nothing private (support needs, links that
let someone manage the booking) goes into a calendar entry: calendars are often shared.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar, Event, vCalAddress
from icalendar.enums import STATUS, TRANSP

from .models import Booking, CourseDay
from .timezone import LONDON

PRODID = "-//Cumbria children's services//Signs of Safety training booking//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


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


def local_times(day: CourseDay) -> tuple[datetime, datetime]:
    """Start and end of a course day as Europe/London wall-clock times."""
    return (
        datetime.combine(day.date, day.starts_at, tzinfo=LONDON),
        datetime.combine(day.date, day.ends_at, tzinfo=LONDON),
    )


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
    start, end = local_times(day)
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
        start=start,
        end=end,
        summary=day_summary(booking, day),
        location=venue.one_line_address,
        description="\n".join(description),
        organizer=organizer,
        attendees=[attendee],
        status=STATUS.CANCELLED if cancelled else STATUS.CONFIRMED,
        transparency=TRANSP.OPAQUE,
    )
    return event


def _calendar(events: list[Event], *, method: str, days: list[CourseDay]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    first: date = min(day.date for day in days)
    last: date = max(day.date for day in days)
    # Whole calendar years: a small VTIMEZONE that still carries both clock changes.
    calendar.add_missing_timezones(
        first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
    )
    return calendar.to_ical()
