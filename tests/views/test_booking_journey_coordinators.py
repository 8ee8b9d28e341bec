"""The coordinators' booking pages: who is on a course, and adding, promoting, reordering,
moving and cancelling with a reason. Plus the `flask bookings tick` command."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from booking.models import AuditEvent, Booking, BookingStatus, Group, Person
from booking.services import changes, requests, waitlist


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def full_course(make, clock):
    """One place, held, and two people waiting (a partner who asked first, then staff)."""
    course = make.course(total_places=1, partner_places=0, release_on=date(2026, 1, 1))
    holder = requests.book_place(
        course, make.person(Group.STAFF, full_name="Hana Holder"), actor="t", now=clock()
    )
    partner = requests.book_place(
        course, make.person(Group.PARTNER, full_name="Pat Partner"), actor="t", now=clock()
    )
    staff = requests.book_place(
        course,
        make.person(Group.STAFF, full_name="Sam Staff"),
        actor="t",
        now=clock() + timedelta(minutes=1),
    )
    return course, holder, partner, staff


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/coordinator/courses/{course}/bookings"),
        ("post", "/coordinator/courses/{course}/bookings/add"),
        ("get", "/coordinator/bookings/{booking}"),
        ("post", "/coordinator/bookings/{booking}/cancel"),
        ("post", "/coordinator/bookings/{booking}/promote"),
        ("post", "/coordinator/bookings/{booking}/move"),
        ("post", "/coordinator/bookings/{booking}/priority"),
        ("post", "/coordinator/bookings/{booking}/group"),
    ],
)
def test_coordinator_booking_pages_need_a_coordinator(client, db, full_course, method, url):
    course, holder, *_ = full_course
    response = getattr(client, method)(url.format(course=course.id, booking=holder.id))
    assert response.status_code == 302
    assert "/coordinator/sign-in" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Booking, holder.id).status == BookingStatus.CONFIRMED


def test_the_people_page_lists_places_and_the_waitlist_in_order(coordinator_client, full_course):
    course, *_ = full_course
    page = text(coordinator_client.get(f"/coordinator/courses/{course.id}/bookings"))
    assert "Hana Holder" in page
    assert page.index("Sam Staff") < page.index("Pat Partner")  # staff first (rule 4)
    assert "Waitlist, in order (2)" in page


def test_unknown_courses_and_bookings_are_not_found(coordinator_client):
    assert coordinator_client.get("/coordinator/courses/999/bookings").status_code == 404
    assert coordinator_client.get("/coordinator/bookings/999").status_code == 404
    assert coordinator_client.post("/coordinator/bookings/999/cancel").status_code == 404
    assert coordinator_client.get("/coordinator/bookings/99999999999999999999").status_code == 404


def test_a_coordinator_adds_someone_with_a_reason(coordinator_client, db, coordinator, make, clock):
    course = make.course()
    data = {
        "email": "New.Starter@Cumbria.gov.uk",
        "full_name": "New Starter",
        "reason": "Asked by their manager on the phone.",
    }
    response = coordinator_client.post(f"/coordinator/courses/{course.id}/bookings/add", data=data)
    assert response.status_code == 302
    booking = db.session.scalar(select(Booking))
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.person.email == "new.starter@cumbria.gov.uk"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "booking.added"))
    assert event.user_id == coordinator.id and event.reason == data["reason"]


def test_adding_without_a_reason_shows_an_error_and_saves_nothing(
    coordinator_client, db, make, clock
):
    course = make.course()
    response = coordinator_client.post(
        f"/coordinator/courses/{course.id}/bookings/add",
        data={"email": "someone@nhs.net", "full_name": "Some One", "reason": ""},
    )
    assert response.status_code == 400
    assert "Say why you are adding this person" in text(response)
    assert db.session.scalar(select(func.count(Booking.id))) == 0
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_a_coordinator_promotes_someone_waiting(coordinator_client, db, full_course):
    _course, _holder, partner, _staff = full_course
    page = text(coordinator_client.get(f"/coordinator/bookings/{partner.id}"))
    assert "number 2 on the waitlist" in page
    response = coordinator_client.post(
        f"/coordinator/bookings/{partner.id}/promote", data={"promote-reason": "Court work"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    promoted = db.session.get(Booking, partner.id)
    assert promoted.status == BookingStatus.CONFIRMED and promoted.over_capacity


def test_a_coordinator_reorders_the_waitlist(coordinator_client, db, full_course):
    _course, _holder, partner, staff = full_course
    response = coordinator_client.post(
        f"/coordinator/bookings/{partner.id}/priority",
        data={"priority-priority": "1", "priority-reason": "Needs it for a new role"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert waitlist.waitlist_position(db.session.get(Booking, partner.id)) == 1
    assert waitlist.waitlist_position(db.session.get(Booking, staff.id)) == 2


def test_a_bad_priority_is_shown_as_an_error(coordinator_client, db, full_course):
    _course, _holder, partner, _staff = full_course
    response = coordinator_client.post(
        f"/coordinator/bookings/{partner.id}/priority",
        data={"priority-priority": "first", "priority-reason": "x"},
    )
    assert response.status_code == 400
    assert "Enter a whole number from 0 to 9999" in text(response)
    assert db.session.get(Booking, partner.id).queue_priority is None


def test_a_coordinator_corrects_a_group_and_the_freed_place_is_offered(
    coordinator_client, db, make, clock
):
    course = make.course(total_places=2, partner_places=1)
    council_worker = requests.book_place(
        course, make.person(Group.PARTNER, email="seconded@nhs.net"), actor="t", now=clock()
    )
    waiting_partner = requests.book_place(
        course, make.person(Group.PARTNER), actor="t", now=clock()
    )
    assert waiting_partner.status == BookingStatus.WAITLISTED
    response = coordinator_client.post(
        f"/coordinator/bookings/{council_worker.id}/group",
        data={"group-group": "staff", "group-reason": "Seconded to the council"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, council_worker.id).person.group == Group.STAFF
    assert db.session.get(Booking, waiting_partner.id).status == BookingStatus.OFFERED


def test_a_coordinator_cancels_and_the_place_is_offered(coordinator_client, db, full_course):
    _course, holder, _partner, staff = full_course
    response = coordinator_client.post(
        f"/coordinator/bookings/{holder.id}/cancel", data={"cancel-reason": "Off sick"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, holder.id).status == BookingStatus.CANCELLED
    assert db.session.get(Booking, staff.id).status == BookingStatus.OFFERED


def test_cancelling_without_a_reason_is_refused(coordinator_client, db, full_course):
    _course, holder, *_ = full_course
    response = coordinator_client.post(f"/coordinator/bookings/{holder.id}/cancel", data={})
    assert response.status_code == 400
    assert "Say why this booking is being cancelled" in text(response)
    assert db.session.get(Booking, holder.id).status == BookingStatus.CONFIRMED


def test_a_coordinator_moves_someone_even_to_a_full_date(coordinator_client, db, make, clock):
    course = make.course()
    full = make.course(day1=date(2026, 4, 6), total_places=1, partner_places=0)
    requests.book_place(full, make.person(Group.STAFF), actor="t", now=clock())
    booking = requests.book_place(course, make.person(Group.STAFF), actor="t", now=clock())
    refused = coordinator_client.post(
        f"/coordinator/bookings/{booking.id}/move",
        data={"move-course_id": str(full.id), "move-reason": "Swap"},
    )
    assert refused.status_code == 400
    assert "There is no free place on that date now" in text(refused)
    moved = coordinator_client.post(
        f"/coordinator/bookings/{booking.id}/move",
        data={
            "move-course_id": str(full.id),
            "move-reason": "Swap",
            "move-allow_over_capacity": "y",
        },
    )
    assert moved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Booking, booking.id).status == BookingStatus.MOVED


def test_flask_bookings_tick_prints_what_it_did_and_is_safe_to_repeat(
    runner, db, full_course, clock
):
    _course, holder, *_ = full_course
    changes.cancel_booking(holder, actor="t", now=clock())
    clock.advance(hours=48)
    first = runner.invoke(args=["bookings", "tick"])
    assert first.exit_code == 0
    assert "Offers that ran out: 1. Places offered: 1. Courses changed: 1." in first.output
    second = runner.invoke(args=["bookings", "tick"])
    assert "Offers that ran out: 0. Places offered: 0. Courses changed: 0." in second.output


def test_opening_a_booking_with_support_needs_is_recorded_in_the_audit_trail(
    coordinator_client, coordinator, db, make, clock
):
    from booking.models import AuditEvent

    booking = make.booking(make.course(), support_needs="I use a wheelchair.")

    page = coordinator_client.get(f"/coordinator/bookings/{booking.id}").get_data(as_text=True)

    assert "I use a wheelchair." in page
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "support_needs.viewed")
    ).all()
    assert (event.object_id, event.user_id) == (booking.id, coordinator.id)
    assert "wheelchair" not in str(event.details)


def test_a_booking_page_shown_again_after_a_mistake_also_records_the_look(
    coordinator_client, coordinator, db, make, clock
):
    from booking.models import AuditEvent

    booking = make.booking(make.course(), support_needs="I use a wheelchair.")

    response = coordinator_client.post(f"/coordinator/bookings/{booking.id}/cancel", data={})

    assert response.status_code == 400
    assert "I use a wheelchair." in response.get_data(as_text=True)
    [event] = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "support_needs.viewed")
    ).all()
    assert (event.object_id, event.user_id) == (booking.id, coordinator.id)
