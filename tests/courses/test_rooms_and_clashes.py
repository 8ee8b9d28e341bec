"""Rooms and their capacity, and clash warnings (services/rooms.py, services/clashes.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from booking.models import AuditEvent, CourseStatus, Role
from booking.services import courses as service
from booking.services import rooms
from booking.services.clashes import ROOM, TRAINER, ClashWarning, clashes_for_course
from booking.services.courses import DayDetails
from booking.services.errors import NotAllowed, Problems
from booking.services.rooms import RoomDetails

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday


def _room(venue, name="Fell Room", capacity=16):
    return rooms.create_room(venue, RoomDetails(name, capacity), actor="test", now=NOW)


def _audit(action: str, db) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _days(first: date, starts=time(9, 30), ends=time(16, 30)) -> list[DayDetails]:
    return [DayDetails(first, starts, ends), DayDetails(first + timedelta(days=1), starts, ends)]


# --- Rooms ---------------------------------------------------------------------------------


def test_a_room_needs_a_name_and_how_many_it_holds(make):
    venue = make.venue("Kendal")
    with pytest.raises(Problems) as refused:
        rooms.create_room(venue, RoomDetails("  ", None), actor="test", now=NOW)
    assert [f for f, _ in refused.value.problems] == ["name", "capacity"]
    with pytest.raises(Problems, match="between 1 and 500"):
        rooms.create_room(venue, RoomDetails("Hall", 0), actor="test", now=NOW)


def test_a_venue_cannot_have_two_rooms_of_the_same_name(make):
    venue = make.venue("Kendal")
    _room(venue, "Fell Room")
    with pytest.raises(Problems, match="already has a room called"):
        _room(venue, "fell  room")
    _room(make.venue("Penrith"), "Fell Room")  # another venue may


def test_a_room_is_changed_archived_and_restored(make, db):
    room = _room(make.venue("Kendal"))
    rooms.update_room(room, RoomDetails("Fell Room", 24), actor="test", now=NOW)
    assert room.capacity == 24
    rooms.archive_room(room, actor="test", now=NOW)
    assert rooms.rooms_at(room.venue) == []
    with pytest.raises(NotAllowed):
        rooms.archive_room(room, actor="test", now=NOW)
    rooms.restore_room(room, actor="test", now=NOW)
    assert rooms.rooms_at(room.venue) == [room]
    assert len(_audit("room.archived", db)) == 1


def test_a_course_room_must_be_at_its_venue_and_not_archived(details, make):
    venue = make.venue("Carlisle")
    elsewhere = _room(make.venue("Penrith"))
    with pytest.raises(Problems, match="Choose a room at Carlisle Town Hall"):
        service.create_course(details(venue=venue, room=elsewhere), actor="test", now=NOW)
    archived = _room(venue)
    rooms.archive_room(archived, actor="test", now=NOW)
    with pytest.raises(Problems, match="That room is archived"):
        service.create_course(details(venue=venue, room=archived), actor="test", now=NOW)


# --- Capacity ------------------------------------------------------------------------------


def test_a_course_may_not_have_more_places_than_its_room_holds(details, make, db):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=16)
    with pytest.raises(Problems) as refused:
        service.create_course(
            details(venue=venue, room=room, total_places=20), actor="test", now=NOW
        )
    assert refused.value.problems == [
        (
            "capacity_reason",
            "Fell Room holds 16 people. Enter 16 or fewer total places, or say why this "
            "course needs more places than the room holds",
        )
    ]
    course = service.create_course(
        details(venue=venue, room=room, total_places=16), actor="test", now=NOW
    )
    assert course.room is room
    assert _audit("course.over_room_capacity", db) == []


def test_a_coordinator_may_go_over_the_room_capacity_with_a_reason(details, make, db):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=16)
    course = service.create_course(
        details(
            venue=venue,
            room=room,
            total_places=20,
            capacity_reason="Four people will watch from the gallery.",
        ),
        actor="test",
        now=NOW,
    )
    assert course.total_places == 20
    (event,) = _audit("course.over_room_capacity", db)
    assert event.object_id == course.id
    assert event.reason == "Four people will watch from the gallery."
    assert event.details == {"room": "Fell Room", "capacity": 16, "total_places": 20}


def test_a_course_saved_over_capacity_needs_a_new_reason_only_when_its_places_change(details, make):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=16)
    over = details(venue=venue, room=room, total_places=20, capacity_reason="Gallery seats.")
    course = service.create_course(over, actor="test", now=NOW)
    service.update_course(
        course, details(venue=venue, room=room, total_places=20, notes="Lunch"), actor="t", now=NOW
    )
    assert course.notes == "Lunch"
    with pytest.raises(Problems, match="Fell Room holds 16 people"):
        service.update_course(
            course, details(venue=venue, room=room, total_places=22), actor="test", now=NOW
        )


# --- Clashes -------------------------------------------------------------------------------


def test_the_same_room_on_an_overlapping_day_and_time_is_a_clash(details, make, db):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=30)
    first = service.create_course(details(venue=venue, room=room), actor="test", now=NOW)
    # Starts on first's day 2 (3 March), in the afternoon: overlaps 9:30am to 4pm.
    second = details(
        venue=venue, room=room, trainers="Someone Else", days=_days(date(2026, 3, 3), time(13, 0))
    )
    with pytest.raises(ClashWarning) as warned:
        service.create_course(second, actor="test", now=NOW)
    (clash,) = warned.value.clashes
    assert (clash.kind, clash.course, [d.day_number for d in clash.days]) == (ROOM, first, [2])

    second.clash_reason = "The room is split in two with a partition."
    saved = service.create_course(second, actor="test", now=NOW)
    (event,) = _audit("course.saved_despite_clash", db)
    assert event.object_id == saved.id
    assert event.reason == "The room is split in two with a partition."
    assert event.details["clashes"] == [
        {"kind": "room", "course_id": first.id, "dates": ["2026-03-03"]}
    ]
    assert [c.course for c in clashes_for_course(first)] == [saved]


@pytest.mark.parametrize(
    ("first_day", "starts", "ends"),
    [
        (date(2026, 3, 10), time(9, 30), time(16, 30)),  # another week
        (date(2026, 3, 2), time(17, 0), time(20, 0)),  # the evening, after the first ends
        (date(2026, 3, 2), time(8, 0), time(9, 30)),  # ends as the first starts
    ],
)
def test_the_same_room_on_other_days_or_times_is_no_clash(details, make, first_day, starts, ends):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=30)
    service.create_course(details(venue=venue, room=room), actor="test", now=NOW)
    later = details(
        venue=venue, room=room, trainers="Someone Else", days=_days(first_day, starts, ends)
    )
    assert service.create_course(later, actor="test", now=NOW).room is room


def test_another_room_at_the_same_time_is_no_clash(details, make):
    venue = make.venue("Carlisle")
    service.create_course(details(venue=venue, room=_room(venue, "A", 30)), actor="t", now=NOW)
    other = details(venue=venue, room=_room(venue, "B", 30), trainers="Someone Else")
    assert service.create_course(other, actor="test", now=NOW)


def test_a_cancelled_course_clashes_with_nothing(details, make):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=30)
    first = service.create_course(details(venue=venue, room=room), actor="test", now=NOW)
    service.cancel_course(first, actor="test", now=NOW, reason="Trainer ill")
    assert service.create_course(details(venue=venue, room=room), actor="test", now=NOW)
    assert clashes_for_course(first) == []


def test_the_same_trainer_account_on_two_overlapping_courses_is_a_clash(details, make, db):
    trainer = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    first = service.create_course(
        details(trainers="", trainer_accounts=[trainer]), actor="test", now=NOW
    )
    elsewhere = details(venue=make.venue("Penrith"), trainers="", trainer_accounts=[trainer])
    with pytest.raises(ClashWarning) as warned:
        service.create_course(elsewhere, actor="test", now=NOW)
    assert {(c.kind, c.course, c.trainer) for c in warned.value.clashes} == {
        (TRAINER, first, "Tess Trainer")
    }
    assert [d.day_number for d in warned.value.clashes[0].days] == [1, 2]  # both overlap


def test_the_same_trainer_named_in_the_notes_is_a_clash(details, make):
    service.create_course(
        details(trainers="Helen Armstrong and Gary Nicholson"), actor="test", now=NOW
    )
    with pytest.raises(ClashWarning) as warned:
        service.create_course(
            details(venue=make.venue("Penrith"), trainers="gary  nicholson, Ruth Steel"),
            actor="test",
            now=NOW,
        )
    assert {c.trainer for c in warned.value.clashes} == {"Gary Nicholson"}
    # A placeholder names nobody.
    service.create_course(details(trainers="TBC"), actor="test", now=NOW)
    assert service.create_course(
        details(venue=make.venue("Kendal"), trainers="tbc"), actor="test", now=NOW
    )


def test_a_trainer_account_and_the_same_name_in_the_notes_clash(details, make):
    trainer = make.coordinator(role=Role.TRAINER, full_name="Tess Trainer")
    service.create_course(details(trainers="", trainer_accounts=[trainer]), actor="t", now=NOW)
    with pytest.raises(ClashWarning):
        service.create_course(
            details(venue=make.venue("Penrith"), trainers="Tess Trainer"), actor="t", now=NOW
        )


def test_changing_a_course_checks_clashes_but_not_with_itself(details, make):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=30)
    course = service.create_course(details(venue=venue, room=room), actor="test", now=NOW)
    service.update_course(course, details(venue=venue, room=room, notes="x"), actor="t", now=NOW)
    other = service.create_course(
        details(venue=venue, trainers="Someone Else", days=_days(date(2026, 3, 9))),
        actor="test",
        now=NOW,
    )
    moved = details(venue=venue, room=room, trainers="Someone Else")  # into the room, 2 March
    with pytest.raises(ClashWarning):
        service.update_course(other, moved, actor="test", now=NOW)
    assert other.room is None and other.first_day.date == date(2026, 3, 9)


def test_setting_up_the_next_date_checks_clashes(details, make, db):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=30)
    course = service.create_course(details(venue=venue, room=room), actor="test", now=NOW)
    service.create_course(
        details(venue=venue, room=room, trainers="Someone Else", days=_days(date(2026, 3, 9))),
        actor="test",
        now=NOW,
    )
    with pytest.raises(ClashWarning) as warned:
        service.duplicate_course(course, weeks_later=1, actor="test", now=NOW)
    assert {c.kind for c in warned.value.clashes} == {ROOM}
    copy = service.duplicate_course(
        course, weeks_later=1, actor="test", now=NOW, clash_reason="Two groups, split room."
    )
    assert copy.room is room and copy.status == CourseStatus.DRAFT
    assert _audit("course.saved_despite_clash", db)[0].object_id == copy.id
    assert service.duplicate_course(course, weeks_later=2, actor="test", now=NOW).room is room


def test_the_next_date_of_a_course_over_its_room_capacity_needs_a_reason(details, make):
    venue = make.venue("Carlisle")
    room = _room(venue, capacity=16)
    course = service.create_course(
        details(venue=venue, room=room, total_places=20, capacity_reason="Gallery."),
        actor="test",
        now=NOW,
    )
    with pytest.raises(Problems, match="Fell Room holds 16 people"):
        service.duplicate_course(course, weeks_later=4, actor="test", now=NOW)
    copy = service.duplicate_course(
        course, weeks_later=4, actor="test", now=NOW, capacity_reason="Gallery again."
    )
    assert copy.total_places == 20
