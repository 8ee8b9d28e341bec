""" "Your course has changed" says what changed, old and new, and speaks of new dates only
when the dates changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from booking.models import BookingStatus
from booking.services import courses as service
from booking.services import venues as venue_service
from booking.services.courses import DayDetails

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
NEW_DATES = "If you cannot come on the new dates"


def _course_with_a_place(make):
    """Monday 2 and Tuesday 3 March 2026, 9:30am to 4:30pm, at Kendal Town Hall."""
    course = make.course(date(2026, 3, 2), starts_at=time(9, 30), ends_at=time(16, 30))
    booking = make.booking(course, status=BookingStatus.CONFIRMED)
    return course, booking


def _days(course, **changes_by_day):
    days = [DayDetails(d.date, d.starts_at, d.ends_at) for d in course.days]
    for name, (day_date, starts, ends) in changes_by_day.items():
        number = int(name.removeprefix("day")) - 1
        days[number] = DayDetails(day_date, starts, ends)
    return days


def _change(course, details, **fields):
    fields.setdefault("venue", course.venue)
    fields.setdefault("days", _days(course))
    service.update_course(course, details(**fields), actor="test", now=NOW)


def _told(outbox, booking):
    [message] = [m for m in outbox("course_changed") if m.to_address == booking.person.email]
    return message


def _summary(outbox):
    [summary] = [m for m in outbox("mailbox_copy") if m.subject.startswith("Copy: course changed")]
    return summary


def test_a_venue_only_change_names_the_old_and_new_venue_and_not_new_dates(make, details, outbox):
    course, booking = _course_with_a_place(make)
    workington = make.venue("Workington", name="Workington Hub", address="Vulcans Lane")

    _change(course, details, venue=workington)

    message = _told(outbox, booking)
    for body in (message.text_body, message.html_body):
        assert "The venue has changed" in body
        assert "Workington Hub, Vulcans Lane, LA9 4DL" in body
        assert "Kendal Town Hall, Highgate, Kendal, LA9 4DL" in body
        assert "date" not in body.split("These are the details now")[0].lower()
        assert NEW_DATES not in body
        assert "If you can no longer come" in body
    assert "Workington Hub, Vulcans Lane, LA9 4DL" in _summary(outbox).text_body


def test_a_time_only_change_names_the_day_and_its_old_and_new_times(make, details, outbox):
    course, booking = _course_with_a_place(make)

    _change(course, details, days=_days(course, day2=(date(2026, 3, 3), time(10, 0), time(17, 0))))

    message = _told(outbox, booking)
    for body in (message.text_body, message.html_body):
        assert "Day 2 (Tuesday 3 March 2026) is now 10am to 5pm. It was 9:30am to 4:30pm." in body
        assert "Day 1" not in body.split("These are the details now")[0]
        assert "venue" not in body.lower()
        assert NEW_DATES not in body
        assert "If you can no longer come" in body
    assert "Day 2 (Tuesday 3 March 2026) is now 10am to 5pm" in _summary(outbox).text_body


def test_a_date_change_names_the_old_and_new_dates_and_asks_about_the_new_dates(
    make, details, outbox
):
    course, booking = _course_with_a_place(make)

    _change(
        course,
        details,
        days=_days(
            course,
            day1=(date(2026, 3, 9), time(9, 30), time(16, 30)),
            day2=(date(2026, 3, 10), time(9, 30), time(16, 30)),
        ),
    )

    message = _told(outbox, booking)
    for body in (message.text_body, message.html_body):
        assert "Day 1 is now on Monday 9 March 2026. It was on Monday 2 March 2026." in body
        assert "Day 2 is now on Tuesday 10 March 2026. It was on Tuesday 3 March 2026." in body
        assert "venue" not in body.lower()
        assert NEW_DATES in body
    assert "Day 1 is now on Monday 9 March 2026" in _summary(outbox).text_body


def test_a_venue_whose_address_changes_names_the_old_and_new_address(make, outbox):
    course, booking = _course_with_a_place(make)
    venue = course.venue

    venue_service.update_venue(
        venue,
        venue_service.VenueDetails(
            name=venue.name, address="New Street", town=venue.town, postcode="LA9 4DL"
        ),
        actor="test",
        now=NOW,
    )

    message = _told(outbox, booking)
    assert "Kendal Town Hall, Highgate, Kendal, LA9 4DL" in message.text_body
    assert "Kendal Town Hall, New Street, LA9 4DL" in message.text_body
    assert NEW_DATES not in message.text_body
