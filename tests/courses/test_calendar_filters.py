"""The calendar can be narrowed by town, by month and to courses with a place the reader's
group could book, and shown as a short list: a GET form, so no JavaScript is needed."""

from __future__ import annotations

from datetime import date

from booking.models import CourseStatus, Group

from .test_calendar import fill, text_of


def cards(response) -> int:
    return response.get_data(as_text=True).count('class="govuk-summary-card"')


def programme(make):
    carlisle, kendal = make.venue("Carlisle"), make.venue("Kendal")
    return {
        "carlisle_march": make.course(date(2026, 3, 2), venue_obj=carlisle),
        "kendal_march": make.course(date(2026, 3, 16), venue_obj=kendal),
        "kendal_april": make.course(date(2026, 4, 13), venue_obj=kendal),
    }


def test_the_filters_are_a_get_form_listing_the_towns_and_months_on_the_calendar(
    client, clock, make
):
    programme(make)
    html = client.get("/courses").get_data(as_text=True)
    assert '<form method="get" action="/courses"' in html
    assert '<option value="Carlisle">Carlisle</option>' in html
    assert '<option value="2026-04">April 2026</option>' in html
    assert "3 courses." in text_of(client.get("/courses"))


def test_choosing_a_town_shows_only_its_courses(client, clock, make):
    programme(make)
    response = client.get("/courses", query_string={"town": "Kendal"})
    assert cards(response) == 2
    page = text_of(response)
    assert "2 of 3 courses match what you chose" in page
    assert "Monday 2 and Tuesday 3 March 2026, Carlisle" not in page
    assert '<option value="Kendal" selected>' in response.get_data(as_text=True)


def test_choosing_a_month_shows_only_courses_starting_in_it(client, clock, make):
    programme(make)
    response = client.get("/courses", query_string={"month": "2026-03", "town": "Kendal"})
    assert cards(response) == 1
    assert "Monday 16 and Tuesday 17 March 2026, Kendal" in text_of(response)


def test_only_courses_with_a_place_the_group_could_book_now(client, clock, make, db):
    courses = programme(make)
    # Carlisle: the staff places are taken, the partner places are kept (not yet released).
    fill(make, courses["carlisle_march"], Group.STAFF, 16)
    # Kendal in March: the partner places are taken.
    fill(make, courses["kendal_march"], Group.PARTNER, 4)
    courses["kendal_april"].status = CourseStatus.CANCELLED
    db.session.commit()

    staff = text_of(client.get("/courses", query_string={"places": "staff"}))
    partner = text_of(client.get("/courses", query_string={"places": "partner"}))
    staff_found, partner_found = staff.split("courses match")[1], partner.split("courses match")[1]
    assert "1 of 3" in staff and "Kendal" in staff_found and "Carlisle" not in staff_found
    assert "1 of 3" in partner and "Carlisle" in partner_found and "Kendal" not in partner_found


def test_the_short_list_is_one_line_a_course_and_keeps_the_filters(client, clock, make):
    programme(make)
    full = client.get("/courses")
    short = client.get("/courses", query_string={"view": "list", "town": "Kendal"})
    assert cards(short) == 0
    html = short.get_data(as_text=True)
    assert html.count('<li><a class="govuk-link" href="/courses/') == 2
    assert len(html) < len(full.get_data(as_text=True))
    assert '<option value="list" selected>' in html


def test_choices_that_are_not_offered_show_nothing_rather_than_fail(client, clock, make):
    programme(make)
    response = client.get(
        "/courses", query_string={"town": "Atlantis", "month": "March", "places": "everyone"}
    )
    assert response.status_code == 200
    assert "0 of 3 courses match what you chose" in text_of(response)
