"""The course form takes from 1 to 5 days: the number of days is chosen first (a GET form
that works without JavaScript), each day has a date and times, and mistakes in the days'
order show in the error summary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sqlalchemy import func, select

from booking.models import Course, OutboxMessage

from .test_course_pages import summary_errors

WEDNESDAY = ["4", "3", "2026"]


def _three_days(course_form, venue_id, **changes):
    data = course_form(
        venue_id,
        days_count="3",
        day3_date=WEDNESDAY,
        day3_starts_at="10am",
        day3_ends_at="3pm",
    )
    data.update(changes)
    return data


def _headings(page: str) -> list[str]:
    return re.findall(r'<h2 class="govuk-heading-m">(Day \d|The day)</h2>', page)


def test_the_form_asks_for_two_days_unless_another_number_is_chosen(coordinator_client):
    page = coordinator_client.get("/coordinator/courses/new").get_data(as_text=True)
    assert _headings(page) == ["Day 1", "Day 2"]
    assert '<form method="get"' in page and 'name="days"' in page
    assert '<option value="2" selected>2 days</option>' in page
    three = coordinator_client.get("/coordinator/courses/new?days=3").get_data(as_text=True)
    assert _headings(three) == ["Day 1", "Day 2", "Day 3"]
    assert 'name="days_count" type="hidden" value="3"' in three
    one = coordinator_client.get("/coordinator/courses/new?days=1").get_data(as_text=True)
    assert _headings(one) == ["The day"] and "day2_date" not in one
    odd = coordinator_client.get("/coordinator/courses/new?days=9").get_data(as_text=True)
    assert _headings(odd) == ["Day 1", "Day 2"]


def test_a_three_day_course_is_made_through_the_form(coordinator_client, make, course_form, db):
    venue = make.venue("Carlisle")
    response = coordinator_client.post(
        "/coordinator/courses/new", data=_three_days(course_form, venue.id)
    )
    assert response.status_code == 302
    course = db.session.scalars(select(Course)).one()
    assert [(d.day_number, d.date) for d in course.days] == [
        (1, date(2026, 3, 2)),
        (2, date(2026, 3, 3)),
        (3, date(2026, 3, 4)),
    ]
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Day 3" in page and "Wednesday 4 March 2026, 10am to 3pm" in page
    assert "Day 3 register" in page


def test_a_one_day_course_is_made_through_the_form(coordinator_client, make, course_form, db):
    venue = make.venue("Penrith")
    data = course_form(venue.id, days_count="1", day2_date=None)
    response = coordinator_client.post("/coordinator/courses/new", data=data)
    assert response.status_code == 302
    course = db.session.scalars(select(Course)).one()
    assert [d.date for d in course.days] == [date(2026, 3, 2)]
    page = coordinator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Day 2" not in page and "Monday 2 March 2026" in page


def _nothing_saved(db) -> bool:
    return db.session.scalar(select(func.count(Course.id))) == 0


def test_a_day_before_the_one_ahead_of_it_is_shown_in_the_error_summary(
    coordinator_client, make, course_form, db
):
    venue = make.venue("Carlisle")
    data = _three_days(course_form, venue.id, day3_date=["1", "3", "2026"])
    response = coordinator_client.post("/coordinator/courses/new", data=data)
    assert response.status_code == 200
    assert summary_errors(response) == ["Day 3 must be after day 2"]
    assert 'href="#day3_date"' in response.get_data(as_text=True)
    assert _nothing_saved(db)


def test_two_days_on_the_same_date_are_refused(coordinator_client, make, course_form, db):
    venue = make.venue("Carlisle")
    data = _three_days(course_form, venue.id, day3_date=["3", "3", "2026"])
    response = coordinator_client.post("/coordinator/courses/new", data=data)
    assert summary_errors(response) == ["Day 3 must be after day 2"]
    assert _nothing_saved(db)


def test_a_day_left_empty_is_asked_for(coordinator_client, make, course_form, db):
    venue = make.venue("Carlisle")
    data = course_form(venue.id, days_count="3")  # day 3 never typed
    response = coordinator_client.post("/coordinator/courses/new", data=data)
    assert summary_errors(response) == [
        "Enter the date of day 3",
        "Enter the time day 3 starts",
        "Enter the time day 3 ends",
    ]
    assert _headings(response.get_data(as_text=True)) == ["Day 1", "Day 2", "Day 3"]
    assert _nothing_saved(db)


def test_a_day_added_to_a_published_course_invites_the_people_with_places(
    coordinator_client, make, course_form, db
):
    course = make.course()
    holder = make.booking(course)
    page = coordinator_client.get(f"/coordinator/courses/{course.id}/edit?days=3")
    assert _headings(page.get_data(as_text=True)) == ["Day 1", "Day 2", "Day 3"]
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit", data=_three_days(course_form, course.venue_id)
    )
    assert response.status_code == 302
    assert len(course.days) == 3 and course.schedule_version == 1
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == holder.person.email)
    ).all()
    assert sorted(kinds) == ["calendar_invite"] * 3 + ["course_changed"]


def test_a_day_taken_off_a_published_course_is_cancelled_in_calendars(
    coordinator_client, make, course_form, db
):
    course = make.course(dates=[date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)])
    holder = make.booking(course)
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit", data=course_form(course.venue_id, days_count="2")
    )
    assert response.status_code == 302
    assert len(course.days) == 2
    kinds = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == holder.person.email)
    ).all()
    assert sorted(kinds) == [
        "calendar_cancel",
        "calendar_invite",
        "calendar_invite",
        "course_changed",
    ]


def test_the_public_course_page_speaks_of_the_course_s_own_days(client, clock, make):
    clock.set(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    three = make.course(dates=[date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)])
    one = make.course(dates=[date(2026, 3, 9)])
    page = client.get(f"/courses/{three.id}").get_data(as_text=True)
    assert "You need to come to all 3 days." in page
    assert "Add all 3 days to your calendar" in page
    assert "Monday 2, Tuesday 3 and Wednesday 4 March 2026" in page
    single = client.get(f"/courses/{one.id}").get_data(as_text=True)
    assert "You need to come for the whole day." in single
    assert "Add the day to your calendar" in single
    assert "both days" not in single and "Day 2" not in single
    calendar = client.get("/courses").get_data(as_text=True)
    assert "Wednesday 4 March 2026, 9:30am to 4:30pm" in calendar
