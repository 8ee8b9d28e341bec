"""Everything in the coordinators' area needs a signed-in coordinator; signing in and out."""

from __future__ import annotations

import pytest

from booking.models import CourseStatus

COORDINATOR_PAGES = [
    ("GET", "/coordinator"),
    ("GET", "/coordinator/courses"),
    ("GET", "/coordinator/courses?show=past"),
    ("GET", "/coordinator/courses/new"),
    ("POST", "/coordinator/courses/new"),
    ("GET", "/coordinator/courses/{course}"),
    ("GET", "/coordinator/courses/{course}/edit"),
    ("POST", "/coordinator/courses/{course}/edit"),
    ("POST", "/coordinator/courses/{course}/publish"),
    ("POST", "/coordinator/courses/{course}/release"),
    ("GET", "/coordinator/courses/{course}/duplicate"),
    ("POST", "/coordinator/courses/{course}/duplicate"),
    ("GET", "/coordinator/courses/{course}/cancel"),
    ("POST", "/coordinator/courses/{course}/cancel"),
    ("GET", "/coordinator/venues"),
    ("GET", "/coordinator/venues/new"),
    ("POST", "/coordinator/venues/new"),
    ("GET", "/coordinator/venues/{venue}/edit"),
    ("POST", "/coordinator/venues/{venue}/edit"),
    ("POST", "/coordinator/venues/{venue}/archive"),
    ("POST", "/coordinator/venues/{venue}/restore"),
]


@pytest.mark.parametrize(("method", "path"), COORDINATOR_PAGES)
def test_anyone_not_signed_in_is_sent_to_sign_in_and_nothing_changes(
    client, clock, make, method, path
):
    course = make.course(status=CourseStatus.DRAFT)
    url = path.format(course=course.id, venue=course.venue_id)
    response = client.open(url, method=method, data={"reason": "x", "weeks_later": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in?next=")
    assert course.status == CourseStatus.DRAFT


@pytest.mark.parametrize(("method", "path"), COORDINATOR_PAGES)
def test_a_signed_in_coordinator_gets_each_page_without_an_error(signed_in, make, method, path):
    course = make.course(status=CourseStatus.DRAFT)
    url = path.format(course=course.id, venue=course.venue_id)
    response = signed_in.open(url, method=method, data={})
    assert response.status_code in (200, 302)


def test_a_coordinator_signs_in_with_email_and_password(client, clock, coordinator):
    response = client.post(
        "/coordinator/sign-in?next=/coordinator/venues",
        data={
            "email": " SAM.Coordinator@cumbria.gov.uk ",
            "password": "correct horse battery staple",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/coordinator/venues"
    assert client.get("/coordinator/venues").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("sam.coordinator@cumbria.gov.uk", "wrong password"),
        ("nobody@cumbria.gov.uk", "correct horse battery staple"),
        ("not an email", "x"),
    ],
)
def test_wrong_details_get_the_same_plain_message(client, clock, coordinator, email, password):
    response = client.post("/coordinator/sign-in", data={"email": email, "password": password})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert client.get("/coordinator/courses").status_code == 302


def test_a_disabled_account_cannot_sign_in(client, clock, make):
    make.coordinator(email="gone@cumbria.gov.uk", is_enabled=False)
    response = client.post(
        "/coordinator/sign-in",
        data={"email": "gone@cumbria.gov.uk", "password": "correct horse battery staple"},
    )
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_empty_sign_in_form_shows_what_is_missing(client, clock):
    page = client.post("/coordinator/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_sends_people_to_another_site(client, clock, coordinator, next_url):
    response = client.post(
        "/coordinator/sign-in",
        query_string={"next": next_url},
        data={"email": coordinator.email, "password": "correct horse battery staple"},
    )
    assert response.headers["Location"] == "/coordinator"


def test_signing_out_is_a_button_not_a_link(signed_in):
    assert signed_in.get("/coordinator/sign-out").status_code == 405
    response = signed_in.post("/coordinator/sign-out")
    assert response.status_code == 302
    assert signed_in.get("/coordinator/courses").status_code == 302
