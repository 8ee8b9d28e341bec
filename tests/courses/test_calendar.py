"""The public calendar and course pages: what a person sees before booking."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from booking.models import BookingStatus, CourseStatus, Group, Role

from ..support.queries import counting_queries


def text_of(response) -> str:
    """The page's words, without tags, on one line."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#39;", "'")


def card_for(response, town: str) -> str:
    """The words of the calendar card about the course in `town`."""
    html = response.get_data(as_text=True)
    cards = html.split('class="govuk-summary-card"')[1:]
    found = [card for card in cards if f", {town}" in card.split("</h3>")[0]]
    assert len(found) == 1, f"expected one card for {town}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found[0]))


def fill(make, course, group: Group, number: int, status=BookingStatus.CONFIRMED):
    for _ in range(number):
        make.booking(course, make.person(group), status=status)


def test_home_page_goes_to_the_calendar(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/courses")


def test_calendar_groups_courses_by_month_with_dates_times_and_place(client, clock, make):
    make.course(date(2026, 3, 2), venue_obj=make.venue("Carlisle", name="Civic Centre"))
    make.course(
        date(2026, 4, 14),
        date(2026, 4, 21),
        venue_obj=make.venue("Kendal", name="County Offices"),
        starts_at=time(10, 0),
        ends_at=time(15, 30),
    )
    page = text_of(client.get("/courses"))
    assert page.index("March 2026") < page.index("April 2026")
    assert "Monday 2 and Tuesday 3 March 2026, Carlisle" in page
    assert "Monday 2 March 2026, 9:30am to 4:30pm" in page
    assert "Tuesday 14 April 2026, 10am to 3:30pm" in page
    assert "Tuesday 21 April 2026, 10am to 3:30pm" in page
    assert "Carlisle: Civic Centre" in page
    assert "Kendal: County Offices" in page
    assert page.count("In person only") == 2


def test_calendar_leaves_out_drafts_and_courses_that_are_over(client, clock, make):
    make.course(date(2026, 3, 2), venue_obj=make.venue("Carlisle"))
    make.course(date(2026, 3, 9), venue_obj=make.venue("Penrith"), status=CourseStatus.DRAFT)
    make.course(date(2025, 12, 1), venue_obj=make.venue("Kendal"))
    make.course(date(2026, 1, 2), venue_obj=make.venue("Whitehaven"))  # ended last week
    page = text_of(client.get("/courses"))
    assert "Carlisle" in page
    for town in ("Penrith", "Kendal", "Whitehaven"):
        assert town not in page


def test_places_left_per_group_before_the_release_date(client, clock, make):
    course = make.course(total_places=20, partner_places=4, venue_obj=make.venue("Carlisle"))
    fill(make, course, Group.STAFF, 10)
    fill(make, course, Group.PARTNER, 1)
    fill(make, course, Group.STAFF, 2, BookingStatus.WAITLISTED)  # waiting holds no place
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Places for council staff 6 places left" in card
    assert "Places for partner agencies 3 places left" in card
    assert "Open for booking" in card


def test_every_free_place_is_open_to_both_groups_from_the_release_date(client, clock, make):
    course = make.course(total_places=20, partner_places=4, venue_obj=make.venue("Carlisle"))
    fill(make, course, Group.STAFF, 16)
    fill(make, course, Group.PARTNER, 1)
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Places for council staff None left" in card
    assert "Places for partner agencies 3 places left" in card

    clock.set(datetime(2026, 2, 16, 0, 0, tzinfo=UTC))  # release date, midnight in London
    card = card_for(client.get("/courses"), "Carlisle")
    # Said once: two figures of 3 would read as 6 places.
    assert "Places 3 places left, open to everyone" in card
    assert "Places for council staff" not in card and "Places for partner agencies" not in card
    assert "Open for booking" in card


def test_each_card_says_when_its_free_places_open_to_everyone(client, clock, make):
    make.course(date(2026, 3, 2), venue_obj=make.venue("Carlisle"))  # the default: 14 days
    make.course(
        date(2026, 3, 9), release_on=date(2026, 3, 2), venue_obj=make.venue("Penrith")
    )  # a coordinator set a later date
    make.course(
        date(2026, 3, 16),
        venue_obj=make.venue("Kendal"),
        released_early_at=datetime(2026, 1, 2, 10, 0, tzinfo=UTC),
    )
    page = client.get("/courses")
    assert "Free places open to everyone From Monday 16 February 2026" in card_for(page, "Carlisle")
    assert "Free places open to everyone From Monday 2 March 2026" in card_for(page, "Penrith")
    assert "open to everyone" in card_for(page, "Kendal")
    intro = text_of(page).split("There are")[0]
    assert "until 14 days before the course" not in intro
    assert "until the date shown with each course (usually 14 days before it starts)" in intro


def test_the_people_page_says_places_are_open_to_everyone_once_released_early(
    client, clock, make, sign_in_coordinator
):
    course = make.course(released_early_at=datetime(2026, 1, 2, 10, 0, tzinfo=UTC))
    signed_in = sign_in_coordinator(make.coordinator())
    page = text_of(signed_in.get(f"/coordinator/courses/{course.id}/bookings"))
    assert "4 kept for partner agencies until" not in page
    assert "4 were kept for partner agencies; free places are now open to everyone" in page


def test_a_group_with_no_place_left_is_told_it_would_join_the_waitlist(client, clock, make):
    course = make.course(total_places=20, partner_places=4, venue_obj=make.venue("Carlisle"))
    fill(make, course, Group.STAFF, 16)
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Full for council staff: join the waitlist" in card
    assert "Open for booking" not in card
    page = text_of(client.get(f"/courses/{course.id}"))
    assert "Full for council staff: join the waitlist" in page
    assert "There are no places left for council staff at the moment" in page


def sign_in_attendee(client, person):
    with client.session_transaction() as sess:
        sess.clear()
        sess["attendee"] = {"id": person.id, "v": person.session_version}


def test_a_signed_in_reader_sees_what_booking_would_do_for_them(client, clock, make):
    course = make.course(total_places=20, partner_places=4, venue_obj=make.venue("Carlisle"))
    fill(make, course, Group.STAFF, 16)
    sign_in_attendee(client, make.person(Group.STAFF))
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Full: join the waitlist" in card and "Open for booking" not in card
    page = text_of(client.get(f"/courses/{course.id}"))
    assert "Join the waitlist" in page and "Book a place" not in page

    sign_in_attendee(client, make.person(Group.PARTNER))
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Open for booking" in card and "Full" not in card


def test_a_course_with_no_free_place_is_full_with_a_waitlist(client, clock, make):
    course = make.course(total_places=3, partner_places=1, venue_obj=make.venue("Carlisle"))
    fill(make, course, Group.STAFF, 2)
    fill(make, course, Group.PARTNER, 1)
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Full: join the waitlist" in card
    assert "Places for council staff None left" in card


def test_booking_is_closed_after_the_cut_off(client, clock, make):
    make.course(
        venue_obj=make.venue("Carlisle"),
        booking_closes_at=datetime(2026, 2, 26, 23, 59, tzinfo=UTC),
    )
    clock.set(datetime(2026, 2, 26, 23, 58, tzinfo=UTC))
    assert "Open for booking" in card_for(client.get("/courses"), "Carlisle")
    clock.set(datetime(2026, 2, 26, 23, 59, tzinfo=UTC))
    assert "Booking closed" in card_for(client.get("/courses"), "Carlisle")


def test_a_cancelled_course_shows_as_cancelled_without_places(client, clock, make):
    make.course(venue_obj=make.venue("Carlisle"), status=CourseStatus.CANCELLED)
    card = card_for(client.get("/courses"), "Carlisle")
    assert "Cancelled" in card
    assert "places left" not in card


def test_the_calendar_reads_places_for_all_courses_at_once(client, clock, make, db):
    def queries_for_calendar() -> int:
        with counting_queries() as statements:
            assert client.get("/courses").status_code == 200
        return len(statements)

    venue = make.venue("Carlisle")
    make.booking(make.course(date(2026, 3, 2), venue_obj=venue))
    few = queries_for_calendar()
    for n in range(5):
        day1 = date(2026, 4, 6) + timedelta(weeks=n)
        make.booking(make.course(day1, venue_obj=make.venue(f"Town {n}")))
    assert queries_for_calendar() == few


def test_an_empty_calendar_says_so(client, clock):
    assert "There are no courses with dates at the moment" in text_of(client.get("/courses"))


def test_the_course_page_has_everything_needed_to_decide_and_attend(client, clock, make, db):
    venue = make.venue(
        "Barrow-in-Furness",
        name="Barrow Town Hall",
        address="Council Chamber Annexe\nDuke Street",
        postcode="LA14 2LD",
        accessibility_notes="Lift to the annexe.",
        parking_notes="Pay and display on Duke Street.",
    )
    course = make.course(venue_obj=venue, notes="Lunch is provided.")
    course.trainer_accounts = [make.coordinator(full_name="Ruth Steel", role=Role.TRAINER)]
    db.session.commit()
    response = client.get(f"/courses/{course.id}")
    assert response.status_code == 200
    page = text_of(response)
    for words in (
        "Signs of Safety Two Day Introductory Training",
        "Monday 2 March 2026, 9:30am to 4:30pm",
        "Tuesday 3 March 2026, 9:30am to 4:30pm",
        "Barrow Town Hall Council Chamber Annexe Duke Street LA14 2LD",
        "Lift to the annexe.",
        "Pay and display on Duke Street.",
        "A pen and a notebook.",
        "Ruth Steel",
        "Lunch is provided.",
        "in person only",
        "For council staff 16 places left",
        "For partner agencies 4 places left",
        "Booking closes at 11:59pm on Friday 27 February 2026",
    ):
        assert words in page
    assert f'href="/courses/{course.id}/book"' in response.get_data(as_text=True)
    assert "Book a place" in page


def test_a_full_course_page_offers_the_waitlist(client, clock, make):
    course = make.course(total_places=1, partner_places=0)
    fill(make, course, Group.STAFF, 1)
    page = text_of(client.get(f"/courses/{course.id}"))
    assert "Join the waitlist" in page
    assert "Book a place" not in page


def test_a_closed_course_page_has_no_booking_button(client, clock, make):
    course = make.course()
    clock.set(datetime(2026, 2, 28, 9, 0, tzinfo=UTC))
    page = text_of(client.get(f"/courses/{course.id}"))
    assert "Booking for this course has closed" in page
    assert "Book a place" not in page and "Join the waitlist" not in page


def test_a_course_page_after_its_last_day_says_it_has_finished(client, clock, make):
    course = make.course(date(2026, 1, 3))  # Saturday and Sunday before the clock's Monday
    page = text_of(client.get(f"/courses/{course.id}"))
    assert "Finished" in page and "Booking closed" not in page


def test_a_cancelled_course_page_says_why(client, clock, make):
    course = make.course(status=CourseStatus.CANCELLED, cancelled_reason="The trainer is ill.")
    page = text_of(client.get(f"/courses/{course.id}"))
    assert "This course has been cancelled. The trainer is ill." in page
    assert "Book a place" not in page


def test_a_draft_is_not_found_by_the_public_but_coordinators_can_preview_it(
    client, clock, make, sign_in_coordinator
):
    course = make.course(status=CourseStatus.DRAFT)
    assert client.get(f"/courses/{course.id}").status_code == 404
    sign_in_coordinator(make.coordinator())
    response = client.get(f"/courses/{course.id}")
    assert response.status_code == 200
    assert "This is a draft" in text_of(response)


@pytest.mark.parametrize(
    "path",
    [
        "/courses/999999",
        "/courses/0",
        "/courses/-1",
        "/courses/abc",
        "/courses/1.5",
        "/courses/99999999999999999999999",
        "/courses/%00",
        "/courses/1/../../etc",
        "/courses.ics/extra",
    ],
)
def test_addresses_a_person_can_edit_are_not_found_not_errors(client, clock, path):
    assert client.get(path).status_code == 404


def test_a_course_page_reads_the_course_in_a_few_queries_whatever_its_bookings(
    client, clock, make, db
):
    def queries_for(course) -> int:
        with counting_queries() as statements:
            assert client.get(f"/courses/{course.id}").status_code == 200
        return len(statements)

    course = make.course(date(2026, 3, 2), venue_obj=make.venue("Carlisle"))
    make.booking(course)
    few = queries_for(course)
    for _ in range(5):
        make.booking(course)
    assert queries_for(course) == few <= 9  # 9 since the trainers' names come from accounts
