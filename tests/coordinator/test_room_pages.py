"""Coordinators keep each venue's rooms; the course form warns of clashes and asks why
before saving anyway, and asks why a course has more places than its room holds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from booking.models import AuditEvent, Course, CourseStatus, Role, Room
from booking.services import rooms
from booking.services.rooms import RoomDetails

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

ROOM_PAGES = [
    ("GET", "/coordinator/venues/{venue}/rooms"),
    ("GET", "/coordinator/venues/{venue}/rooms/new"),
    ("POST", "/coordinator/venues/{venue}/rooms/new"),
    ("GET", "/coordinator/venues/{venue}/rooms/{room}/edit"),
    ("POST", "/coordinator/venues/{venue}/rooms/{room}/edit"),
    ("POST", "/coordinator/venues/{venue}/rooms/{room}/archive"),
    ("POST", "/coordinator/venues/{venue}/rooms/{room}/restore"),
]


def _room(venue, name="Fell Room", capacity=16):
    return rooms.create_room(venue, RoomDetails(name, capacity), actor="test", now=NOW)


def _courses(db) -> int:
    return db.session.scalar(select(func.count(Course.id)))


def test_a_room_is_added_changed_archived_and_restored(coordinator_client, make, db):
    venue = make.venue("Kendal")
    venues_page = coordinator_client.get("/coordinator/venues").get_data(as_text=True)
    assert f"/coordinator/venues/{venue.id}/rooms" in venues_page
    response = coordinator_client.post(
        f"/coordinator/venues/{venue.id}/rooms/new", data={"name": "Fell Room", "capacity": "16"}
    )
    assert response.status_code == 302
    room = db.session.scalars(select(Room)).one()
    page = coordinator_client.get(f"/coordinator/venues/{venue.id}/rooms").get_data(as_text=True)
    assert "Fell Room" in page and ">16<" in page
    coordinator_client.post(
        f"/coordinator/venues/{venue.id}/rooms/{room.id}/edit",
        data={"name": "Fell Room", "capacity": "20"},
    )
    assert room.capacity == 20
    coordinator_client.post(f"/coordinator/venues/{venue.id}/rooms/{room.id}/archive")
    assert room.is_archived
    coordinator_client.post(f"/coordinator/venues/{venue.id}/rooms/{room.id}/restore")
    assert not room.is_archived


def test_a_room_form_with_mistakes_shows_them_in_the_error_summary(coordinator_client, make, db):
    venue = make.venue("Kendal")
    response = coordinator_client.post(
        f"/coordinator/venues/{venue.id}/rooms/new", data={"name": "", "capacity": "lots"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter the room&#39;s name" in page
    assert db.session.scalar(select(Room.id)) is None


@pytest.mark.parametrize(("method", "path"), ROOM_PAGES)
def test_room_pages_are_for_coordinators_only(
    client, clock, make, sign_in_coordinator, method, path
):
    venue = make.venue("Kendal")
    room = _room(venue)
    url = path.format(venue=venue.id, room=room.id)
    response = client.open(url, method=method, data={"name": "X", "capacity": "3"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/coordinator/sign-in?next=")
    sign_in_coordinator(make.coordinator(role=Role.TRAINER, full_name="Tess Trainer"))
    assert client.open(url, method=method, data={"name": "X", "capacity": "3"}).status_code == 404
    assert (room.name, room.capacity, room.is_archived) == ("Fell Room", 16, False)


@pytest.mark.parametrize(("method", "path"), ROOM_PAGES[3:])
def test_a_room_at_another_venue_is_not_found(coordinator_client, make, method, path):
    room = _room(make.venue("Kendal"))
    other = make.venue("Penrith")
    url = path.format(venue=other.id, room=room.id)
    assert coordinator_client.open(url, method=method, data={}).status_code == 404


def test_the_course_form_offers_rooms_and_the_course_pages_show_the_room(
    coordinator_client, course_form, make, db
):
    venue = make.venue("Kendal")
    room = _room(venue)
    form = coordinator_client.get("/coordinator/courses/new").get_data(as_text=True)
    assert "Fell Room at Kendal Town Hall, Kendal (holds 16)" in form
    response = coordinator_client.post(
        "/coordinator/courses/new",
        data=course_form(venue.id, room_id=str(room.id), total_places="16"),
    )
    assert response.status_code == 302
    course = db.session.scalars(select(Course)).one()
    assert course.room is room
    page = coordinator_client.get(f"/coordinator/courses/{course.id}").get_data(as_text=True)
    assert "Fell Room (holds 16)" in page
    public = coordinator_client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert "Room: Fell Room" in public


def test_more_places_than_the_room_holds_is_refused_then_saved_with_a_reason(
    coordinator_client, course_form, make, db
):
    venue = make.venue("Kendal")
    room = _room(venue)
    data = course_form(venue.id, room_id=str(room.id), total_places="20")
    page = coordinator_client.post("/coordinator/courses/new", data=data).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Fell Room holds 16 people" in page
    assert "Why does this course need more places than the room holds?" in page
    assert _courses(db) == 0
    data["capacity_reason"] = "Four more chairs fit at the back."
    assert coordinator_client.post("/coordinator/courses/new", data=data).status_code == 302
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "course.over_room_capacity")
    ).one()
    assert event.reason == "Four more chairs fit at the back."


def test_a_clash_is_a_warning_the_coordinator_confirms_with_a_reason(
    coordinator_client, course_form, make, db
):
    venue = make.venue("Kendal")
    room = _room(venue, capacity=30)
    data = course_form(venue.id, room_id=str(room.id))
    assert coordinator_client.post("/coordinator/courses/new", data=data).status_code == 302
    first = db.session.scalars(select(Course)).one()

    data["trainers"] = "Someone Else"
    warned = coordinator_client.post("/coordinator/courses/new", data=data)
    page = warned.get_data(as_text=True)
    assert warned.status_code == 200
    assert "This course would clash with another course." in page
    assert "Fell Room is also booked for the course on" in page
    assert f"/coordinator/courses/{first.id}" in page
    assert "Why save it anyway?" in page and "Save the course anyway" in page
    assert _courses(db) == 1

    # Saving anyway without a reason says what is missing.
    data["clash_warning_seen"] = "yes"
    page = coordinator_client.post("/coordinator/courses/new", data=data).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Say why the course should be saved anyway" in page
    assert _courses(db) == 1

    data["clash_reason"] = "Two groups: the room has a partition."
    assert coordinator_client.post("/coordinator/courses/new", data=data).status_code == 302
    assert _courses(db) == 2
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "course.saved_despite_clash")
    ).one()
    assert event.reason == "Two groups: the room has a partition."
    page = coordinator_client.get(f"/coordinator/courses/{first.id}").get_data(as_text=True)
    assert "This course clashes with another course." in page


def test_editing_a_course_into_a_clash_warns_first(coordinator_client, course_form, make, db):
    venue = make.venue("Kendal")
    room = _room(venue, capacity=30)
    make.course(venue_obj=venue, room=room, status=CourseStatus.DRAFT, trainers="A Trainer")
    other = make.course(venue_obj=venue, status=CourseStatus.DRAFT, trainers="B Trainer")
    data = course_form(venue.id, room_id=str(room.id), trainers="B Trainer")
    page = coordinator_client.post(f"/coordinator/courses/{other.id}/edit", data=data)
    assert "This course would clash with another course." in page.get_data(as_text=True)
    assert other.room is None
    data["clash_reason"] = "The other group uses the room in the morning only."
    response = coordinator_client.post(f"/coordinator/courses/{other.id}/edit", data=data)
    assert response.status_code == 302
    assert other.room is room


def test_setting_up_the_next_date_warns_of_a_clash(coordinator_client, make, db):
    venue = make.venue("Kendal")
    room = _room(venue, capacity=30)
    course = make.course(venue_obj=venue, room=room, status=CourseStatus.DRAFT)
    make.course(date(2026, 3, 9), venue_obj=venue, room=room, status=CourseStatus.DRAFT)
    url = f"/coordinator/courses/{course.id}/duplicate"
    page = coordinator_client.post(url, data={"weeks_later": "1"}).get_data(as_text=True)
    assert "This course would clash with another course." in page
    assert "Make the copy anyway" in page
    assert _courses(db) == 2
    response = coordinator_client.post(
        url,
        data={"weeks_later": "1", "clash_warning_seen": "yes", "clash_reason": "Split room."},
    )
    assert response.status_code == 302
    assert _courses(db) == 3
