"""Walk-ins: booked and marked present if a place is free; beyond the places only with a reason."""

import pytest
from sqlalchemy import select

from booking.models import AttendanceMark, Booking, BookingStatus, Group, Mark, Person
from booking.services import allocation, registers
from booking.services.errors import NotAllowed, ValidationError

from .conftest import COUNCIL_DOMAINS, DAY_1_MORNING, WEEK_AFTER


def walk_in(email="new.person@cumberland.gov.uk", name="New Person", **fields):
    return registers.WalkIn(email=email, full_name=name, **fields)


def add(course, day, details, actor, *, now=DAY_1_MORNING, reason=""):
    return registers.add_walk_in(
        course, day, details, actor=actor, now=now, reason=reason, council_domains=COUNCIL_DOMAINS
    )


def test_a_walk_in_takes_a_free_place_and_is_marked_present(db, make, course, day1, coordinator):
    booking = add(course, day1, walk_in(job_title="Family Worker"), coordinator)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.over_capacity is False
    assert booking.person.group == Group.STAFF
    assert booking.person.job_title == "Family Worker"
    mark = db.session.scalar(select(AttendanceMark).where(AttendanceMark.booking_id == booking.id))
    assert mark.mark == Mark.PRESENT and mark.course_day_id == day1.id


def test_a_walk_in_from_outside_the_councils_is_a_partner(make, course, day1, coordinator):
    booking = add(course, day1, walk_in(email="nurse@nhs.net"), coordinator)
    assert booking.person.group == Group.PARTNER


def test_a_walk_in_we_know_keeps_their_details(db, make, course, day1, coordinator):
    known = make.person(email="known@cumberland.gov.uk", full_name="Known Person")
    booking = add(course, day1, walk_in(email=" Known@Cumberland.gov.uk ", name=""), coordinator)
    assert booking.person_id == known.id
    assert db.session.scalar(select(Person.full_name).where(Person.id == known.id)) == (
        "Known Person"
    )


def test_when_the_course_is_full_a_walk_in_needs_a_reason(db, make, course, day1, coordinator):
    for _ in range(3):
        make.booking(course)
    with pytest.raises(ValidationError, match="no free places") as error:
        add(course, day1, walk_in(), coordinator)
    assert error.value.field == "reason"
    assert db.session.scalar(select(Person).where(Person.email.like("new.person%"))) is None


def test_a_walk_in_beyond_the_places_is_recorded_and_the_course_shows_over_capacity(
    db, make, course, day1, coordinator
):
    for _ in range(3):
        make.booking(course)
    booking = add(course, day1, walk_in(), coordinator, reason="Manager asked, room has space")
    assert booking.over_capacity is True
    assert booking.reason == "Manager asked, room has space"
    assert allocation.availability(course, DAY_1_MORNING).over_capacity == 1
    assert len(registers.register_for(day1)) == 4


def test_a_walk_in_already_waiting_for_this_course_takes_that_booking(
    db, make, course, day1, coordinator
):
    person = make.person(email="waiting@cumberland.gov.uk")
    waiting = make.booking(course, person, status=BookingStatus.WAITLISTED)
    booking = add(course, day1, walk_in(email="waiting@cumberland.gov.uk"), coordinator)
    assert booking.id == waiting.id
    assert booking.status == BookingStatus.CONFIRMED
    assert db.session.scalar(select(Booking.id).where(Booking.person_id == person.id)) == waiting.id


def test_a_walk_in_with_a_place_on_another_date_is_refused(make, course, day1, coordinator):
    from datetime import date

    person = make.person(email="elsewhere@cumberland.gov.uk")
    make.booking(make.course(date(2026, 4, 13)), person)
    with pytest.raises(NotAllowed, match="another date"):
        add(course, day1, walk_in(email="elsewhere@cumberland.gov.uk"), coordinator)


def test_someone_already_booked_is_simply_marked_present(db, make, course, day1, coordinator):
    person = make.person(email="booked@cumberland.gov.uk")
    existing = make.booking(course, person)
    booking = add(course, day1, walk_in(email="booked@cumberland.gov.uk"), coordinator)
    assert booking.id == existing.id
    assert registers.register_for(day1)[0].mark.mark == Mark.PRESENT


def test_walk_ins_are_added_on_the_day_not_before(make, course, day1, coordinator, clock):
    with pytest.raises(NotAllowed, match="on the day"):
        add(course, day1, walk_in(), coordinator, now=clock.now)


def test_adding_someone_after_the_day_needs_a_reason(make, course, day1, coordinator):
    with pytest.raises(ValidationError, match="after the day"):
        add(course, day1, walk_in(), coordinator, now=WEEK_AFTER)
    booking = add(course, day1, walk_in(), coordinator, now=WEEK_AFTER, reason="Missed off")
    assert booking.status == BookingStatus.CONFIRMED


def test_a_walk_in_needs_an_email_address_and_a_name(make, course, day1, coordinator):
    with pytest.raises(ValidationError, match="email address"):
        add(course, day1, walk_in(email="not an address"), coordinator)
    with pytest.raises(ValidationError, match="full name"):
        add(course, day1, walk_in(name=" "), coordinator)


def test_an_address_on_a_council_subdomain_is_staff(make, course, day1, coordinator):
    booking = add(course, day1, walk_in(email="sam@schools.cumbria.gov.uk"), coordinator)
    assert booking.person.group == Group.STAFF


def test_walk_in_details_can_be_given_as_a_plain_mapping(make, course, day1, coordinator):
    details = {"email": "map@nhs.net", "full_name": "Map Person", "organisation": None}
    booking = add(course, day1, details, coordinator)
    assert (booking.person.full_name, booking.person.organisation) == ("Map Person", "")


def test_the_walk_in_form_checks_the_email_address(coordinator_client, day1, on_day_1):
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/walk-in", data={"email": "nope"}
    )
    assert response.status_code == 400
    assert "Enter an email address, like name@example.com" in response.get_data(as_text=True)
