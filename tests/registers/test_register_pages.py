"""The register pages: one compact row per person, walk-ins, sign-in sheet, history, support needs."""

import pytest
from sqlalchemy import func, select

from booking.models import AttendanceMark, AuditEvent, BookingStatus, Mark

from .conftest import DAY_1_MORNING, WEEK_AFTER


def test_the_register_lists_each_person_with_their_organisation_and_four_marks(
    coordinator_client, make, course, day1, on_day_1
):
    make.booking(course, make.person(full_name="Amy Brown", organisation="Cumberland Council"))
    make.booking(
        course,
        make.person(group="partner", full_name="Nina Nurse", organisation="NHS"),
        support_needs="Wheelchair user",
    )
    page = coordinator_client.get(f"/coordinator/registers/days/{day1.id}").get_data(as_text=True)
    assert "Amy Brown" in page and "Cumberland Council" in page
    assert "Nina Nurse" in page and "Partner" in page and "Staff" in page
    assert "Has support needs" in page
    assert "Wheelchair user" not in page  # only on its own page, which records the view
    assert page.count('name="mark"') == 8  # four buttons for each of two people
    assert "Not marked yet." in page


def test_saving_a_mark_redirects_back_to_the_person_and_shows_it_saved(
    db, coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}", data={"mark": "late"}
    )
    assert response.status_code == 302
    assert response.location.endswith(
        f"/coordinator/registers/days/{day1.id}?saved={booking.id}#person-{booking.id}"
    )
    page = coordinator_client.get(response.location).get_data(as_text=True)
    assert "Saved</strong>" in page
    assert "Marked <strong>late</strong>" in page
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.LATE


def test_left_early_without_the_box_ticked_does_not_count(
    db, coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course)
    coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}", data={"mark": "left_early"}
    )
    mark = db.session.scalar(select(AttendanceMark))
    assert (mark.mark, mark.counts_as_attended) == (Mark.LEFT_EARLY, False)


def test_saving_without_choosing_a_mark_shows_an_error_for_that_person(
    coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course)
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}", data={}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert f'href="#mark-{booking.id}"' in page


def test_a_correction_after_the_day_without_a_reason_is_refused_plainly(
    db, coordinator_client, make, course, day1, clock
):
    booking = make.booking(course)
    clock.set(DAY_1_MORNING)
    coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}", data={"mark": "absent"}
    )
    clock.set(WEEK_AFTER)
    url = f"/coordinator/registers/days/{day1.id}/people/{booking.id}"
    response = coordinator_client.post(url, data={"mark": "present", "counts": "y"})
    assert response.status_code == 400
    assert "Say why you are changing the mark" in response.get_data(as_text=True)
    assert f'href="#reason-{booking.id}"' in response.get_data(as_text=True)
    response = coordinator_client.post(url, data={"mark": "present", "reason": "Signed in late"})
    assert response.status_code == 302
    history = coordinator_client.get(f"/coordinator/registers/days/{day1.id}/history")
    text = history.get_data(as_text=True)
    assert "Signed in late" in text and "Absent" in text and "Present" in text


def test_a_walk_in_is_added_from_the_form_and_shown_on_the_register(
    coordinator_client, make, course, day1, on_day_1
):
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/walk-in",
        data={"email": "walk.in@nhs.net", "full_name": "Wendy Walker", "organisation": "NHS"},
    )
    assert response.status_code == 302
    page = coordinator_client.get(response.location).get_data(as_text=True)
    assert "Wendy Walker is added and marked present" in page
    assert "Marked <strong>present</strong>" in page


def test_a_walk_in_on_a_full_course_asks_for_a_reason(
    coordinator_client, make, course, day1, on_day_1
):
    for _ in range(3):
        make.booking(course)
    url = f"/coordinator/registers/days/{day1.id}/walk-in"
    response = coordinator_client.post(url, data={"email": "x@nhs.net", "full_name": "X Y"})
    assert response.status_code == 400
    assert 'href="#reason"' in response.get_data(as_text=True)
    response = coordinator_client.post(
        url, data={"email": "x@nhs.net", "full_name": "X Y", "reason": "Room has space"}
    )
    assert response.status_code == 302
    page = coordinator_client.get(response.location).get_data(as_text=True)
    assert "1 over the number of places" in page
    assert "Walk-in beyond the places" in page


def test_the_sign_in_sheet_has_names_organisations_and_a_signature_column(
    coordinator_client, make, course, day1
):
    make.booking(course, make.person(full_name="Amy Brown", organisation="Cumberland Council"))
    page = coordinator_client.get(f"/coordinator/registers/days/{day1.id}/sign-in-sheet")
    text = page.get_data(as_text=True)
    assert "Amy Brown" in text and "Cumberland Council" in text and "Signature" in text


def test_opening_support_needs_is_recorded_each_time(
    db, coordinator_client, make, course, coordinator
):
    booking = make.booking(course, support_needs="Needs a hearing loop")
    for _ in range(2):
        response = coordinator_client.get(
            f"/coordinator/registers/bookings/{booking.id}/support-needs"
        )
        assert "Needs a hearing loop" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
    viewed = select(func.count(AuditEvent.id)).where(AuditEvent.action == "support_needs.viewed")
    assert db.session.scalar(viewed) == 2


def test_the_register_can_be_downloaded(coordinator_client, make, course, day1):
    make.booking(course, make.person(full_name="=HYPERLINK(1)"))
    response = coordinator_client.get(f"/coordinator/registers/days/{day1.id}/register.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith("\ufeff".encode())
    assert "'=HYPERLINK(1)" in response.data.decode("utf-8-sig")


def test_the_list_of_registers_shows_days_around_today(coordinator_client, make, course, clock):
    clock.set(DAY_1_MORNING)
    page = coordinator_client.get("/coordinator/registers").get_data(as_text=True)
    assert "Day 1 register" in page and "Day 2 register" in page


def test_someone_who_cancelled_is_not_on_the_register(coordinator_client, make, course, day1):
    make.booking(course, make.person(full_name="Carl Cancelled"), status=BookingStatus.CANCELLED)
    page = coordinator_client.get(f"/coordinator/registers/days/{day1.id}").get_data(as_text=True)
    assert "Carl Cancelled" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/coordinator/registers",
        "/coordinator/registers/days/{day}",
        "/coordinator/registers/days/{day}/walk-in",
        "/coordinator/registers/days/{day}/sign-in-sheet",
        "/coordinator/registers/days/{day}/history",
        "/coordinator/registers/days/{day}/register.csv",
        "/coordinator/registers/bookings/{booking}/support-needs",
    ],
)
def test_every_register_page_needs_a_coordinator(client, make, course, day1, path):
    booking = make.booking(course, support_needs="Private")
    response = client.get(path.format(day=day1.id, booking=booking.id))
    assert response.status_code == 302
    assert "/coordinator/sign-in" in response.location


def test_marking_needs_a_coordinator(db, client, make, course, day1, on_day_1):
    booking = make.booking(course)
    response = client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}", data={"mark": "present"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(AttendanceMark.id))) == 0


def test_unknown_days_and_bookings_are_not_found(coordinator_client, make, course, day1):
    assert coordinator_client.get("/coordinator/registers/days/999").status_code == 404
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/999", data={"mark": "present"}
    )
    assert response.status_code == 404
