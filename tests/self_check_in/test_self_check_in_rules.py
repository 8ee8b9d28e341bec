"""Self check-in: a code on the room's screen that changes every 30 seconds; a person with a
place who scans it is marked present, as an ordinary register mark with its history."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from booking.extensions import db as _db
from booking.models import AttendanceChange, AttendanceMark, BookingStatus, CourseStatus, Mark
from booking.services import registers, self_check_in
from booking.services.check_in import CheckInRefused
from booking.services.self_check_in import SelfCheckInRefused

from .conftest import DAY_1_MORNING, DAY_2_MORNING, SECRET


def screen_code(day, now=DAY_1_MORNING):
    return self_check_in.code_on_screen(day, secret=SECRET, now=now).code


def check_in(day, code, person, now=DAY_1_MORNING):
    return self_check_in.check_in_myself(day, code, person, secret=SECRET, now=now)


def test_a_fresh_code_marks_the_person_present_as_an_ordinary_mark_with_its_history(
    db, make, course, day1
):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    done = check_in(day1, screen_code(day1), booking.person, now=DAY_1_MORNING)
    assert (done.person_name, done.at) == ("Amy Brown", DAY_1_MORNING)
    mark = db.session.scalars(select(AttendanceMark)).one()
    assert (mark.booking_id, mark.course_day_id, mark.mark) == (booking.id, day1.id, Mark.PRESENT)
    change = db.session.scalars(select(AttendanceChange)).one()
    assert (change.old_mark, change.new_mark, change.changed_by_id) == ("", "present", None)
    assert change.reason == "Checked themselves in with the code on the screen"
    [entry] = registers.history_for_day(day1)
    assert entry.person.id == booking.person_id


def test_the_code_changes_every_30_seconds_and_differs_by_day_and_course(
    db, make, course, day1, day2
):
    other = make.course(total_places=3, partner_places=1).days[0]
    now = DAY_1_MORNING
    assert screen_code(day1, now) == screen_code(day1, now + timedelta(seconds=29))
    assert screen_code(day1, now) != screen_code(day1, now + timedelta(seconds=30))
    assert len({screen_code(day1, now), screen_code(day2, now), screen_code(other, now)}) == 3
    shown = self_check_in.code_on_screen(day1, secret=SECRET, now=now + timedelta(seconds=20))
    assert shown.seconds_left == 10


def test_the_code_from_the_step_before_is_still_accepted(db, make, course, day1):
    booking = make.booking(course)
    code = screen_code(day1, DAY_1_MORNING)
    check_in(day1, code, booking.person, now=DAY_1_MORNING + timedelta(seconds=59))
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.PRESENT


@pytest.mark.parametrize("later", [timedelta(seconds=60), timedelta(minutes=5)])
def test_a_code_older_than_a_minute_is_refused_as_changed(db, make, course, day1, later):
    booking = make.booking(course)
    code = screen_code(day1, DAY_1_MORNING)
    with pytest.raises(SelfCheckInRefused, match="has changed since you scanned it"):
        check_in(day1, code, booking.person, now=DAY_1_MORNING + later)
    assert db.session.scalars(select(AttendanceMark)).all() == []


def test_a_forged_or_future_code_is_not_recognised(db, make, course, day1):
    booking = make.booking(course)
    future = screen_code(day1, DAY_1_MORNING + timedelta(seconds=30))
    for code in ("aaaaaaaaaaaaaaaa", future, ""):
        with pytest.raises(SelfCheckInRefused, match="do not recognise"):
            check_in(day1, code, booking.person)
    forged = self_check_in.code_for_step(day1, int(DAY_1_MORNING.timestamp()) // 30, secret="guess")
    with pytest.raises(SelfCheckInRefused, match="do not recognise"):
        check_in(day1, forged, booking.person)


def test_scanning_again_is_refused_saying_when_they_checked_in(db, make, course, day1):
    booking = make.booking(course)
    check_in(day1, screen_code(day1), booking.person)
    later = DAY_1_MORNING + timedelta(minutes=3)
    with pytest.raises(CheckInRefused, match="You checked in at 9:45am already"):
        check_in(day1, screen_code(day1, later), booking.person, now=later)
    assert db.session.scalars(select(AttendanceChange)).all().__len__() == 1


def test_a_code_for_another_day_is_refused(db, make, course, day1, day2):
    booking = make.booking(course)
    code = screen_code(day1, DAY_2_MORNING)  # the day 1 code, made (or kept) on day 2
    with pytest.raises(SelfCheckInRefused, match="for day 1 of the course, Monday 2 March 2026"):
        check_in(day1, code, booking.person, now=DAY_2_MORNING)
    with pytest.raises(SelfCheckInRefused, match="do not recognise"):
        check_in(day2, code, booking.person, now=DAY_2_MORNING)


def test_a_code_for_another_course_is_refused(db, make, course, day1):
    booking = make.booking(course)
    other_course = make.course(total_places=3, partner_places=1)
    other_day = other_course.days[0]
    # The other room's code, for this course's day: not this course's code.
    with pytest.raises(SelfCheckInRefused, match="do not recognise"):
        check_in(day1, screen_code(other_day), booking.person)
    # The other room's code, on its own day: they have no place there.
    with pytest.raises(SelfCheckInRefused, match="do not have a place"):
        check_in(other_day, screen_code(other_day), booking.person)


@pytest.mark.parametrize("status", [BookingStatus.WAITLISTED, BookingStatus.CANCELLED, None])
def test_someone_without_a_confirmed_place_is_refused(db, make, course, day1, status):
    person = make.booking(course, status=status).person if status else make.person()
    with pytest.raises(SelfCheckInRefused, match="do not have a place"):
        check_in(day1, screen_code(day1), person)
    assert db.session.scalars(select(AttendanceMark)).all() == []


def test_self_check_in_switched_off_for_the_course_is_refused(db, make, course, day1):
    booking = make.booking(course)
    course.self_check_in = False
    _db.session.commit()
    with pytest.raises(SelfCheckInRefused, match="switched off"):
        check_in(day1, screen_code(day1), booking.person)


def test_a_cancelled_course_has_no_self_check_in(db, make, course, day1):
    booking = make.booking(course)
    course.status = CourseStatus.CANCELLED
    _db.session.commit()
    with pytest.raises(SelfCheckInRefused, match="switched off"):
        check_in(day1, screen_code(day1), booking.person)


def test_someone_marked_absent_before_they_arrived_is_marked_present(
    db, make, course, day1, coordinator
):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    later = DAY_1_MORNING + timedelta(minutes=20)
    check_in(day1, screen_code(day1, later), booking.person, now=later)
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.PRESENT
    assert len(db.session.scalars(select(AttendanceChange)).all()) == 2
