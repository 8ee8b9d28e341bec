"""Helpers every part shares, each written once: London dates and times, a course day's times,
a booking's address, and the words for statuses and groups."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from booking.mail.outbound import composing
from booking.models import BookingStatus, Group
from booking.services import links
from booking.timezone import london_date
from booking.words import GROUP_WORDS, STATUS_WORDS, long_date, short_date, time_of_day

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def test_every_status_and_group_has_words_for_every_reader():
    assert set(STATUS_WORDS) == set(BookingStatus)
    for words in STATUS_WORDS.values():
        assert words.coordinator and words.person and words.record
    assert set(GROUP_WORDS) == set(Group)


def test_the_date_in_cumbria_turns_at_midnight_london_time():
    # 11:30pm on 30 June in UTC is already 1 July in Cumbria (British Summer Time).
    assert london_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == date(2026, 7, 1)
    assert london_date(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 12, 31)


def test_dates_and_times_are_written_in_london_time():
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)
    assert long_date(moment) == "Wednesday 1 July 2026"
    assert short_date(moment) == "1 July 2026"
    assert time_of_day(moment) == "12:30am"
    assert time_of_day(time(13, 0)) == "1pm"


def test_a_course_day_starts_and_ends_in_london_time_either_side_of_the_clock_change(make):
    # The clocks go forward on Sunday 29 March 2026.
    course = make.course(date(2026, 3, 27), date(2026, 3, 30), starts_at=time(9, 30))
    before, after = course.days
    assert before.starts_in_london.astimezone(UTC) == datetime(2026, 3, 27, 9, 30, tzinfo=UTC)
    assert after.starts_in_london.astimezone(UTC) == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)
    assert after.ends_in_london.astimezone(UTC) == datetime(2026, 3, 30, 15, 30, tzinfo=UTC)


def test_emails_link_to_the_same_booking_page_the_website_shows(app, make, client):
    booking = make.booking(make.course(), make.person())
    page = links.manage_path(booking, app.config["SECRET_KEY"])
    assert client.get(page).status_code == 200
    message = composing.reminder(booking, now=NOW, days_before=7)
    assert f"{app.config['SITE_URL']}{page}" in message.text_body
