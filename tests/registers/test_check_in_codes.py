"""Check-in codes: one per booking per course day, random, working only for that day of
that course, and checking someone in as an ordinary register mark."""

import pytest
from sqlalchemy import select

from booking.models import AttendanceChange, AttendanceMark, BookingStatus, CheckInCode, Mark
from booking.services import check_in, registers
from booking.services.check_in import CheckInRefused

from .conftest import DAY_1_MORNING, DAY_2_MORNING, WEEK_AFTER


def code_for(booking, day_number=1):
    return dict((d.day_number, c) for d, c in check_in.codes_for(booking))[day_number]


def test_each_day_of_a_booking_has_its_own_short_code_without_look_alike_characters(
    db, make, course
):
    booking = make.booking(course)
    codes = check_in.codes_for(booking)
    assert [day.day_number for day, _ in codes] == [1, 2]
    first, second = (code for _, code in codes)
    assert first != second
    for code in (first, second):
        assert len(code) == 6
        assert not set(code) & set("O0I1LS5Z2B8UVG6")
    assert check_in.codes_for(booking) == codes  # shown again: the same codes
    assert db.session.query(CheckInCode).count() == 2


def test_a_code_says_nothing_about_the_person_or_the_booking(db, make, course):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    for _, code in check_in.codes_for(booking):
        assert str(booking.id) not in code and "AMY" not in code and "BROWN" not in code


def test_a_booking_without_a_place_has_no_codes(db, make, course):
    assert check_in.codes_for(make.booking(course, status=BookingStatus.WAITLISTED)) == []


def test_the_right_code_on_the_right_day_marks_them_present_with_the_time(
    db, make, course, day1, coordinator
):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    done = check_in.check_in(day1, code_for(booking).lower(), actor=coordinator, now=DAY_1_MORNING)
    assert done.person_name == "Amy Brown" and done.at == DAY_1_MORNING
    mark = db.session.scalar(select(AttendanceMark))
    assert (mark.booking_id, mark.mark, mark.marked_by_id) == (
        booking.id,
        Mark.PRESENT,
        coordinator.id,
    )
    [change] = db.session.scalars(select(AttendanceChange)).all()
    assert (change.old_mark, change.new_mark, change.changed_by_id) == (
        "",
        "present",
        coordinator.id,
    )


def test_a_code_typed_with_spaces_and_a_dash_still_works(db, make, course, day1, coordinator):
    code = code_for(make.booking(course))
    check_in.check_in(day1, f" {code[:3]}-{code[3:]} ", actor=coordinator, now=DAY_1_MORNING)
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.PRESENT


def test_a_code_for_the_other_day_is_refused(db, make, course, day1, day2, coordinator):
    booking = make.booking(course, make.person(full_name="Amy Brown"))
    with pytest.raises(CheckInRefused, match=r"for day 2 \(Tuesday 3 March 2026\), not this day"):
        check_in.check_in(day1, code_for(booking, 2), actor=coordinator, now=DAY_1_MORNING)
    with pytest.raises(CheckInRefused, match="for day 1"):
        check_in.check_in(day2, code_for(booking, 1), actor=coordinator, now=DAY_2_MORNING)
    assert db.session.query(AttendanceMark).count() == 0


def test_a_code_for_another_course_is_refused(db, make, course, day1, coordinator):
    other = make.course()
    booking = make.booking(other, make.person(full_name="Amy Brown"))
    with pytest.raises(CheckInRefused, match="another course") as refused:
        check_in.check_in(day1, code_for(booking), actor=coordinator, now=DAY_1_MORNING)
    assert refused.value.person_name == "Amy Brown"
    assert db.session.query(AttendanceMark).count() == 0


def test_a_cancelled_booking_is_refused(db, make, course, day1, coordinator):
    booking = make.booking(course)
    code = code_for(booking)
    booking.status = BookingStatus.CANCELLED
    db.session.commit()
    with pytest.raises(CheckInRefused, match="booking was cancelled"):
        check_in.check_in(day1, code, actor=coordinator, now=DAY_1_MORNING)
    assert db.session.query(AttendanceMark).count() == 0


def test_checking_in_twice_says_when_they_checked_in(db, make, course, day1, coordinator):
    code = code_for(make.booking(course))
    check_in.check_in(day1, code, actor=coordinator, now=DAY_1_MORNING)  # 9:45am in London
    with pytest.raises(CheckInRefused, match=r"Already checked in at 9:45am\."):
        check_in.check_in(
            day1, code, actor=coordinator, now=DAY_1_MORNING.replace(hour=10, minute=2)
        )
    assert db.session.query(AttendanceChange).count() == 1


def test_someone_marked_absent_who_then_arrives_is_checked_in(db, make, course, day1, coordinator):
    booking = make.booking(course)
    registers.mark(booking, day1, Mark.ABSENT, actor=coordinator, now=DAY_1_MORNING)
    check_in.check_in(day1, code_for(booking), actor=coordinator, now=DAY_1_MORNING)
    assert db.session.scalar(select(AttendanceMark.mark)) == Mark.PRESENT


@pytest.mark.parametrize("forged", ["ACDEFH", "AAAAAA", "ACDEF", "ACDEFHJ", "OOOOOO", "", "<b>"])
def test_a_made_up_code_is_refused(db, make, course, day1, coordinator, forged):
    code_for(make.booking(course))
    with pytest.raises(CheckInRefused, match="Check it and try again"):
        check_in.check_in(day1, forged, actor=coordinator, now=DAY_1_MORNING)
    assert db.session.query(AttendanceMark).count() == 0


def test_a_code_is_refused_before_the_day_and_after_it(db, make, course, day1, coordinator):
    code = code_for(make.booking(course))
    with pytest.raises(Exception, match="on the day or afterwards"):
        check_in.check_in(day1, code, actor=coordinator, now=DAY_1_MORNING.replace(day=1))
    with pytest.raises(CheckInRefused, match="This day is over"):
        check_in.check_in(day1, code, actor=coordinator, now=WEEK_AFTER)
    assert db.session.query(AttendanceMark).count() == 0


def test_the_qr_code_is_a_full_qr_code_that_phone_cameras_read(db, make, course):
    [first, _] = check_in.codes_to_show(make.booking(course), now=DAY_1_MORNING)
    # 21 modules and a border of 4 at 5 pixels each; a Micro QR code would be 13 wide.
    assert 'width="145"' in first.qr_svg
