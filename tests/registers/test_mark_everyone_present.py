"""Mark everyone present, then the exceptions: one action for the people not yet marked,
one history change each, and the running count at the top of the register."""

import pytest
from sqlalchemy import select

from booking.models import AttendanceChange, AttendanceMark, BookingStatus, Mark
from booking.services import registers
from booking.services.errors import NotAllowed

from .conftest import DAY_1_MORNING


def marks(db, day):
    rows = db.session.scalars(select(AttendanceMark).where(AttendanceMark.course_day_id == day.id))
    return {m.booking_id: m.mark for m in rows}


def test_everyone_not_yet_marked_is_marked_present_with_one_change_each(
    db, make, course, day1, coordinator
):
    first, second = make.booking(course), make.booking(course)
    late = make.booking(course)
    registers.mark(late, day1, Mark.LATE, actor=coordinator, now=DAY_1_MORNING)

    marked = registers.mark_everyone_present(day1, actor=coordinator, now=DAY_1_MORNING)

    assert marked == 2
    assert marks(db, day1) == {first.id: Mark.PRESENT, second.id: Mark.PRESENT, late.id: Mark.LATE}
    history = db.session.scalars(select(AttendanceChange).order_by(AttendanceChange.id)).all()
    assert [(h.booking_id, h.old_mark, h.new_mark) for h in history[1:]] == [
        (b.id, "", "present") for b in sorted([first, second], key=lambda b: b.person.full_name)
    ]
    assert {h.changed_by_id for h in history} == {coordinator.id}


def test_marking_everyone_twice_changes_nothing_the_second_time(
    db, make, course, day1, coordinator
):
    make.booking(course)
    assert registers.mark_everyone_present(day1, actor=coordinator, now=DAY_1_MORNING) == 1
    assert registers.mark_everyone_present(day1, actor=coordinator, now=DAY_1_MORNING) == 0
    assert len(db.session.scalars(select(AttendanceChange)).all()) == 1


def test_people_who_cancelled_are_not_marked(db, make, course, day1, coordinator):
    make.booking(course, status=BookingStatus.CANCELLED)
    assert registers.mark_everyone_present(day1, actor=coordinator, now=DAY_1_MORNING) == 0
    assert marks(db, day1) == {}


def test_no_one_is_marked_before_the_day(db, make, course, day1, coordinator):
    make.booking(course)
    with pytest.raises(NotAllowed, match="on the day or afterwards"):
        registers.mark_everyone_present(day1, actor=coordinator, now=DAY_1_MORNING.replace(day=1))
    assert marks(db, day1) == {}


def test_the_count_adds_up_the_marks_and_the_people_not_yet_marked(
    db, make, course, day1, coordinator
):
    bookings = [make.booking(course) for _ in range(3)]
    registers.mark(bookings[0], day1, Mark.PRESENT, actor=coordinator, now=DAY_1_MORNING)
    registers.mark(bookings[1], day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    counts = registers.count_marks(registers.register_for(day1))
    assert counts == registers.RegisterCounts(present=1, absent=1, not_marked=1)


def test_the_button_marks_everyone_and_the_page_says_how_many(
    db, coordinator_client, make, course, day1, on_day_1
):
    make.booking(course, make.person(full_name="Amy Brown"))
    make.booking(course, make.person(full_name="Ben Carter"))
    url = f"/coordinator/registers/days/{day1.id}"
    page = coordinator_client.get(url).get_data(as_text=True)
    assert "Mark everyone not yet marked as present (2)" in page
    response = coordinator_client.post(f"{url}/everyone-present", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "2 people marked present" in page
    assert page.count("Marked <strong>present</strong>") == 2
    assert "Mark everyone not yet marked" not in page  # no one left to mark
    assert set(marks(db, day1).values()) == {Mark.PRESENT}


def test_marking_everyone_before_the_day_is_refused_plainly(
    db, coordinator_client, make, course, day1, clock
):
    make.booking(course)
    clock.set(DAY_1_MORNING.replace(day=1))
    url = f"/coordinator/registers/days/{day1.id}"
    page = coordinator_client.post(f"{url}/everyone-present", follow_redirects=True)
    assert "You can only take the register on the day or afterwards" in page.get_data(as_text=True)
    assert marks(db, day1) == {}


def test_marking_everyone_needs_a_coordinator(db, client, make, course, day1, on_day_1):
    make.booking(course)
    response = client.post(f"/coordinator/registers/days/{day1.id}/everyone-present")
    assert response.status_code == 302 and "/coordinator/sign-in" in response.location
    assert marks(db, day1) == {}


def test_a_mark_saved_by_the_script_gets_the_state_and_the_count_back(
    db, coordinator_client, make, course, day1, on_day_1
):
    booking = make.booking(course)
    make.booking(course)
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}",
        data={"mark": "late"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    reply = response.get_json()
    assert reply["mark"] == "late"
    assert "Saved" in reply["state"] and "Marked <strong>late</strong>" in reply["state"]
    assert "1</strong> late" in reply["counts"] and "1</strong> not yet marked" in reply["counts"]


def test_a_mark_refused_for_the_script_says_why_in_plain_words(
    db, coordinator_client, make, course, day1, clock
):
    booking = make.booking(course)
    clock.set(DAY_1_MORNING.replace(day=1))
    response = coordinator_client.post(
        f"/coordinator/registers/days/{day1.id}/people/{booking.id}",
        data={"mark": "late"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert (
        response.get_json()["error"] == "You can only take the register on the day or afterwards."
    )
