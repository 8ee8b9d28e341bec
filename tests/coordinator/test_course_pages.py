"""Coordinators set up, change, publish, copy, release and cancel courses through the pages."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from sqlalchemy import func, select

from booking.models import AuditEvent, BookingStatus, Course, CourseStatus, OutboxMessage


def count_courses(db) -> int:
    return db.session.scalar(select(func.count(Course.id)))


def summary_errors(response) -> list[str]:
    """The messages in the GOV.UK error summary at the top of the page."""
    html = response.get_data(as_text=True)
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [
        re.sub(r"\s+", " ", m).strip()
        for m in re.findall(r"<a [^>]*>(.*?)</a>", summary.group(1), re.S)
    ]


def test_the_course_list_shows_upcoming_courses_with_places_and_waits(coordinator_client, make):
    course = make.course(venue_obj=make.venue("Carlisle", name="Civic Centre"))
    make.booking(course)
    make.booking(course, status=BookingStatus.WAITLISTED)
    make.course(date(2025, 12, 1), venue_obj=make.venue("Kendal"))
    page = coordinator_client.get("/coordinator/courses").get_data(as_text=True)
    assert "Civic Centre, Carlisle" in page
    assert "1 of 20" in page
    assert "Kendal" not in page
    past = coordinator_client.get("/coordinator/courses?show=past").get_data(as_text=True)
    assert "Kendal" in past and "Carlisle" not in past


def test_a_new_course_is_saved_as_a_draft(coordinator_client, make, course_form, db, coordinator):
    venue = make.venue("Carlisle")
    response = coordinator_client.post("/coordinator/courses/new", data=course_form(venue.id))
    assert response.status_code == 302
    course = db.session.scalars(select(Course)).one()
    assert response.headers["Location"] == f"/coordinator/courses/{course.id}"
    assert course.status == CourseStatus.DRAFT
    assert [(d.date, d.starts_at, d.ends_at) for d in course.days] == [
        (date(2026, 3, 2), time(9, 30), time(16, 30)),
        (date(2026, 3, 3), time(9, 30), time(16, 0)),
    ]
    assert (course.total_places, course.partner_places, course.coordinator_note) == (
        20,
        4,
        "Ruth Steel",
    )
    assert course.release_on == date(2026, 2, 16)
    event = db.session.scalars(select(AuditEvent)).one()
    assert (event.action, event.user_id) == ("course.created", coordinator.id)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"partner_places": "21"}, "Places for partner agencies must be between 0 and the total"),
        ({"partner_places": "-1"}, "Places kept for partner agencies must be a whole number"),
        ({"total_places": ""}, "Enter the total number of places"),
        ({"total_places": "twenty"}, "Total places must be a whole number, like 20"),
        ({"total_places": "99999999999999999999"}, "Total places must be a whole number"),
        ({"total_places": "0"}, "Total places must be between 1 and 500"),
        ({"day1_date": ["2", "3", "2025"]}, "Day 1 cannot be in the past"),
        ({"day1_date": ["31", "2", "2026"]}, "Date of day 1 must be a real date"),
        ({"day1_date": ["2", "13", "2026"]}, "Date of day 1 must be a real date"),
        ({"day1_date": ["2", "3", ""]}, "Date of day 1 must include a year"),
        ({"day1_date": ["", "", ""]}, "Enter the date of day 1"),
        ({"day1_date": ["2", "3", "26"]}, "Date of day 1 must have a year with 4 numbers"),
        ({"day1_date": ["two", "3", "2026"]}, "Date of day 1 must be a real date, using numbers"),
        ({"day1_date": ["2"]}, "Date of day 1 must include a month and year"),
        ({"day1_date": None}, "Enter the date of day 1"),
        ({"day1_date": ["2", "3", "99999"]}, "Date of day 1 must have a year with 4 numbers"),
        ({"day1_date": ["2", "3", "2099"]}, "Day 1 must be within the next 3 years"),
        ({"day2_date": ["1", "3", "2026"]}, "Day 2 must be after day 1"),
        ({"day1_ends_at": "9am"}, "Day 1 must end after it starts"),
        ({"day1_starts_at": "25:00"}, "The time day 1 starts must be a real time"),
        ({"day1_starts_at": "half nine"}, "The time day 1 starts must be a time"),
        ({"day1_starts_at": "13pm"}, "The time day 1 starts must be a real time"),
        ({"day1_starts_at": ""}, "Enter the time day 1 starts"),
        ({"venue_id": ""}, "Choose a venue"),
        ({"venue_id": "abc"}, "Choose a venue"),
        ({"venue_id": "999999"}, "Choose a venue from the list"),
        ({"venue_id": None}, "Choose a venue"),
        ({"booking_closes_on": ["2", "3", "2026"]}, "Booking must close before day 1"),
        ({"release_on": ["4", "3", "2026"]}, "must be on or before day 1"),
        ({"coordinator_note": "x" * 5001}, "The note must be 5000 characters or fewer"),
    ],
)
def test_mistakes_are_shown_in_the_error_summary_and_nothing_is_saved(
    coordinator_client, make, course_form, db, changes, message
):
    venue = make.venue("Carlisle")
    response = coordinator_client.post(
        "/coordinator/courses/new", data=course_form(venue.id, **changes)
    )
    assert response.status_code == 200
    errors = summary_errors(response)
    assert any(message in error for error in errors), errors
    assert "<title>Error: " in response.get_data(as_text=True)
    assert count_courses(db) == 0


def test_what_was_typed_is_kept_when_there_is_a_mistake(coordinator_client, make, course_form):
    venue = make.venue("Carlisle")
    response = coordinator_client.post(
        "/coordinator/courses/new",
        data=course_form(venue.id, day1_date=["31", "2", "2026"], coordinator_note="Ann Tyson"),
    )
    page = response.get_data(as_text=True)
    assert 'value="31"' in page
    assert ">Ann Tyson</textarea>" in page


def test_an_archived_venue_is_not_offered_for_new_courses(coordinator_client, make):
    make.venue("Carlisle", name="Old Hall", is_archived=True)
    make.venue("Kendal", name="New Hall")
    page = coordinator_client.get("/coordinator/courses/new").get_data(as_text=True)
    assert "New Hall" in page and "Old Hall" not in page


def test_editing_shows_the_saved_values_and_saves_changes(coordinator_client, make, course_form):
    course = make.course(trainers="Ann")
    page = coordinator_client.get(f"/coordinator/courses/{course.id}/edit").get_data(as_text=True)
    assert 'value="02"' in page and 'value="09:30"' in page
    assert ">Note about trainers: Ann</textarea>" in page
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit",
        data=course_form(course.venue_id, total_places="24", coordinator_note="Ann and Gary"),
    )
    assert response.status_code == 302
    assert (course.total_places, course.coordinator_note) == (24, "Ann and Gary")


def test_moving_a_published_course_emails_the_people_with_places(
    coordinator_client, make, course_form, db
):
    course = make.course()
    holder = make.booking(course)
    coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit",
        data=course_form(
            course.venue_id, day1_date=["9", "3", "2026"], day2_date=["10", "3", "2026"]
        ),
    )
    assert course.schedule_version == 1
    to_holder = db.session.scalars(
        select(OutboxMessage.kind).where(OutboxMessage.to_address == holder.person.email)
    ).all()
    assert sorted(to_holder) == ["calendar_invite", "calendar_invite", "course_changed"]


def test_a_cancelled_course_cannot_be_edited(coordinator_client, make, course_form):
    course = make.course(status=CourseStatus.CANCELLED)
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit",
        data=course_form(course.venue_id, coordinator_note="X"),
    )
    assert response.status_code == 302
    assert "cannot be changed" in coordinator_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert course.coordinator_note != "X"


def test_a_course_whose_last_day_has_passed_shows_as_finished_and_cannot_change(
    coordinator_client, make, course_form
):
    course = make.course(date(2025, 12, 1), venue_obj=make.venue("Kendal"))
    page = coordinator_client.get(f"/coordinator/courses/{course.id}").get_data(as_text=True)
    assert "Finished" in page and "Booking closed" not in page
    assert "Change details" not in page and "Cancel this course" not in page
    assert "Finished" in coordinator_client.get("/coordinator/courses?show=past").get_data(
        as_text=True
    )
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/edit",
        data=course_form(course.venue_id, coordinator_note="X"),
    )
    assert "has finished" in coordinator_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/cancel", data={"reason": "No"}
    )
    assert "already finished" in response.get_data(as_text=True)
    assert (course.coordinator_note, course.status) == ("", CourseStatus.PUBLISHED)


def test_publishing_puts_the_course_on_the_calendar(coordinator_client, make):
    course = make.course(status=CourseStatus.DRAFT, venue_obj=make.venue("Whitehaven"))
    assert "Whitehaven" not in coordinator_client.get("/courses").get_data(as_text=True)
    coordinator_client.post(f"/coordinator/courses/{course.id}/publish")
    assert course.status == CourseStatus.PUBLISHED
    assert "Whitehaven" in coordinator_client.get("/courses").get_data(as_text=True)


def test_publishing_a_course_in_the_past_is_refused_with_a_message(coordinator_client, make):
    course = make.course(date(2026, 1, 1), status=CourseStatus.DRAFT)
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/publish", follow_redirects=True
    )
    assert "Day 1 of this course is in the past" in response.get_data(as_text=True)
    assert course.status == CourseStatus.DRAFT


def test_releasing_places_now(coordinator_client, make):
    course = make.course()
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/release", follow_redirects=True
    )
    assert "Unfilled places are now open to everyone" in response.get_data(as_text=True)
    assert course.released_early_at is not None


def test_setting_up_the_next_date_makes_a_draft_copy(coordinator_client, make, db):
    course = make.course(date(2026, 3, 2))
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/duplicate", data={"weeks_later": "4"}
    )
    copy = db.session.scalars(select(Course).where(Course.id != course.id)).one()
    assert response.headers["Location"] == f"/coordinator/courses/{copy.id}/edit"
    assert copy.status == CourseStatus.DRAFT
    assert copy.first_day.date == date(2026, 3, 30)


@pytest.mark.parametrize(
    ("weeks", "message"),
    [
        ("", "Enter a number of weeks"),
        ("lots", "The number of weeks must be a whole number"),
        ("0", "between 1 and 52"),
    ],
)
def test_setting_up_the_next_date_explains_mistakes(coordinator_client, make, db, weeks, message):
    course = make.course()
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/duplicate", data={"weeks_later": weeks}
    )
    assert response.status_code == 200
    assert any(message in error for error in summary_errors(response))
    assert count_courses(db) == 1


def test_cancelling_a_course_ends_every_booking_and_says_why(coordinator_client, make):
    course = make.course()
    booking = make.booking(course)
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/cancel", data={"reason": "The trainer is ill."}
    )
    assert response.status_code == 302
    assert course.status == CourseStatus.CANCELLED
    assert course.cancelled_reason == "The trainer is ill."
    assert booking.status == BookingStatus.CANCELLED


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(coordinator_client, make, reason):
    course = make.course()
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/cancel", data={"reason": reason}
    )
    assert response.status_code == 200
    assert summary_errors(response) == ["Say why the course is cancelled"]
    assert course.status == CourseStatus.PUBLISHED


def test_a_course_cannot_be_cancelled_twice(coordinator_client, make):
    course = make.course(status=CourseStatus.CANCELLED)
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/cancel", data={"reason": "Again"}
    )
    assert response.status_code == 200
    assert "already cancelled" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/coordinator/courses/999999",
        "/coordinator/courses/abc",
        "/coordinator/courses/0",
        "/coordinator/courses/99999999999999999999",
        "/coordinator/courses/999999/edit",
        "/coordinator/courses/1e3/edit",
        "/coordinator/courses/999999/duplicate",
        "/coordinator/courses/999999/cancel",
        "/coordinator/venues/999999/edit",
        "/coordinator/venues/x/edit",
    ],
)
def test_unknown_or_odd_ids_are_not_found(coordinator_client, path):
    assert coordinator_client.get(path).status_code == 404
    assert coordinator_client.post(path, data={}).status_code in (404, 405)


WEIRD = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "NaN",
    "١٢",
    "²",
    "9" * 40,
    "<script>",
    "'; drop table courses;--",
    "\x00",
    "🙂",
    "a" * 5000,
]


@pytest.mark.parametrize("value", WEIRD)
def test_no_server_error_for_anything_typed_into_the_course_form(
    coordinator_client, make, course_form, value
):
    venue = make.venue()
    course = make.course(venue_obj=venue)
    for field in (
        "venue_id",
        "total_places",
        "partner_places",
        "day1_starts_at",
        "coordinator_note",
        "notes",
    ):
        for url in ("/coordinator/courses/new", f"/coordinator/courses/{course.id}/edit"):
            response = coordinator_client.post(url, data=course_form(venue.id, **{field: value}))
            assert response.status_code in (200, 302, 400), (field, url)
    for parts in ([value, "3", "2026"], ["2", value, "2026"], ["2", "3", value], [value]):
        response = coordinator_client.post(
            "/coordinator/courses/new", data=course_form(venue.id, day1_date=parts)
        )
        assert response.status_code in (200, 302, 400), parts
    for url, field in (
        (f"/coordinator/courses/{course.id}/duplicate", "weeks_later"),
        ("/coordinator/venues/new", "name"),
        ("/coordinator/venues/new", "postcode"),
        ("/coordinator/sign-in", "email"),
    ):
        assert coordinator_client.post(url, data={field: value}).status_code in (200, 302, 400), url


def test_a_nul_character_is_a_bad_request_not_a_server_error(
    coordinator_client, make, course_form, db
):
    venue = make.venue()
    response = coordinator_client.post(
        "/coordinator/courses/new", data=course_form(venue.id, notes="a\x00b")
    )
    assert response.status_code == 400
    assert count_courses(db) == 0
    assert coordinator_client.get("/courses", query_string={"q": "\x00"}).status_code == 400


def test_a_course_page_leads_to_its_people_and_its_registers(coordinator_client, make):
    """Everything about one course is reachable from its page, without typing addresses."""
    course = make.course()
    page = coordinator_client.get(f"/coordinator/courses/{course.id}").text
    people = f'href="/coordinator/courses/{course.id}/bookings"'
    assert people in page
    for day in course.days:
        assert f'href="/coordinator/registers/days/{day.id}"' in page
    assert coordinator_client.get(f"/coordinator/courses/{course.id}/bookings").status_code == 200


def test_the_coordinators_menu_leads_to_personal_data_requests(coordinator_client):
    page = coordinator_client.get("/coordinator").text
    assert 'href="/coordinator/privacy">Personal data</a>' in page


def test_coordinators_assign_trainers_on_the_course_form_and_copies_keep_them(
    db, coordinator_client, make, course_form
):
    from booking.models import Role
    from booking.services import courses as course_service

    course = make.course(status=CourseStatus.DRAFT)
    chosen = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    make.coordinator(role=Role.TRAINER, full_name="Other Trainer")
    make.coordinator(full_name="Not A Trainer")
    page = coordinator_client.get(f"/coordinator/courses/{course.id}/edit").get_data(as_text=True)
    assert "Trainers who take the registers" in page
    assert "Tess Trainer" in page and "Other Trainer" in page and "Not A Trainer" not in page
    data = course_form(course.venue_id, trainer_ids=[str(chosen.id)])
    response = coordinator_client.post(f"/coordinator/courses/{course.id}/edit", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Course, course.id)
    assert [t.id for t in saved.trainer_accounts] == [chosen.id]
    page = coordinator_client.get(f"/coordinator/courses/{course.id}").get_data(as_text=True)
    assert "Tess Trainer" in page
    copy = course_service.duplicate_course(
        saved, weeks_later=2, actor=make.coordinator(), now=datetime_now()
    )
    assert [t.id for t in copy.trainer_accounts] == [chosen.id]


def datetime_now():
    from datetime import UTC, datetime

    return datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
