"""Coordinators list, add and change course types; a new course picks a type and starts
from its usual places, times and dates. Trainers get "not found"."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from booking.models import Course, CourseType, Role

from .test_course_pages import summary_errors

TYPE_PAGES = [
    ("GET", "/coordinator/course-types"),
    ("GET", "/coordinator/course-types/new"),
    ("POST", "/coordinator/course-types/new"),
    ("GET", "/coordinator/course-types/{type}/edit"),
    ("POST", "/coordinator/course-types/{type}/edit"),
]


def type_form(**changes) -> dict:
    data = {
        "name": "Signs of Safety Advanced Training",
        "summary": "Two days for practitioners.",
        "description": "",
        "what_to_bring": "",
        "days_count": "2",
        "default_starts_at": "9:30am",
        "default_ends_at": "4:30pm",
        "partners_may_book": "no",
        "default_total_places": "16",
        "default_partner_places": "0",
        "release_days_before": "14",
        "cutoff_working_days_before": "2",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("method", "path"), TYPE_PAGES)
def test_trainers_get_not_found_and_visitors_are_sent_to_sign_in(
    client, make, sign_in_coordinator, method, path
):
    url = path.format(type=make.course_type().id)
    response = client.open(url, method=method, data=type_form())
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in")
    sign_in_coordinator(make.coordinator(email="t@cumbria.gov.uk", role=Role.TRAINER))
    assert client.open(url, method=method, data=type_form()).status_code == 404


def test_a_coordinator_adds_a_type_that_needs_another_first(coordinator_client, make, db):
    intro = make.course_type()
    assert "Add a course type" in coordinator_client.get("/coordinator/course-types/new").text
    response = coordinator_client.post(
        "/coordinator/course-types/new", data=type_form(prerequisite_ids=[str(intro.id)])
    )
    assert response.status_code == 302
    made = db.session.scalar(select(CourseType).where(CourseType.slug != "introductory"))
    assert (made.days_count, made.default_total_places, made.partners_may_book) == (2, 16, False)
    assert made.prerequisites == [intro]
    listing = coordinator_client.get("/coordinator/course-types").text
    assert "Signs of Safety Advanced Training" in listing
    assert "For council staff</td>" in listing
    assert f"{intro.name}</td>" in listing


def test_mistakes_are_shown_in_the_error_summary(coordinator_client, make):
    make.course_type()
    response = coordinator_client.post(
        "/coordinator/course-types/new",
        data=type_form(
            name="Signs of Safety Two Day Introductory Training",
            days_count="7",
            default_ends_at="9am",
            default_total_places="",
        ),
    )
    assert response.status_code == 200
    errors = summary_errors(response)
    assert errors == [
        "Choose a number of days from 1 to 5",
        "Enter the usual total number of places",
    ]
    # Once the form is filled in, the service's checks show the same way.
    response = coordinator_client.post(
        "/coordinator/course-types/new",
        data=type_form(name="Signs of Safety Two Day Introductory Training", default_ends_at="9am"),
    )
    assert summary_errors(response) == [
        "There is already a course type with that name",
        "A day must end after it starts",
    ]


def test_a_coordinator_changes_a_type_and_its_audience_shows_on_the_course_page(
    coordinator_client, client, make
):
    intro = make.course_type()
    course = make.course(date(2026, 3, 2), type_obj=intro)
    page = coordinator_client.get(f"/coordinator/course-types/{intro.id}/edit").text
    assert 'value="Signs of Safety Two Day Introductory Training"' in page
    response = coordinator_client.post(
        f"/coordinator/course-types/{intro.id}/edit",
        data=type_form(name=intro.name, partners_may_book="no", default_partner_places="0"),
    )
    assert response.status_code == 302
    assert "For council staff." in client.get(f"/courses/{course.id}").text


def test_a_new_course_first_asks_for_the_type_then_starts_from_its_defaults(
    coordinator_client, make, course_form, db
):
    make.course_type()
    coordinator_client.post(
        "/coordinator/course-types/new",
        data=type_form(
            name="Partner day", days_count="1", partners_may_book="yes",
            default_starts_at="10am", default_ends_at="3pm", default_total_places="24",
            default_partner_places="16", release_days_before="7",
        ),
    )  # fmt: skip
    choose = coordinator_client.get("/coordinator/courses/new")
    assert "What type of course are you adding?" in choose.text
    assert coordinator_client.get("/coordinator/courses/new?type=").status_code == 400
    form = coordinator_client.get("/coordinator/courses/new?type=partner-day").text
    assert 'value="24"' in form and 'value="16"' in form and 'value="10:00"' in form
    assert "day2_date" not in form and "Leave blank for 7 days before day 1." in form
    venue = make.venue("Workington")
    data = course_form(venue.id, course_type="partner-day", total_places="24",
                       partner_places="16", day2_date=None, day2_starts_at=None,
                       day2_ends_at=None)  # fmt: skip
    response = coordinator_client.post("/coordinator/courses/new", data=data)
    assert response.status_code == 302, summary_errors(response)
    course = db.session.scalars(select(Course)).one()
    assert course.course_type.slug == "partner-day"
    assert [(d.date, d.starts_at) for d in course.days] == [(date(2026, 3, 2), time(9, 30))]
    assert course.release_on == date(2026, 2, 23)


def test_a_coordinator_turns_line_manager_approval_on_and_off(coordinator_client, make, db):
    course_type = make.course_type()
    edit = f"/coordinator/course-types/{course_type.id}/edit"
    page = coordinator_client.get(edit).text
    assert "Do council staff need their line manager&#39;s approval?" in page
    answer = type_form(name=course_type.name, partners_may_book="yes", default_partner_places="4")
    response = coordinator_client.post(edit, data={**answer, "manager_approval_required": "yes"})
    assert response.status_code == 302
    db.session.refresh(course_type)
    assert course_type.manager_approval_required is True
    coordinator_client.post(edit, data={**answer, "manager_approval_required": "no"})
    db.session.refresh(course_type)
    assert course_type.manager_approval_required is False
    response = coordinator_client.post(edit, data={**answer, "manager_approval_required": "maybe"})
    assert "Choose whether a line manager must approve" in summary_errors(response)
    db.session.refresh(course_type)
    assert course_type.manager_approval_required is False
